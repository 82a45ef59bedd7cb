"""How long a container outlives its runner killed with SIGKILL: `python tests/hostile/time_killed_runner.py docker|podman`.

A child process runs a 60 s container through the engine; once it runs, the child is killed with SIGKILL and the
container's removal (by its watchdog) is timed. Needs the base image (containers/setup.sh) in the engine's storage.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from braindock.execution.engines import get_engine
from braindock.execution.engines.base import LABEL_RUNNER_PID

RUN = ("from braindock.config import Limits; from braindock.execution.engines import get_engine, ContainerRun; "
       "get_engine({engine!r}).run(ContainerRun(image='braindock/base:bookworm', command=('sleep', '60'), limits=Limits(timeout_s=60)))")


def seconds_to_removal(engine_name: str) -> float:
    engine = get_engine(engine_name)
    runner = subprocess.Popen([sys.executable, "-c", RUN.format(engine=engine_name)])

    def containers(running: bool = False):
        return [c for c in engine.managed() if c.labels.get(LABEL_RUNNER_PID) == str(runner.pid) and (c.running or not running)]

    while not containers(running=True):
        time.sleep(0.1)
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    killed = time.monotonic()
    while containers():
        time.sleep(0.05)
    return time.monotonic() - killed


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "docker"
    print(f"{name}: " + ", ".join(f"{seconds_to_removal(name):.2f}" for _ in range(3)) + " s from SIGKILL of the runner to removal")
