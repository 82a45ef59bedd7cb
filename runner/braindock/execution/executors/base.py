"""The executor contract: run a graph of suite jobs (model runs, then the scores that read them) somewhere.

An executor knows how to start work and learn how it ended; it never scores or records anything itself:
each job is a worker call (`braindock worker STAGE SUITE KEY`) that writes its own result files.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ...config import Limits

RUN, SCORE = "run", "score"
HEARTBEAT_S = 20.0  # while jobs run, a progress line at least this often (a log never goes silent)
WAKE_S = HEARTBEAT_S / 4  # executors call `idle` at least this often; the suite decides when to say something


@dataclass(frozen=True)
class Job:
    """One worker call: a model run (key = run key) or a score (key = pair key, after its run)."""

    stage: str
    key: str
    after: str | None = None  # the run key a score waits for

    @property
    def name(self) -> str:
        return f"{self.stage}-{self.key}"


@dataclass(frozen=True)
class Ended:
    """How a job ended, as the executor saw it: `state` COMPLETED, FAILED, or the scheduler's word
    (TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, CANCELLED); `log` its log's last lines when it did not complete."""

    job: Job
    state: str
    log: str = ""


@dataclass(frozen=True)
class Worker:
    """How to do a job: in this process tree (`call(stage, key)`, local) or as a command line (`argv`, a
    scheduler; the job's key follows it, or an array index)."""

    suite_dir: Path
    call: Callable[[str, str], None]
    argv: Callable[[str], list[str]]
    limits: Limits


class Executor(ABC):
    name: str

    def check(self) -> None:
        """EngineError when this executor cannot run anything here (e.g. the scheduler is missing or down)."""

    @abstractmethod
    def run(self, jobs: list[Job], worker: Worker, ended: Callable[[Ended], None], idle: Callable[[], None] = lambda: None) -> None:
        """Run every job (a score only after its run ended), call `ended` as each one ends and `idle` at least every
        WAKE_S; return when all have."""

    def running(self, worker: Worker) -> dict[str, str]:
        """Jobs of this suite still queued or running elsewhere after the submitter went away (name -> state)."""
        return {}

    def resume(self, worker: Worker, ended: Callable[[Ended], None], idle: Callable[[], None] = lambda: None) -> None:
        """Wait for the jobs `running` lists (a scheduler keeps them after a killed submitter); local has none."""
