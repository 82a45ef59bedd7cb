"""Podman through its command line (argument lists, never a shell string); same ContainerRun, same policy as Docker."""
from __future__ import annotations

import json
import re
import subprocess
import time
import tomllib
from pathlib import Path

from ...errors import EngineError, Problem, UsageError
from .base import (
    LABEL_DEADLINE,
    NETWORK_TRAP,
    ContainerRun,
    Engine,
    ImageInfo,
    Managed,
    RunResult,
    container_name,
    run_labels,
)

PODMAN = "podman"


CONTAINERS_CONF = (Path("/usr/share/containers/containers.conf"), Path("/etc/containers/containers.conf"),
                   Path.home() / ".config/containers/containers.conf")


def default_ulimits() -> list[str]:
    """containers.conf's default_ulimits (the last file that sets them wins): podman drops them once --ulimit is given."""
    found: list[str] = []
    for path in CONTAINERS_CONF:
        if path.is_file():
            found = tomllib.loads(path.read_text()).get("containers", {}).get("default_ulimits", found)
    return found


def ulimit_args(output_quota: int | None) -> list[str]:
    """RLIMIT_FSIZE at the quota (no file grows past it), with containers.conf's default ulimits restated."""
    if not output_quota:
        return []
    kept = [u for u in default_ulimits() if not u.startswith("fsize=")]
    return [arg for value in (f"fsize={output_quota}:{output_quota}", *kept) for arg in ("--ulimit", value)]


def run_args(spec: ContainerRun, name: str, labels: dict[str, str] | None = None) -> list[str]:
    """`podman run` arguments for `spec` (pure, unit-testable without an engine)."""
    limits = spec.limits
    args = [
        PODMAN, "run", "--name", name, "--network", limits.network, "--user", limits.user, "--read-only",
        "--tmpfs", "/tmp:rw,size=1g,mode=1777", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--memory", str(limits.memory), "--memory-swap", str(limits.memory), "--cpus", str(limits.cpus),
        "--pids-limit", str(limits.pids), "--env", "HOME=/tmp",
    ]
    if spec.trap_network:
        args += ["--security-opt", f"seccomp={NETWORK_TRAP}"]
    args += ulimit_args(spec.output_quota)
    for key, value in (labels or {}).items():
        args += ["--label", f"{key}={value}"]
    for key, value in spec.env:
        args += ["--env", f"{key}={value}"]
    for mount in spec.mounts:
        args += ["--volume", f"{Path(mount.source).resolve()}:{mount.target}:{'ro' if mount.read_only else 'rw'}"]
    return args + [spec.image, *spec.command]


def _text(output: str | bytes | None) -> str:
    """TimeoutExpired carries bytes even when the run asked for text."""
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else (output or "")


class PodmanEngine(Engine):
    name = "podman"

    def _call(self, args: list[str], what: str, timeout: float | None = 600) -> subprocess.CompletedProcess:
        try:
            result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except FileNotFoundError:
            raise EngineError("podman is not installed", [Problem("podman", "ENGINE_UNREACHABLE", "no podman on PATH",
                                                                  "apt-get install podman, or use engine: docker")]) from None
        if result.returncode != 0:
            raise EngineError(f"podman could not {what}", [Problem(" ".join(args[:3]), "ENGINE_REFUSED", f"exit {result.returncode}",
                                                                   "read podman's output below")], details=result.stderr[-2000:])
        return result

    def inspect(self, image: str) -> ImageInfo:
        result = subprocess.run([PODMAN, "image", "inspect", image], capture_output=True, text=True)
        if result.returncode != 0:
            raise UsageError(f"image {image!r} not found in podman's storage", [
                Problem(image, "IMAGE_NOT_FOUND", "no such image", "podman build it, or copy it from Docker: podman pull docker-daemon:IMAGE")])
        found = json.loads(result.stdout)[0]
        labels = tuple(sorted(((found.get("Config") or {}).get("Labels") or {}).items()))
        return ImageInfo(image, "sha256:" + found["Id"].removeprefix("sha256:"), tuple(found.get("RepoDigests") or ()), labels,
                         found.get("Size"))

    def run(self, spec: ContainerRun) -> RunResult:
        from .. import reaper

        self.inspect(spec.image)
        name, labels = container_name(), run_labels(spec, time.time())
        start = time.monotonic()
        timed_out = False
        watchdog = reaper.watch(self.name, name, spec, labels)
        try:
            try:
                completed = subprocess.run(run_args(spec, name, labels), capture_output=True, text=True, timeout=spec.limits.timeout_s)
                exit_code, stdout, stderr = completed.returncode, completed.stdout, completed.stderr
            except subprocess.TimeoutExpired as expired:
                timed_out = True
                self.kill(name)
                exit_code = -1
                stdout, stderr = _text(expired.stdout), _text(expired.stderr)
            state = subprocess.run([PODMAN, "inspect", "--format", "{{.State.OOMKilled}}", name], capture_output=True, text=True)
            oom = state.stdout.strip() == "true"
        finally:
            reaper.stop_watch(watchdog)
            self.remove(name)
        return RunResult(exit_code, stdout, stderr, time.monotonic() - start, timed_out, oom)

    def managed(self) -> list[Managed]:
        listed = self._call([PODMAN, "ps", "--all", "--filter", f"label={LABEL_DEADLINE}", "--format", "json"], "list containers")
        return [Managed(c["Names"][0], dict(c.get("Labels") or {}), c.get("State") == "running") for c in json.loads(listed.stdout or "[]")]

    def kill(self, name: str) -> None:
        subprocess.run([PODMAN, "kill", name], capture_output=True)  # fails only when it no longer runs: nothing to do

    def remove(self, name: str) -> None:
        subprocess.run([PODMAN, "rm", "--force", "--ignore", "--time", "0", name], capture_output=True)

    def build(self, context: Path, tag: str, dockerfile: str | None = None, build_args: dict[str, str] | None = None) -> ImageInfo:
        args = [PODMAN, "build", "--tag", tag]
        if dockerfile:
            args += ["--file", str(Path(context) / dockerfile)]
        for key, value in (build_args or {}).items():
            args += ["--build-arg", f"{key}={value}"]
        self._call([*args, str(context)], f"build {tag}", timeout=None)
        return self.inspect(tag)

    def save(self, image: str, path: Path) -> None:
        self._call([PODMAN, "save", "--output", str(path), image], f"save {image}")

    def load(self, path: Path) -> list[str]:
        result = self._call([PODMAN, "load", "--input", str(path)], f"load {path}")
        names = re.findall(r"Loaded image(?:\(s\))?: (\S+)", result.stdout + result.stderr)
        return [self.inspect(n).image_id for name in names for n in name.split(",")]
