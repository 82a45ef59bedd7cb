"""The container contract as the runner sees it: benchmark `export`, model `describe` and model `run`."""
from __future__ import annotations

import json
from pathlib import Path

from ..config import Settings
from ..contract import schemas
from ..errors import ContainerError, Problem, ValidationError
from ..store import atomic_write, canonical_json
from .engines import ContainerRun, Engine, Mount, RunResult

INPUT, OUTPUT = "/input", "/output"


def check_exit(result: RunResult, who: str, action: str) -> None:
    """Raise ContainerError with the container's last log lines unless it exited 0 in time."""
    if result.exit_code == 0 and not result.timed_out:
        return
    if result.timed_out:
        problem = Problem(who, "TIMEOUT", f"`{action}` ran longer than the limit", "raise limits.timeout_s in config.yaml or speed up the model")
    elif result.oom_killed:
        problem = Problem(who, "OUT_OF_MEMORY", f"`{action}` was killed for exceeding the memory limit", "raise limits.memory in config.yaml or use less memory")
    else:
        problem = Problem(who, "CONTAINER_FAILED", f"`{action}` exited with status {result.exit_code}", "read the container's log below")
    raise ContainerError(f"{who}: `{action}` failed", [problem], details=f"last log lines of {who}:\n{result.tail()}")


def writable_dir(path: Path) -> Path:
    """A folder the container's non-root user may write to (and nobody else's files end up in)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o777)
    return path


def export_benchmark(engine: Engine, settings: Settings, image: str, out: Path) -> None:
    """Run the benchmark container's `export` into `out` (no network, non-root, limits)."""
    spec = ContainerRun(
        image=image, command=("export", OUTPUT), mounts=(Mount(writable_dir(out), OUTPUT, read_only=False),),
        limits=settings.limits, label=f"benchmark {image}",
    )
    check_exit(engine.run(spec), f"benchmark {image}", "export")


def require_model_image(engine: Engine, image: str) -> None:
    """A benchmark image (LABEL org.braindock.kind="benchmark") given where a model belongs is named as such,
    instead of failing the model-description schema on whatever its `describe` prints."""
    kind = dict(engine.inspect(image).labels).get("org.braindock.kind")
    if kind == "benchmark":
        raise ValidationError(f"{image} is a benchmark image, given as the model", [
            Problem(image, "BENCHMARK_AS_MODEL", "the image carries LABEL org.braindock.kind=\"benchmark\"; a model was expected here",
                    "give the model image first and the benchmark images after it: braindock score MODEL_IMAGE BENCHMARK_IMAGE...")])


def describe_model(engine: Engine, settings: Settings, image: str, image_id: str | None = None) -> dict:
    """Run `describe` and validate what it prints against spec/v1/model-description.

    With `image_id`, the description is kept under settings.home/descriptions keyed by that content ID, so
    an image is described once (a rebuilt image has a new ID and is described again).
    """
    who = f"model {image}"
    require_model_image(engine, image)
    kept = settings.home / "descriptions" / f"{image_id.removeprefix('sha256:')}.json" if image_id else None
    if kept is not None and kept.exists():
        return schemas.require_valid(json.loads(kept.read_text()), "model-description", f"{who} describe")
    result = engine.run(ContainerRun(image=image, command=("describe",), limits=settings.limits, label=who))
    check_exit(result, who, "describe")
    try:
        description = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{who}: `describe` did not print JSON", [
            Problem(f"{who} describe (stdout)", "BAD_JSON", str(exc), "print only the description JSON on stdout; log to stderr")
        ], details=f"stdout began: {result.stdout[:300]!r}") from None
    schemas.require_valid(description, "model-description", f"{who} describe")
    if kept is not None:
        atomic_write(kept, canonical_json(description))
    return description


def model_run_spec(image: str, limits, input_dir: Path, output_dir: Path) -> ContainerRun:
    """`run /input/request.json` with the inputs read-only and only /output writable."""
    return ContainerRun(
        image=image,
        command=("run", f"{INPUT}/request.json"),
        mounts=(Mount(input_dir, INPUT, read_only=True), Mount(writable_dir(output_dir), OUTPUT, read_only=False)),
        limits=limits,
        env=(("BRAINDOCK_INPUT", INPUT), ("BRAINDOCK_OUTPUT", OUTPUT)),
        label=f"model {image}",
    )


def run_model(engine: Engine, settings: Settings, image: str, input_dir: Path, output_dir: Path) -> RunResult:
    """Run the model on a laid-out request; ContainerError (with its last log lines) unless it exits 0 in time."""
    result = engine.run(model_run_spec(image, settings.limits, input_dir, output_dir))
    check_exit(result, f"model {image}", "run")
    return result
