"""Stage 1, plan: which model runs a set of (model, benchmark) pairs needs, each named by its content key.

A model run is keyed by (model image ID x request content), the activation cache's key: pairs that ask the same
image the same request (V4 and IT on the same images) share one run. Planning exports and validates each
benchmark, describes each model, checks commitments and lays each distinct request's inputs out once.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..config import Settings
from ..contract.benchmark import Benchmark
from ..errors import Problem, UsageError
from ..execution import containers
from ..execution.benchmarks import load_benchmark
from ..execution.engines import Engine, ImageInfo
from ..provenance.activation_cache import cache_key
from ..scoring.kinds import BenchmarkKind, kind_of
from ..store import Store, canonical_json, sha256_bytes


Step = Callable[[str], AbstractContextManager[dict]]  # step("doing X") -> a context yielding {"text": its end line}


def silent(doing: str) -> AbstractContextManager[dict]:
    """The Step that shows nothing (a single `score`, a test)."""
    return nullcontext({})


@dataclass(frozen=True)
class Model:
    """A model image by content (image ID) with its validated description."""

    image: ImageInfo
    description: dict[str, Any]

    @property
    def who(self) -> str:
        return f"model {self.image.reference}"


@dataclass(frozen=True)
class ModelRun:
    """One container run: this image answering this request (laid out under `input_dir`)."""

    key: str
    model: Model
    request: dict[str, Any]
    input_dir: Path


@dataclass(frozen=True)
class Pair:
    """One score to make: a model on a benchmark, answered by the model run `run_key`."""

    model: Model
    benchmark: Benchmark
    run_key: str
    seed: int

    @property
    def key(self) -> str:
        """The pair's identity by content: model image ID x benchmark image ID x seed."""
        return sha256_bytes(canonical_json([self.model.image.image_id, self.benchmark.image.image_id, self.seed]))[:16]

    @property
    def kind(self) -> BenchmarkKind:
        return kind_of(self.benchmark)

    @property
    def label(self) -> str:
        return f"{self.model.image.reference} on {self.benchmark.image.reference}"


@dataclass(frozen=True)
class Skipped:
    """A pair the model does not commit to (modality, region, task): not scored, never 0."""

    model: str
    benchmark: str
    problems: tuple[Problem, ...]


@dataclass
class Plan:
    pairs: list[Pair] = field(default_factory=list)
    runs: dict[str, ModelRun] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """What workers on other machines need to find everything again, by content."""
        return {
            "runs": {key: {"model": run.model.image.reference, "model_image_id": run.model.image.image_id,
                           "input_dir": str(run.input_dir)} for key, run in self.runs.items()},
            "pairs": [{"key": p.key, "model": p.model.image.reference, "model_image_id": p.model.image.image_id,
                       "benchmark": p.benchmark.image.reference, "benchmark_image_id": p.benchmark.image.image_id,
                       "export_digest": p.benchmark.export_digest, "run_key": p.run_key, "seed": p.seed} for p in self.pairs],
            "skipped": [{"model": s.model, "benchmark": s.benchmark, "reason": s.problems[0].message} for s in self.skipped],
        }


def inspect(engine: Engine, image: str, image_id: str | None = None) -> ImageInfo:
    """The image's identity; with `image_id`, the reference must still name that content (a plan run elsewhere)."""
    info = engine.inspect(image)
    if image_id is not None and info.image_id != image_id:
        raise UsageError(f"image {image} is not the image this plan was made for", [
            Problem(image, "IMAGE_CHANGED", "the tag now names other content than when the plan was made",
                    f"give this machine the planned image (docker load it, or tag {image_id} as {image}), or plan again",
                    expected=image_id, found=info.image_id)])
    return info


def describe(engine: Engine, settings: Settings, image: str, image_id: str | None = None) -> Model:
    """The model image and its validated description (described once per image ID)."""
    info = inspect(engine, image, image_id)
    return Model(info, containers.describe_model(engine, settings, image, info.image_id))


def plan(models: list[str], benchmarks: list[str], settings: Settings, engine: Engine, folder: Path, seed: int = 0,
         strict: bool = False, step: Step = silent) -> Plan:
    """Plan every pair a model commits to; lay each distinct request out under folder/<run key>/input.

    With `strict`, a pair the model does not commit to raises its ValidationError (a single `score`); otherwise
    it is listed under `skipped` (a suite scores only where models commit). `step(doing)` wraps each benchmark's
    and each model's part (output.Steps.step: a progress line in a log, a bar on a terminal).
    """
    loaded = []
    for image in benchmarks:
        with step(f"planning: benchmark {image} (export, validate)") as end:
            loaded.append(load_benchmark(engine, settings, image))
            end["text"] = f"planned: benchmark {image}"
    result = Plan()
    folder.mkdir(parents=True, exist_ok=True)
    for image in models:
        with step(f"planning: model {image} (describe, lay out its requests)") as end:
            model, pairs, runs = describe(engine, settings, image), len(result.pairs), len(result.runs)
            for benchmark in loaded:
                kind = kind_of(benchmark)
                problems = kind.problems(benchmark, model.description, model.who)
                if problems:
                    if strict:
                        kind.check(benchmark, model.description, model.who)
                    result.skipped.append(Skipped(model.image.reference, benchmark.image.reference, tuple(problems)))
                    continue
                result.pairs.append(Pair(model, benchmark, _lay_out(result, folder, kind, model, benchmark, seed), seed))
            end["text"] = f"planned: model {image}: {len(result.pairs) - pairs} pairs, {len(result.runs) - runs} model runs"
    return result


def _lay_out(result: Plan, folder: Path, kind: BenchmarkKind, model: Model, benchmark: Benchmark, seed: int) -> str:
    """Build the pair's request in a staging folder; keep it as a new run, or drop it when an equal run exists."""
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".request-"))
    try:
        request = kind.build_request(benchmark, model.description, staging / "input", model.who, seed)
        key = cache_key(model.image.image_id, request)
        if key not in result.runs:
            target = folder / key
            if target.exists():  # laid out by an earlier plan of the same suite
                shutil.rmtree(target)
            staging.rename(target)
            result.runs[key] = ModelRun(key, model, request, target / "input")
        return key
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_plan(document: dict[str, Any], settings: Settings, engine: Engine, only: str | None = None) -> Plan:
    """The plan written by Plan.to_dict, found again by content (image IDs, export digests): on any machine that
    shares BRAINDOCK_HOME and holds the images. With `only` (a run or pair key), just the pairs and runs of that
    job: a Slurm task does not describe every model of the suite."""
    store = Store(settings.store_dir)
    result = Plan()
    entries = [entry for entry in document["pairs"] if only in (None, entry["key"], entry["run_key"])]
    wanted = set(document["runs"]) if only is None else {only, *(entry["run_key"] for entry in entries)}
    models: dict[str, Model] = {}
    for key, entry in document["runs"].items():
        if key not in wanted:
            continue
        if entry["model_image_id"] not in models:
            models[entry["model_image_id"]] = describe(engine, settings, entry["model"], entry["model_image_id"])
        input_dir = Path(entry["input_dir"])
        request = json.loads((input_dir / "request.json").read_text())
        result.runs[key] = ModelRun(key, models[entry["model_image_id"]], request, input_dir)
    benchmarks: dict[str, Benchmark] = {}
    for entry in entries:
        if entry["export_digest"] not in benchmarks:
            info = inspect(engine, entry["benchmark"], entry["benchmark_image_id"])
            benchmarks[entry["export_digest"]] = Benchmark(info, entry["export_digest"], store.path(entry["export_digest"]))
        result.pairs.append(Pair(result.runs[entry["run_key"]].model, benchmarks[entry["export_digest"]], entry["run_key"], entry["seed"]))
    return result
