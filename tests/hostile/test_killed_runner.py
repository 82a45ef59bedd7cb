"""Limits that hold without the runner: `braindock score` killed with SIGKILL mid-run leaves no container running
past a few seconds and no work folder; when its watchdog dies too, the next braindock command reaps the leftovers."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from braindock.cli import main
from braindock.execution.engines.base import (
    LABEL_DEADLINE,
    LABEL_RUNNER_PID,
    LABEL_WORK_DIR,
)
from conftest import IT_BENCHMARK, PIXELS

from .conftest import NOTHING_LEFT, leftovers, make_home

pytestmark = pytest.mark.engine


def start_score(home: Path, image: str) -> tuple[subprocess.Popen, object]:
    """`braindock score` in its own process; returns it and its model container once that runs."""
    from braindock.execution.engines import get_engine

    runner = subprocess.Popen([sys.executable, "-m", "braindock.cli", "--home", str(home), "score", image, IT_BENCHMARK],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = get_engine("docker")
    waited = time.monotonic()
    while True:
        mine = [c for c in engine.managed() if c.labels.get(LABEL_RUNNER_PID) == str(runner.pid) and c.labels.get(LABEL_WORK_DIR)]
        if mine and mine[0].running:
            return runner, mine[0]
        assert runner.poll() is None and time.monotonic() - waited < 90, "the model container never started"
        time.sleep(0.2)


def seconds_until_gone(engine, name: str, limit: float) -> float:
    killed = time.monotonic()
    while name in {c.name for c in engine.managed()}:
        assert time.monotonic() - killed < limit, f"{name} still there {limit} s after its runner was killed"
        time.sleep(0.1)
    return time.monotonic() - killed


def ledger_is_intact(home: Path) -> bool:
    if not (home / "ledger.sqlite").exists():
        return True
    with sqlite3.connect(home / "ledger.sqlite") as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigkill_of_the_runner_mid_run_leaves_nothing(engine, exported, hostile_image, tmp_path, capsys):
    home = make_home(tmp_path, exported, timeout_s=120)
    runner, container = start_score(home, hostile_image("infinite_loop"))
    deadline = float(container.labels[LABEL_DEADLINE])
    assert 120 < deadline - time.time() < 130  # the limit plus a grace of 5 s, written on the container itself
    assert Path(container.labels[LABEL_WORK_DIR]).parent == home / "work"
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    assert seconds_until_gone(engine, container.name, limit=5) < 5  # its watchdog removed it, long before its deadline
    assert not Path(container.labels[LABEL_WORK_DIR]).exists()
    assert ledger_is_intact(home)
    left = sorted(p.name for p in (home / "work").iterdir())  # the request's folder, claimed by the killed runner
    assert main(["--home", str(home), "score", PIXELS, IT_BENCHMARK]) == 0
    reaped = [line for line in capsys.readouterr().err.splitlines() if line.startswith("removed a leftover")]
    assert reaped == [f"removed a leftover: work folder {home / 'work' / name} (the process that made it is gone)" for name in left]
    assert leftovers(engine, home) == {**NOTHING_LEFT, "records": 1}


def watchdog_of(container: str) -> int:
    """The pid of the watchdog process of `container`."""
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"braindock.execution.reaper" in command and container.encode() in command:
            return int(entry.name)
    raise AssertionError(f"no watchdog for {container}")


def test_when_the_watchdog_dies_too_the_next_command_reaps(engine, exported, hostile_image, tmp_path, capsys):
    home = make_home(tmp_path, exported, timeout_s=120)
    runner, container = start_score(home, hostile_image("infinite_loop"))
    os.kill(watchdog_of(container.name), signal.SIGKILL)
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    time.sleep(2)
    assert container.name in {c.name for c in engine.managed() if c.running}  # nobody left to stop it
    assert main(["--home", str(home), "score", hostile_image("inf"), IT_BENCHMARK]) == 1
    err = capsys.readouterr().err
    assert f"removed a leftover: container {container.name} (its runner is gone)" in err
    assert f"removed a leftover: work folder {container.labels[LABEL_WORK_DIR]}" in err
    assert container.name not in {c.name for c in engine.managed()}
    assert leftovers(engine, home) == NOTHING_LEFT
