"""The check-benchmark suite: an ordered registry of check_<property> functions for benchmark containers, and the
function that runs them all (the benchmark author's counterpart of check-model)."""
from __future__ import annotations

from typing import Callable

from ..config import Settings
from ..execution.engines import Engine
from .benchmark_checks import (
    check_ceiling_in_range,
    check_export_deterministic,
    check_export_exits_zero,
    check_export_meets_spec,
    check_manifest_hashes_match,
    check_no_network_attempts,
    check_recorded_stimuli_in_set,
    check_runs_as_non_root,
    check_shuffled_control_near_zero,
)
from .benchmark_session import BenchmarkSession
from .result import CheckReport, CheckResult, SkipCheck
from .suite import limits_for, registry, run_checks, work_folder

# In order: export #1 is validated once and feeds the data checks; export #2 is made for determinism, export #3
# under the network trap.
BENCHMARK_CHECKS: dict[str, Callable[[BenchmarkSession], CheckResult]] = registry(
    check_export_exits_zero,
    check_runs_as_non_root,
    check_export_meets_spec,
    check_manifest_hashes_match,
    check_recorded_stimuli_in_set,
    check_export_deterministic,
    check_ceiling_in_range,
    check_shuffled_control_near_zero,
    check_no_network_attempts,
)


def check_benchmark(engine: Engine, settings: Settings, image: str, timeout_s: float | None = None,
                    memory: str | None = None, on_result: Callable[[CheckResult], None] | None = None) -> CheckReport:
    """Run every benchmark check on `image` (which must exist: UsageError otherwise) and return the report.

    Engine failures (EngineError) propagate: they mean check-benchmark could not run, not that the benchmark failed.
    """
    info = engine.inspect(image)
    session = BenchmarkSession(engine, image, info, limits_for(settings, timeout_s, memory), work_folder(settings, "check-benchmark-"))
    results = run_checks(BENCHMARK_CHECKS, session, on_result)
    try:
        modality = session.manifest["modality"]  # read (and cached) by the checks before the session closed
    except SkipCheck:
        modality = None  # no loadable export: the report says so through its checks
    return CheckReport(image, info.image_id, modality, results)
