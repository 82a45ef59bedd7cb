"""Engine registry: a name in config picks the plug-in; unknown names list the known ones."""
from __future__ import annotations

from ...errors import Problem, UsageError
from .base import ContainerRun, Engine, ImageInfo, Mount, RunResult
from .charliecloud_engine import CharliecloudEngine
from .docker_engine import DockerEngine
from .podman_engine import PodmanEngine

ENGINES: dict[str, type[Engine]] = {"docker": DockerEngine, "podman": PodmanEngine, "charliecloud": CharliecloudEngine}


def get_engine(name: str) -> Engine:
    if name not in ENGINES:
        raise UsageError(
            f"unknown engine {name!r}",
            [Problem("engine", "UNKNOWN_ENGINE", f"no engine named {name!r}", f"use one of: {', '.join(sorted(ENGINES))}")],
        )
    return ENGINES[name]()


__all__ = ["ENGINES", "ContainerRun", "Engine", "ImageInfo", "Mount", "RunResult", "get_engine"]
