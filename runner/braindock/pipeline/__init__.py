"""The scoring pipeline in four stages with typed values between them:

plan (pipeline.plan: Pair, ModelRun by content key) -> execute (pipeline.execute: Answer, read once) ->
score (the benchmark's kind object: Outcome) -> record (ScoreRecord into the spool, then the ledger).

`score` is a one-pair plan run in this process; `braindock suite` runs many pairs through an executor.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from ..config import Settings
from ..errors import Problem
from ..execution import reaper
from ..execution.engines import Engine, get_engine
from ..provenance import records, spool
from ..provenance.ledger import Ledger
from ..provenance.records import ScoreRecord
from ..scoring.neural import Outcome
from .execute import Answer, execute
from .plan import Pair, plan

Step = Callable[[str], None]
Warn = Callable[[Problem], None]


def _quiet(_) -> None:
    pass


def score(model_image: str, benchmark_image: str, settings: Settings, engine: Engine | None = None,
          step: Step = _quiet, seed: int = 0, use_cache: bool = True, keep: bool = True, warn: Warn = _quiet) -> ScoreRecord:
    """Score one model image on one benchmark image and store the record; nothing is stored on any failure.

    Activations come from the content-keyed cache when this image already answered this very request
    (`use_cache`); `keep=False` returns the record without adding it to the ledger.
    """
    engine = engine or get_engine(settings.engine)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    folder = reaper.claim(Path(tempfile.mkdtemp(dir=settings.work_dir, prefix="plan-")))  # a kill leaves it to the reaper
    try:
        step("exporting the benchmark, describing the model")
        planned = plan([model_image], [benchmark_image], settings, engine, folder, seed=seed, strict=True)
        pair = planned.pairs[0]
        run = planned.runs[pair.run_key]
        step(f"running model {model_image} on {len(run.request['stimuli'])} stimuli")
        answer = execute(run, settings, engine, use_cache=use_cache)
        step("scoring")
        record = score_pair(pair, run.request, answer, engine.name, warn)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if keep:
        step("recording")
        spool.record(settings.spool_dir, Ledger(settings.ledger_path), record)
    return record


def score_pair(pair: Pair, request: dict, answer: Answer, engine: str, warn: Warn = _quiet) -> ScoreRecord:
    """Stages 3 and 4: the kind's score of the answer, made into a record (not yet stored)."""
    started = time.monotonic()
    kind = pair.kind
    who = pair.model.who
    answer.require(kind.regions(pair.benchmark, request), who)
    for region, problems in answer.invalid.items():
        for problem in problems:
            warn(Problem(problem.where, problem.code, f"region {region} not usable (this score does not need it): {problem.message}",
                         problem.fix, "warning", problem.expected, problem.found))
    outcome = kind.score(pair.benchmark, request, answer.response, answer.folder, who)
    wall = answer.container_s + time.monotonic() - started
    return make_record(pair, request, outcome, engine, wall, answer.cached)


def make_record(pair: Pair, request: dict, outcome: Outcome, engine: str, wall_time_s: float, cache_hit: bool) -> ScoreRecord:
    benchmark, model = pair.benchmark, pair.model
    manifest, description = benchmark.manifest, model.description
    inputs = {
        "model": {"identifier": description["identifier"], "version": description["version"], "image": model.image.reference,
                  "image_id": model.image.image_id, "repo_digests": list(model.image.repo_digests),
                  "layer": pair.kind.layer(benchmark, request, description)},
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
