"""Executor registry: `--executor NAME` picks the plug-in; an unknown name lists the known ones."""
from __future__ import annotations

from ...errors import Problem, UsageError
from .base import HEARTBEAT_S, RUN, SCORE, Ended, Executor, Job, Worker
from .local import LocalExecutor
from .slurm import SlurmExecutor

EXECUTORS: dict[str, type[Executor]] = {"local": LocalExecutor, "slurm": SlurmExecutor}


def get_executor(name: str, jobs: int | None = None, per_task: int | None = None) -> Executor:
    """The executor plug-in `name`; `jobs`: how many jobs at once (local: workers, default 1; slurm: array throttle);
    `per_task`: jobs one scheduler task does in turn (slurm only)."""
    if name not in EXECUTORS:
        raise UsageError(f"unknown executor {name!r}", [
            Problem("--executor", "UNKNOWN_EXECUTOR", f"no executor named {name!r}", f"use one of: {', '.join(sorted(EXECUTORS))}")])
    if per_task is None:
        return EXECUTORS[name](jobs=jobs)
    if name != "slurm" or per_task < 1:
        raise UsageError(f"--per-task {per_task} with --executor {name}", [
            Problem("--per-task", "BAD_PER_TASK", "--per-task is a number of jobs (1 or more) per Slurm array task",
                    "drop --per-task, or use it with --executor slurm and a value of 1 or more")])
    return EXECUTORS[name](jobs=jobs, per_task=per_task)


__all__ = ["EXECUTORS", "HEARTBEAT_S", "RUN", "SCORE", "Ended", "Executor", "Job", "Worker", "get_executor"]
