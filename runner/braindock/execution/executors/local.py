"""The local executor: a pool of worker processes on this machine (`--jobs N`).

Workers are forked children that die with the submitting process (PR_SET_PDEATHSIG), so a killed `braindock
suite` leaves no worker behind; what a worker finished is already in the spool. N workers share the cores: each
one's BLAS pools get cores / N threads (N pools of every core on the same cores made --jobs 2 score 3.5x slower).
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Callable

from threadpoolctl import threadpool_limits

from .base import RUN, WAKE_S, Ended, Executor, Job, Worker

PR_SET_PDEATHSIG = 1


def _start_worker(threads: int) -> None:
    """Die with the submitter; use `threads` BLAS threads."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    threadpool_limits(threads)


def _do(call: Callable[[str, str], None], job: Job) -> tuple[Job, str, str]:
    try:
        call(job.stage, job.key)
    except Exception:  # the worker records a failure itself; anything that escapes it is a bug to show
        return job, "FAILED", traceback.format_exc(limit=5)
    return job, "COMPLETED", ""


class LocalExecutor(Executor):
    name = "local"

    def __init__(self, jobs: int | None = 1):
        self.jobs = max(1, int(jobs or 1))

    def run(self, jobs: list[Job], worker: Worker, ended: Callable[[Ended], None], idle: Callable[[], None] = lambda: None) -> None:
        waiting = {job.key: [j for j in jobs if j.after == job.key] for job in jobs if job.stage == RUN}
        first = [job for job in jobs if job.stage == RUN or job.after not in waiting]
        context = multiprocessing.get_context("fork")
        threads = max(1, len(os.sched_getaffinity(0)) // self.jobs)
        with ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_start_worker, initargs=(threads,)) as pool:
            pending: set[Future] = {pool.submit(_do, worker.call, job) for job in first}
            while pending:
                done, pending = wait(pending, timeout=WAKE_S, return_when=FIRST_COMPLETED)
                for future in done:
                    job, state, log = future.result()
                    ended(Ended(job, state, log))
                    pending |= {pool.submit(_do, worker.call, j) for j in waiting.get(job.key, []) if job.stage == RUN}
                idle()
