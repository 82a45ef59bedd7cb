"""check-model and check-benchmark: conformance suites anyone can run on their own model or benchmark container (like
scikit-learn's check_estimator).

Each `check_<property>` function takes a ModelSession (or a BenchmarkSession) and returns a CheckResult: passed,
warned (passed with a warning), failed or skipped, with a reason, a fix and located Problems. `check_model` runs them
all; `benchmark_suite.check_benchmark` runs the benchmark checks (imported on demand: it loads the metrics).
"""
from .result import CheckReport, CheckResult, SkipCheck, Status
from .suite import CHECKS, check_model

__all__ = ["CHECKS", "CheckReport", "CheckResult", "SkipCheck", "Status", "check_model"]
