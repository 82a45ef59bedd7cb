"""The container contract as the runner sees it: benchmark `export`, model `describe` and model `run`."""
from __future__ import annotations

import json
import re
import signal
from pathlib import Path

from ..config import Limits, Settings
from ..contract import responses, schemas
from ..errors import ContainerError, Problem, ValidationError
from ..store import atomic_write, canonical_json
from . import reaper
from .engines import ContainerRun, Engine, Mount, RunResult
from .engines.base import TRAPPED_EXIT, memory_bytes

INPUT, OUTPUT = "/input", "/output"

# what a process prints when fork/clone or thread creation fails at the pids limit, or an allocation at the memory limit
PIDS_SIGNS = re.compile(r"resource temporarily unavailable|can't start new thread|cannot fork|fork: retry|"
                        r"pthread_create|EAGAIN", re.IGNORECASE)
MEMORY_SIGNS = re.compile(r"MemoryError|cannot allocate memory|out of memory|bad_alloc|ENOMEM", re.IGNORECASE)


def _exit_status(code: int) -> str:
    """'status 137 (killed by SIGKILL)' for the signals a shell reports as 128 + n."""
    if code > 128:
        try:
            return f"status {code} (killed by {signal.Signals(code - 128).name})"
        except ValueError:
            pass
    return f"status {code}"


def exit_problem(result: RunResult, who: str, action: str, limits: Limits, trapped: bool = False) -> Problem | None:
    """Why a container run failed, naming the limit it reached when the log or the engine shows one; None when it exited 0 in time."""
    if result.exit_code == 0 and not result.timed_out:
        return None
    if result.timed_out:
        return Problem(who, "TIMEOUT", f"`{action}` ran longer than limits.timeout_s = {limits.timeout_s:g} s",
                       "raise limits.timeout_s in config.yaml or speed up the model")
    if trapped and result.exit_code == TRAPPED_EXIT:
        return Problem(who, "NETWORK_ATTEMPT", f"`{action}` tried to connect or send to an internet address and was stopped",
                       "models run without network: put weights and data inside the image at build time",
                       found=f"exit {TRAPPED_EXIT} (SIGSYS from the network trap)")
    log = f"{result.stdout}\n{result.stderr}"
    if result.oom_killed or MEMORY_SIGNS.search(log):
        how = "was killed at" if result.oom_killed else "ran out of memory at"
        return Problem(who, "OUT_OF_MEMORY", f"`{action}` {how} the memory limit (limits.memory = {limits.memory})",
                       "raise limits.memory in config.yaml or use less memory", found=_exit_status(result.exit_code))
    if PIDS_SIGNS.search(log):
        return Problem(who, "PROCESS_LIMIT", f"`{action}` could not start a process or thread: the process limit "
                       f"(limits.pids = {limits.pids}) was reached", "start fewer processes and threads, or raise limits.pids",
                       found=_exit_status(result.exit_code))
    return Problem(who, "CONTAINER_FAILED", f"`{action}` exited with {_exit_status(result.exit_code)}",
                   "read the first and last lines of the container's log below")


def check_exit(result: RunResult, who: str, action: str, limits: Limits | None = None, trapped: bool = False) -> None:
    """Raise ContainerError with the first and last lines of the container's log unless it exited 0 in time."""
    problem = exit_problem(result, who, action, limits or Limits(), trapped)
    if problem is not None:
        raise ContainerError(f"{who}: `{action}` failed", [problem], details=f"log of {who} (first and last lines):\n{result.excerpt()}")


def writable_dir(path: Path) -> Path:
    """A folder the container's non-root user may write to (and nobody else's files end up in)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o777)
    return path


def export_benchmark(engine: Engine, settings: Settings, image: str, out: Path) -> None:
    """Run the benchmark container's `export` into `out` (no network, non-root, limits)."""
    spec = ContainerRun(
        image=image, command=("export", OUTPUT), mounts=(Mount(writable_dir(out), OUTPUT, read_only=False),),
        limits=settings.limits, label=f"benchmark {image}", work_dir=_claimed(settings, out),
    )
    check_exit(engine.run(spec), f"benchmark {image}", "export", settings.limits)


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
    check_exit(result, who, "describe", settings.limits)
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


def model_run_spec(image: str, limits: Limits, input_dir: Path, output_dir: Path, work_dir: Path | None = None) -> ContainerRun:
    """`run /input/request.json` with the inputs read-only, only /output writable (up to limits.output) and the network trap set."""
    return ContainerRun(
        image=image,
        command=("run", f"{INPUT}/request.json"),
        mounts=(Mount(input_dir, INPUT, read_only=True), Mount(writable_dir(output_dir), OUTPUT, read_only=False)),
        limits=limits,
        env=(("BRAINDOCK_INPUT", INPUT), ("BRAINDOCK_OUTPUT", OUTPUT)),
        label=f"model {image}",
        trap_network=True,
        output_quota=memory_bytes(limits.output),
        work_dir=work_dir,
    )


def _claimed(settings: Settings, path: Path) -> Path | None:
    """The work folder holding `path`, claimed by this process so that the reaper leaves it alone while we live."""
    folder = reaper.work_folder(settings, path)
    return reaper.claim(folder) if folder is not None else None


def run_model(engine: Engine, settings: Settings, image: str, input_dir: Path, output_dir: Path) -> RunResult:
    """Run the model on a laid-out request. ContainerError (with its log's first and last lines) unless it exits 0 in
    time without touching the network; ResponseError when /output is over its quota or holds files the response does not name."""
    who = f"model {image}"
    _claimed(settings, input_dir)  # the request's folder too: a leftover for the reaper once this process is gone
    spec = model_run_spec(image, settings.limits, input_dir, output_dir, _claimed(settings, output_dir))
    result = engine.run(spec)
    responses.check_output_size(output_dir, spec.output_quota, who)
    check_exit(result, who, "run", settings.limits, trapped=True)
    request = json.loads((input_dir / "request.json").read_text())
    responses.check_output_files(output_dir, responses.read_response(output_dir, request, who), who)
    return result
