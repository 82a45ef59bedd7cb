"""reaper.reap on work folders (no engine needed): a folder is a leftover once the process that claimed it is gone."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from braindock.config import load_settings
from braindock.execution import reaper
from braindock.execution.engines.base import (
    LABEL_DEADLINE,
    LABEL_RUNNER,
    LABEL_WORK_DIR,
    Engine,
    Managed,
    process_identity,
)


class ListingEngine(Engine):
    """An engine that only lists and removes the containers it is given (the reaper needs no more)."""

    name = "listing"

    def __init__(self, containers: list[Managed]):
        self.containers = containers
        self.removed: list[str] = []

    def managed(self):
        return list(self.containers)

    def remove(self, name):
        self.removed.append(name)

    inspect = run = build = save = load = None


def dead_runner() -> str:
    """The identity a runner had before it exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    identity = process_identity(child.pid)
    child.wait()
    return identity


def claim_in_child(folder) -> None:
    """Claim `folder` from another process that then exits."""
    subprocess.run([sys.executable, "-c", f"from braindock.execution import reaper; reaper.claim({str(folder)!r})"], check=True)


def test_folders_of_gone_processes_and_old_unclaimed_ones_are_removed(tmp_path):
    settings = load_settings(tmp_path / "home")
    work = settings.work_dir
    mine, orphan, fresh, old = (work / name for name in ("run-mine", "run-orphan", "run-fresh", "run-old"))
    reaper.claim(mine)
    claim_in_child(orphan)
    fresh.mkdir()
    old.mkdir()
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    removed = reaper.reap(ListingEngine([]), settings)
    assert removed == [f"work folder {old} (unclaimed for 2.0 h)", f"work folder {orphan} (the process that made it is gone)"]
    assert sorted(p.name for p in work.iterdir()) == ["run-fresh", "run-mine"]


def test_containers_past_their_deadline_or_of_a_gone_runner_are_removed_with_their_folder(tmp_path):
    settings = load_settings(tmp_path / "home")
    folder = settings.work_dir / "run-a"
    folder.mkdir(parents=True)
    alive = process_identity(os.getpid())
    later, earlier = str(int(time.time()) + 600), str(int(time.time()) - 1)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    engine = ListingEngine([
        Managed("orphan", {LABEL_DEADLINE: later, LABEL_RUNNER: dead_runner(), LABEL_WORK_DIR: str(folder)}, True),
        Managed("overdue", {LABEL_DEADLINE: earlier, LABEL_RUNNER: alive, LABEL_WORK_DIR: str(outside)}, True),
        Managed("working", {LABEL_DEADLINE: later, LABEL_RUNNER: alive, LABEL_WORK_DIR: ""}, True),
        Managed("elsewhere", {LABEL_DEADLINE: later, LABEL_RUNNER: "1:1:1"}, True),  # another pid namespace: not judged
    ])
    removed = reaper.reap(engine, settings)
    assert engine.removed == ["orphan", "overdue"]
    assert removed == ["container orphan (its runner is gone)", f"work folder {folder} (of container orphan)",
                       "container overdue (past its deadline)"]
    assert outside.exists()  # a label never makes the reaper delete outside settings.work_dir
