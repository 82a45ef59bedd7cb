"""Docker through the docker SDK; the run policy (no network, read-only inputs, limits) comes from ContainerRun."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ...errors import EngineError, Problem, UsageError, ValidationError
from .base import (
    LABEL_DEADLINE,
    NETWORK_TRAP,
    ContainerRun,
    Engine,
    ImageInfo,
    Managed,
    RunResult,
    container_name,
    memory_bytes,
    run_labels,
)


def run_kwargs(spec: ContainerRun, name: str | None = None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """docker SDK `containers.create` arguments for `spec` (pure, unit-testable without an engine)."""
    limits = spec.limits
    quota = [{"name": "fsize", "soft": spec.output_quota, "hard": spec.output_quota}] if spec.output_quota else []
    return {
        "image": spec.image,
        "name": name,
        "labels": labels or {},
        "ulimits": quota,  # no single file grows past the quota: the kernel refuses the write (EFBIG / SIGXFSZ)
        "command": list(spec.command),
        "network_mode": limits.network,
        "user": limits.user,
        "mem_limit": memory_bytes(limits.memory),
        "memswap_limit": memory_bytes(limits.memory),
        "nano_cpus": int(float(limits.cpus) * 1e9),
        "pids_limit": int(limits.pids),
        "read_only": True,
        "tmpfs": {"/tmp": "rw,size=1g,mode=1777"},
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"] + ([f"seccomp={NETWORK_TRAP.read_text()}"] if spec.trap_network else []),
        "environment": {"HOME": "/tmp", **dict(spec.env)},
        "volumes": {
            str(Path(m.source).resolve()): {"bind": m.target, "mode": "ro" if m.read_only else "rw"}
            for m in spec.mounts
        },
        "detach": True,
    }


class DockerEngine(Engine):
    name = "docker"

    def __init__(self):
        self._client = None

    @property
    def client(self):
        if self._client is None:
            import docker
            from docker.errors import DockerException

            try:
                self._client = docker.from_env(timeout=600)
                self._client.ping()
            except DockerException as exc:
                raise EngineError(
                    "cannot reach the Docker engine",
                    [Problem("docker", "ENGINE_UNREACHABLE", str(exc), "start dockerd (see README: setup) or set DOCKER_HOST")],
                ) from None
        return self._client

    def inspect(self, image: str) -> ImageInfo:
        from docker.errors import APIError, ImageNotFound

        try:
            found = self.client.images.get(image)
        except ImageNotFound:
            raise UsageError(f"image {image!r} not found in the local Docker engine", [self._not_found(image)]) from None
        except APIError as exc:  # e.g. capital letters: Docker refuses the reference itself (400)
            if exc.status_code == 400:
                raise ValidationError(f"{image!r} is not a valid image reference", [Problem(
                    image, "BAD_IMAGE_REFERENCE", f"Docker refused the reference: {exc.explanation or exc}",
                    f"write it in lower case ({image.lower()!r}): NAME[:TAG] with a-z, 0-9, '.', '_', '-' and '/'")]) from None
            raise EngineError(f"Docker could not look up image {image!r}", [Problem(
                image, "ENGINE_ERROR", f"Docker said: {exc.explanation or exc}", "check that Docker is running: docker info")]) from None
        labels = tuple(
            sorted(((found.attrs.get("Config") or {}).get("Labels") or {}).items())
        )
        return ImageInfo(image, found.id, tuple(found.attrs.get("RepoDigests") or ()), labels, found.attrs.get("Size"))

    def _not_found(self, image: str) -> Problem:
        """IMAGE_NOT_FOUND; when other tags of the same repository exist (a tag left out means `latest`), name them."""
        repository, _, tag = image.rpartition(":") if ":" in image.rsplit("/", 1)[-1] else (image, "", "latest")
        tags = sorted({t for found in self.client.images.list(name=repository) for t in found.tags
                       if t.rpartition(":")[0] == repository})
        if tags:
            missing = "no tag given, so Docker looked for ':latest'" if image == repository else f"no tag {tag!r}"
            return Problem(image, "IMAGE_NOT_FOUND", f"{missing}; {repository} has {', '.join(t.rpartition(':')[2] for t in tags)}",
                           f"name the tag: {tags[-1]}")
        return Problem(image, "IMAGE_NOT_FOUND", "no such image",
                       "build it (docker build -t ...) or `docker load` it; `docker images` lists what exists")

    def run(self, spec: ContainerRun) -> RunResult:
        from docker.errors import APIError
        from requests.exceptions import ConnectionError as RequestsConnectionError
        from requests.exceptions import ReadTimeout

        from .. import reaper

        self.inspect(spec.image)
        start = time.monotonic()
        name, labels = container_name(), run_labels(spec, time.time())
        try:
            container = self.client.containers.create(**run_kwargs(spec, name, labels))
        except APIError as exc:
            raise EngineError(f"Docker refused to create a container for {spec.label or spec.image}", [
                Problem(spec.image, "ENGINE_REFUSED", str(exc.explanation or exc), "check the image and the limits in config.yaml")
            ]) from None
        timed_out = False
        watchdog = reaper.watch(self.name, name, spec, labels)
        try:
            container.start()
            try:
                status = container.wait(timeout=spec.limits.timeout_s)
                exit_code = int(status.get("StatusCode", -1))
            except (ReadTimeout, RequestsConnectionError):
                timed_out = True
                container.kill()
                exit_code = -1
            duration = time.monotonic() - start
            container.reload()
            oom = bool(container.attrs.get("State", {}).get("OOMKilled"))
            stdout = container.logs(stdout=True, stderr=False).decode("utf-8", "replace")
            stderr = container.logs(stdout=False, stderr=True).decode("utf-8", "replace")
        finally:
            reaper.stop_watch(watchdog)
            container.remove(force=True)
        return RunResult(exit_code, stdout, stderr, duration, timed_out, oom)

    def managed(self) -> list[Managed]:
        found = self.client.api.containers(all=True, filters={"label": LABEL_DEADLINE})  # one call, no inspect per container
        return [Managed(c["Names"][0].lstrip("/"), dict(c.get("Labels") or {}), c.get("State") == "running") for c in found]

    def kill(self, name: str) -> None:
        from docker.errors import APIError, NotFound

        try:
            self.client.containers.get(name).kill()
        except (NotFound, APIError):  # already gone or already stopped: nothing left to kill
            pass

    def remove(self, name: str) -> None:
        from docker.errors import APIError, NotFound

        try:
            self.client.containers.get(name).remove(force=True)
        except NotFound:
            pass
        except APIError as exc:
            if exc.status_code != 409:  # 409: a removal is already in progress
                raise

    def build(self, context: Path, tag: str, dockerfile: str | None = None,
              build_args: dict[str, str] | None = None) -> ImageInfo:
        from docker.errors import BuildError

        try:
            self.client.images.build(path=str(context), tag=tag, dockerfile=dockerfile, rm=True,
                                    buildargs=build_args or None)
        except BuildError as exc:
            log = "".join(chunk.get("stream", "") for chunk in exc.build_log if isinstance(chunk, dict))
            raise EngineError(f"building {tag} from {context} failed", [
                Problem(str(context), "BUILD_FAILED", str(exc), "fix the Dockerfile; the build log is below")
            ], details="\n".join(log.splitlines()[-30:])) from None
        return self.inspect(tag)

    def save(self, image: str, path: Path) -> None:
        found = self.client.images.get(image)
        with open(path, "wb") as handle:
            for chunk in found.save(named=True):
                handle.write(chunk)

    def load(self, path: Path) -> list[str]:
        from docker.errors import APIError

        try:
            with open(path, "rb") as handle:
                return [image.id for image in self.client.images.load(handle.read())]
        except APIError as exc:
            raise EngineError(f"Docker could not load {path}", [
                Problem(str(path), "IMAGE_LOAD_FAILED", str(exc.explanation or exc), "check that the archive is complete (its sha256 is in the bundle manifest)")
            ]) from None
