"""The engine contract: run one container with mounts and limits, report its exit, logs and time."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from ...config import Limits


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
    trap_network: bool = False  # kill the process when it connects or sends to an IP address (network_trap.json; check-model)


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
        text = "\n".join(part for part in (self.stdout.strip(), self.stderr.strip()) if part)
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class ImageInfo:
    reference: str
    image_id: str  # sha256:... of the image config: the content identity
    repo_digests: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    size: int | None = None  # bytes, as `docker images` reports it


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
