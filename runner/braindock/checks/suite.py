"""The check-model suite: an ordered registry of check_<property> functions and the function that runs them all."""
from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ..config import Limits, Settings
from ..execution.engines import Engine
from .describe_checks import (
    check_describe_exits_zero,
    check_describe_prints_only_json,
    check_description_meets_schema,
    check_description_says_what_it_is,
)
from .determinism_checks import check_deterministic_for_fixed_seed, check_other_seed_accepted
from .response_checks import (
    check_answers_every_stimulus,
    check_declared_neuroids,
    check_finite_values,
    check_response_meets_schema,
    check_run_exits_zero,
    check_shapes_and_dtypes,
)
from .result import CheckReport, CheckResult, SkipCheck, Status
from .sandbox_checks import check_files_stay_in_output, check_no_network_attempts, check_within_limits
from .session import ModelSession
from .task_checks import check_behavioral_tasks

Check = Callable[[ModelSession], CheckResult]


def registry(*checks: Callable) -> dict[str, Callable]:
    """name (without `check_`) -> check, in order; a name registered twice is an error."""
    found: dict[str, Callable] = {}
    for check in checks:
        name = check.__name__.removeprefix("check_")
        if name in found:
            raise ValueError(f"check {name!r} registered twice")
        found[name] = check
    return found


# In order: later checks reuse the runs of earlier ones (describe once; run seed 0 twice, seed 1 once, each listed
# task twice, seed 0 once more under the network trap).
CHECKS: dict[str, Check] = registry(
    check_describe_exits_zero,
    check_describe_prints_only_json,
    check_description_meets_schema,
    check_description_says_what_it_is,
    check_run_exits_zero,
    check_response_meets_schema,
    check_answers_every_stimulus,
    check_shapes_and_dtypes,
    check_declared_neuroids,
    check_finite_values,
    check_files_stay_in_output,
    check_deterministic_for_fixed_seed,
    check_other_seed_accepted,
    check_behavioral_tasks,
    check_no_network_attempts,
    check_within_limits,
)


def run_check(name: str, check: Callable, session) -> CheckResult:
    """One check's result under its registered name; SkipCheck becomes a skipped result with its reason."""
    try:
        result = check(session)
    except SkipCheck as skip:
        return CheckResult(name, Status.SKIPPED, skip.reason)
    return replace(result, check=name)


def limits_for(settings: Settings, timeout_s: float | None, memory: str | None) -> Limits:
    """The site's limits, with the command line's time and memory limits over them."""
    limits = settings.limits
    if timeout_s is not None:
        limits = replace(limits, timeout_s=float(timeout_s))
    if memory is not None:
        limits = replace(limits, memory=memory)
    return limits


def work_folder(settings: Settings, prefix: str) -> Path:
    """A fresh folder under the settings' work_dir for one suite's containers."""
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=settings.work_dir, prefix=prefix))


def run_checks(checks: dict[str, Callable], session, on_result: Callable[[CheckResult], None] | None) -> tuple[CheckResult, ...]:
    """Every check in order, each result passed to `on_result` as soon as it is known; the session is closed after."""
    results = []
    try:
        for name, check in checks.items():
            result = run_check(name, check, session)
            results.append(result)
            if on_result:
                on_result(result)
    finally:
        session.close()
    return tuple(results)


def check_model(engine: Engine, settings: Settings, image: str, timeout_s: float | None = None,
                memory: str | None = None, on_result: Callable[[CheckResult], None] | None = None) -> CheckReport:
    """Run every check on `image` (which must exist: UsageError otherwise) and return the report.

    Engine failures (EngineError) propagate: they mean check-model could not run, not that the model failed.
    """
    info = engine.inspect(image)
    session = ModelSession(engine, image, limits_for(settings, timeout_s, memory), work_folder(settings, "check-"))
    results = run_checks(CHECKS, session, on_result)
    modality = None
    try:
        modality = session.description()["modality"]
    except SkipCheck:
        pass  # no valid description: the report says so through its checks
    return CheckReport(image, info.image_id, modality, results)
