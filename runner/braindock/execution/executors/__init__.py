"""Executor registry: `--executor NAME` picks the plug-in; an unknown name lists the known ones."""
from __future__ import annotations

from ...errors import Problem, UsageError
from .base import RUN, SCORE, Ended, Executor, Job, Worker
from .local import LocalExecutor
from .slurm import SlurmExecutor

EXECUTORS: dict[str, type[Executor]] = {"local": LocalExecutor, "slurm": SlurmExecutor}


def get_executor(name: str, jobs: int | None = None) -> Executor:
    """The executor plug-in `name`; `jobs`: how many jobs at once (local: workers, default 1; slurm: array throttle)."""
    if name not in EXECUTORS:
        raise UsageError(f"unknown executor {name!r}", [
            Problem("--executor", "UNKNOWN_EXECUTOR", f"no executor named {name!r}", f"use one of: {', '.join(sorted(EXECUTORS))}")])
    return EXECUTORS[name](jobs=jobs)


__all__ = ["EXECUTORS", "RUN", "SCORE", "Ended", "Executor", "Job", "Worker", "get_executor"]
