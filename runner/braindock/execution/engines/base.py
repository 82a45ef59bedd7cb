"""The engine contract: run one container with mounts and limits, report its exit, logs and time.

Every container carries labels saying who started it and until when it may run (LABEL_*), so that a watchdog
(execution.reaper) can stop it at its deadline, or at once when the runner is gone, without the runner's help.
"""
from __future__ import annotations

import os
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from ...config import Limits

_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def memory_bytes(text: str) -> int:
    """'4g' -> 4294967296; plain numbers are bytes (memory and output limits)."""
    text = str(text).strip().lower().rstrip("b")
    if text and text[-1] in _UNITS:
        return int(float(text[:-1]) * _UNITS[text[-1]])
    return int(text)


@dataclass(frozen=True)
class Mount:
    source: Path
    target: str
    read_only: bool = True


@dataclass(frozen=True)
class ContainerRun:
    """Everything needed to start one container; engines translate it, they never add policy."""

    image: str
    command: tuple[str, ...]
    mounts: tuple[Mount, ...] = ()
    limits: Limits = field(default_factory=Limits)
    env: tuple[tuple[str, str], ...] = ()
    label: str = ""  # who this run is for, in error messages (model or benchmark identifier)
    trap_network: bool = False  # kill the process when it connects or sends to an IP address (network_trap.json)
    output_quota: int | None = None  # bytes the writable mounts may hold; per file (RLIMIT_FSIZE) and in total (watchdog)
    work_dir: Path | None = None  # the run's work folder: removed with the container when the runner is gone


LABEL_DEADLINE = "braindock.deadline"  # unix time after which the container is killed, whoever is still waiting
LABEL_RUNNER_PID = "braindock.runner_pid"
LABEL_RUNNER = "braindock.runner"  # pid namespace, pid and start time: the runner process, safe from pid reuse
LABEL_WORK_DIR = "braindock.work_dir"
DEADLINE_GRACE_S = 5.0  # the runner's own timeout comes first; the watchdog acts this much later


def process_identity(pid: int) -> str:
    """'<pid namespace inode>:<pid>:<start time in ticks>' of a live process; '' when it does not exist."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    start = stat.rsplit(")", 1)[1].split()[19]  # field 22 of proc(5), counted after the command name
    return f"{namespace}:{pid}:{start}"


def runner_gone(labels: dict[str, str]) -> bool:
    """True when the labels name a runner in this pid namespace that no longer runs (a runner elsewhere is not judged)."""
    runner = labels.get(LABEL_RUNNER, "")
    namespace, _, rest = runner.partition(":")
    if not rest or namespace != process_identity(os.getpid()).split(":")[0]:
        return False
    return process_identity(int(rest.split(":")[0])) != runner


def container_name() -> str:
    return f"braindock-{uuid.uuid4().hex[:12]}"


def run_labels(spec: ContainerRun, started: float) -> dict[str, str]:
    """The labels of a container started now for `spec`."""
    return {
        LABEL_DEADLINE: str(int(started + float(spec.limits.timeout_s) + DEADLINE_GRACE_S) + 1),
        LABEL_RUNNER_PID: str(os.getpid()),
        LABEL_RUNNER: process_identity(os.getpid()),
        LABEL_WORK_DIR: str(spec.work_dir or ""),
    }


NETWORK_TRAP = Path(__file__).with_name("network_trap.json")
TRAPPED_EXIT = 128 + 31  # killed by SIGSYS: the network trap fired


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False
    oom_killed: bool = False

    def tail(self, lines: int = 20) -> str:
        """The container's last log lines, for error messages."""
        return "\n".join(self._lines()[-lines:])

    def excerpt(self, head: int = 10, tail: int = 20) -> str:
        """The first and the last log lines (the first error is often near the top), with how many were left out."""
        lines = self._lines()
        if len(lines) <= head + tail:
            return "\n".join(lines)
        return "\n".join([*lines[:head], f"... ({len(lines) - head - tail} lines left out) ...", *lines[-tail:]])

    def _lines(self) -> list[str]:
        text = "\n".join(part for part in (self.stdout.strip(), self.stderr.strip()) if part)
        return text.splitlines()


@dataclass(frozen=True)
class ImageInfo:
    reference: str
    image_id: str  # sha256:... of the image config: the content identity
    repo_digests: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    size: int | None = None  # bytes, as `docker images` reports it


@dataclass(frozen=True)
class Managed:
    """A container braindock started (it carries LABEL_DEADLINE), as the reaper sees it."""

    name: str
    labels: dict[str, str]
    running: bool


class Engine(ABC):
    """A container engine plug-in (docker, podman, ...): one narrow interface."""

    name: str

    @abstractmethod
    def inspect(self, image: str) -> ImageInfo:
        """Identity of a local image; UsageError naming the image when it does not exist."""

    @abstractmethod
    def run(self, spec: ContainerRun) -> RunResult:
        """Run to completion (or timeout, which kills it); never raises for a non-zero exit."""

    @abstractmethod
    def build(self, context: Path, tag: str, dockerfile: str | None = None,
              build_args: dict[str, str] | None = None) -> ImageInfo:
        """Build an image from a context folder."""

    @abstractmethod
    def save(self, image: str, path: Path) -> None:
        """Write `image` (with its tags) to a tar archive at `path` (docker save)."""

    @abstractmethod
    def load(self, path: Path) -> list[str]:
        """Load a tar archive written by save; return the image IDs it held."""

    def managed(self) -> list[Managed]:
        """Containers carrying braindock's labels, running or not. Engines whose runs leave no container list none."""
        return []

    def kill(self, name: str) -> None:
        """Kill container `name` if it still runs (its logs and exit status stay for the runner)."""
        raise NotImplementedError(f"{self.name} cannot kill containers by name")

    def remove(self, name: str) -> None:
        """Remove container `name` (killing it first); no error when it is already gone."""
        raise NotImplementedError(f"{self.name} cannot remove containers by name")
