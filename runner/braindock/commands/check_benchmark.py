"""`braindock check-benchmark IMAGE`: run the conformance suite on a benchmark container; exit 0 pass, 1 fail, 2 could not run."""
from __future__ import annotations

from .check_model import add_suite_arguments


def add_parser(subparsers):
    parser = subparsers.add_parser("check-benchmark", help="check that a benchmark container meets the contract (like a linter)",
                                   description="Export a benchmark image as the runner does (no network, non-root) and check "
                                               "what spec/README.md demands of it: a valid, deterministic export whose hashes "
                                               "match, recordings of listed stimuli, a ceiling in (0, 1], and a control that "
                                               "ignores the stimuli scoring near 0.")
    return add_suite_arguments(parser, "benchmark container image (e.g. braindock/benchmark-majajhong2015-it:1.0.0)")


def run(args, settings) -> int:
    from ..checks.benchmark_suite import check_benchmark
    from .check_model import run_suite

    return run_suite(args, settings, "check-benchmark", check_benchmark, "benchmark contract")
