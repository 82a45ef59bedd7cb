"""Limits that hold without the runner: a watchdog beside each container, and a sweep of leftovers at start.

The watchdog is a small process in its own session (so killing the runner, even with SIGKILL, leaves it alive).
It kills its container at the deadline or when the container's writable folders outgrow the output quota, and
removes the container and its work folder as soon as the runner is gone. `reap` removes what no watchdog did
(watchdog killed too, machine restarted): containers past their deadline or whose runner is gone, and work
folders that no live process owns.

    python -m braindock.execution.reaper ORDER_JSON   # the watchdog; started by the engines, not by hand
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..config import Settings
from .engines.base import (
    LABEL_DEADLINE,
    LABEL_RUNNER,
    LABEL_WORK_DIR,
    ContainerRun,
    Engine,
    runner_gone,
)

OWNER_FILE = ".braindock-owner"  # flock-ed by the process working in the folder, for as long as it lives
UNCLAIMED_STALE_S = 3600.0  # a work folder nobody claimed is left alone this long (it may be being filled)
POLL_S = 0.2
WATCHED_ENTRIES = 100_000  # a folder with more entries than this counts as over quota (walking it costs too much)
_CLAIMS: dict[Path, int] = {}


def claim(folder: Path) -> Path:
    """Mark `folder` as this process's until the process ends (the lock dies with it), so `reap` leaves it alone."""
    folder = Path(folder).resolve()
    for gone in [held for held in _CLAIMS if not held.exists()]:
        os.close(_CLAIMS.pop(gone))
    if folder not in _CLAIMS:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder / OWNER_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        _CLAIMS[folder] = descriptor
    return folder


def work_folder(settings: Settings, path: Path) -> Path | None:
    """The folder directly under settings.work_dir that holds `path` (None when `path` is elsewhere)."""
    root, path = settings.work_dir.resolve(), Path(path).resolve()
    if not path.is_relative_to(root) or path == root:
        return None
    return root / path.relative_to(root).parts[0]


def _stale(folder: Path) -> str | None:
    """Why `folder` is a leftover, or None while a live process owns it (or, unclaimed, it may still be filling)."""
    owner = folder / OWNER_FILE
    if not owner.exists():
        age = time.time() - folder.stat().st_mtime
        return f"unclaimed for {age / 3600:.1f} h" if age > UNCLAIMED_STALE_S else None
    return None if held(owner) else "the process that made it is gone"


def held(path: Path) -> bool:
    """A live process holds `path`'s flock (the kernel drops it when the holder dies, however it dies: a zombie or a
    reused pid never counts). FileNotFoundError when there is no such file."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def reap(engine: Engine, settings: Settings) -> list[str]:
    """Remove braindock's containers past their deadline or whose runner is gone, and stale work folders; say what went."""
    removed = []
    now = time.time()
    for container in engine.managed():
        labels = container.labels
        if runner_gone(labels):
            why = "its runner is gone"
        elif now > float(labels.get(LABEL_DEADLINE) or "inf"):
            why = "past its deadline"
        else:
            continue
        engine.remove(container.name)
        removed.append(f"container {container.name} ({why})")
        folder = work_folder(settings, labels[LABEL_WORK_DIR]) if labels.get(LABEL_WORK_DIR) else None
        if folder is not None and folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(f"work folder {folder} (of container {container.name})")
    if settings.work_dir.is_dir():
        for folder in sorted(settings.work_dir.iterdir()):
            why = _stale(folder) if folder.is_dir() and not folder.is_symlink() else None
            if why:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(f"work folder {folder} ({why})")
    return removed


# the watchdog ----------------------------------------------------------------------------------------------------

def watch(engine_name: str, name: str, spec: ContainerRun, labels: dict[str, str]) -> subprocess.Popen:
    """Start the watchdog of container `name` (created, about to start); stop it with `stop_watch` when done."""
    order = {"engine": engine_name, "name": name, "deadline": float(labels[LABEL_DEADLINE]), "runner": labels[LABEL_RUNNER],
             "folders": [str(Path(m.source).resolve()) for m in spec.mounts if not m.read_only],
             "quota": spec.output_quota, "work_dir": str(spec.work_dir or "")}
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.Popen([sys.executable, "-m", "braindock.execution.reaper", json.dumps(order)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env={**os.environ, "PYTHONPATH": path})


def stop_watch(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait()


def usage(folders: list[str]) -> float:
    """Bytes held under `folders`: the larger of apparent and allocated size per file (sparse files count in full)."""
    total, entries = 0, 0
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            entries += len(dirs) + len(files)
            if entries > WATCHED_ENTRIES:
                return float("inf")
            for name in files:
                try:
                    found = os.lstat(os.path.join(root, name))
                except OSError:
                    continue  # removed while walking
                total += max(found.st_size, found.st_blocks * 512)
    return total


def _watch(order: dict) -> None:
    """Kill the container at its deadline or over its quota; remove it and its work folder when the runner is gone."""
    from .engines import get_engine

    engine = None
    killed = False
    while True:
        if runner_gone({LABEL_RUNNER: order["runner"]}):
            (engine or get_engine(order["engine"])).remove(order["name"])
            if order["work_dir"]:
                shutil.rmtree(order["work_dir"], ignore_errors=True)
            return
        over = order["quota"] is not None and usage(order["folders"]) >= order["quota"]
        if not killed and (over or time.time() > order["deadline"]):
            engine = engine or get_engine(order["engine"])
            engine.kill(order["name"])
            killed = True
        time.sleep(POLL_S)


if __name__ == "__main__":
    _watch(json.loads(sys.argv[1]))
