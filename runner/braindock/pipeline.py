"""score: benchmark export → model describe → request → model run → response checks → score → record → ledger."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from .config import Settings
from .contract import responses, task_answers
from .contract.benchmark import Benchmark
from .contract.run_request import build_request
from .execution import containers
from .execution.benchmarks import load_benchmark
from .execution.engines import Engine, get_engine
from .provenance import activation_cache, records
from .provenance.ledger import Ledger
from .provenance.records import ScoreRecord
from .scoring import behavioral as behavior
from .scoring.neural import Outcome, score_neural
from .store import Store

Step = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def score(model_image: str, benchmark_image: str, settings: Settings, engine: Engine | None = None,
          step: Step = _quiet, seed: int = 0, use_cache: bool = True, keep: bool = True) -> ScoreRecord:
    """Score one model image on one benchmark image and store the record; nothing is stored on any failure.

    Activations come from the content-keyed cache when this image already answered this very request
    (`use_cache`); `keep=False` returns the record without adding it to the ledger.
    """
    started = time.monotonic()
    engine = engine or get_engine(settings.engine)
    step("exporting and validating the benchmark")
    benchmark = load_benchmark(engine, settings, benchmark_image)
    who = f"model {model_image}"
    step(f"describing {who}")
    model = engine.inspect(model_image)
    description = containers.describe_model(engine, settings, model_image, model.image_id)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=settings.work_dir, prefix="run-"))
    try:
        step(f"running {who} on {len(benchmark.stimulus_set['stimuli'])} stimuli")
        behavioral = behavior.is_behavioral(benchmark)  # manifest kind: behavioural benchmarks ask a task or a readout
        request = (behavior.build_request if behavioral else build_request)(benchmark, description, work / "input", who, seed=seed)
        store = Store(settings.store_dir)
        key = activation_cache.cache_key(model.image_id, request)
        answered = activation_cache.lookup(store, key) if use_cache else None
        cache_hit = answered is not None
        if answered is None:
            containers.run_model(engine, settings, model_image, work / "input", work / "output")
            response = responses.read_response(work / "output", request, who)
            for region in request["record"]["regions"]:  # only a fully valid response is cached
                responses.read_activations(work / "output", request, response, region, who)
            if request["task"] is not None:
                task_answers.read_answer(response, request, who)
            answered = activation_cache.save(store, key, work / "output", request,
                                             {"model": description["identifier"], "model_image_id": model.image_id})
        response = responses.read_response(answered, request, who)
        step("scoring")
        if behavioral:
            outcome = behavior.score(benchmark, request, response, answered, who)
        else:
            activations = responses.read_activations(answered, request, response, benchmark.region, who)
            outcome = score_neural(benchmark.manifest, benchmark.recordings(), activations)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    record = make_record(benchmark, model_image, model.image_id, model.repo_digests, description, request, outcome,
                         engine.name, time.monotonic() - started, cache_hit)
    if keep:
        step("recording")
        Ledger(settings.ledger_path).add(record)
    return record


def make_record(benchmark: Benchmark, model_image: str, model_image_id: str, repo_digests, description: dict,
                request: dict, outcome: Outcome, engine: str, wall_time_s: float, cache_hit: bool) -> ScoreRecord:
    manifest = benchmark.manifest
    region = benchmark.region
    inputs = {
        "model": {"identifier": description["identifier"], "version": description["version"], "image": model_image,
                  "image_id": model_image_id, "repo_digests": list(repo_digests),
                  "layer": f"behavior.{request['task']['name']}" if request["task"] else description["regions"][region]["layer"]},
        "benchmark": {"identifier": benchmark.identifier, "version": benchmark.version,
                      "image": benchmark.image.reference, "image_id": benchmark.image.image_id},
        "data": {"stimulus_set_sha256": manifest["stimulus_set"]["sha256"], "recordings_sha256": manifest["recordings"]["sha256"]},
        "metric": {"name": outcome.raw.metric, "version": outcome.raw.version, "parameters": outcome.raw.parameters},
        "ceiling": {"method": outcome.ceiling.metric, "version": outcome.ceiling.version, "parameters": outcome.ceiling.parameters},
        "normalization": {"name": outcome.ceiled.metric, "version": outcome.ceiled.version},
        "request": {"request_id": request["request_id"], "regions": request["record"]["regions"],
                    "time_bins": request["record"]["time_bins"], "visual_degrees": request.get("visual_degrees"),
                    "number_of_trials": request["number_of_trials"], "seed": request["seed"]},
    }
    raw = outcome.raw.to_dict()
    result = {
        "raw": raw["value"], "error": raw["error"],
        "ceiling": float(outcome.ceiling.value), "ceiling_error": float(outcome.ceiling.error),
        "score": float(outcome.ceiled.value), "score_error": float(outcome.ceiled.error),
        "per_split": raw["per_split"],
        "ceiling_per_split": outcome.ceiling.to_dict(with_neuroids=False)["per_split"],
        "per_neuroid": raw.get("per_neuroid", {}),
        **({"splits_sha256": raw["splits_sha256"]} if "splits_sha256" in raw else {}),
    }
    return ScoreRecord(inputs, result, {**records.environment(engine, wall_time_s), "activations_cached": cache_hit})
