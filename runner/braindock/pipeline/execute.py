"""Stage 2, execute: run one planned model run (or find its answer in the activation cache), check it once.

The response is read and checked here, once: every requested region on its own, so that one region's broken
answer blocks only the benchmarks of that region (its problems travel with the answer, and into the cache).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..contract import responses, task_answers
from ..errors import Problem, ResponseError
from ..execution import containers
from ..execution.engines import Engine
from ..provenance import activation_cache
from ..store import Store
from .plan import ModelRun


@dataclass(frozen=True)
class Answer:
    """A model run's checked response: its folder (in the activation cache), response.json, refused regions."""

    run_key: str
    folder: Path
    response: dict[str, Any]
    invalid: dict[str, tuple[Problem, ...]]
    cached: bool  # found in the activation cache: no container ran now
    container_s: float  # time inside the model container (0 when cached)

    def require(self, regions: list[str], who: str) -> None:
        """ResponseError with the recorded problems when any of `regions` was refused."""
        problems = [p for region in regions for p in self.invalid.get(region, ())]
        if problems:
            raise ResponseError(f"{who}: its answer for {', '.join(r for r in regions if r in self.invalid)} breaks the contract", problems)


def execute(run: ModelRun, settings: Settings, engine: Engine, use_cache: bool = True) -> Answer:
    """The checked answer to `run`: from the cache when this image answered this request before, else run it."""
    store = Store(settings.store_dir)
    who = run.model.who
    if use_cache and (folder := activation_cache.lookup(store, run.key)) is not None:
        invalid = {region: tuple(Problem(**p) for p in problems)
                   for region, problems in activation_cache.invalid_regions(folder).items()}
        return Answer(run.key, folder, responses.read_response(folder, run.request, who), invalid, True, 0.0)
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=settings.work_dir, prefix="run-"))
    try:
        started = time.monotonic()
        containers.run_model(engine, settings, run.model.image.reference, run.input_dir, work / "output")
        container_s = time.monotonic() - started
        response, files, invalid = check(work / "output", run.request, who)
        folder = activation_cache.save(store, run.key, work / "output", files, run.request,
                                       {"model": run.model.description["identifier"], "model_image_id": run.model.image.image_id},
                                       {region: [p.to_dict() for p in problems] for region, problems in invalid.items()})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Answer(run.key, folder, response, invalid, False, container_s)


def check(output_dir: Path, request: dict, who: str) -> tuple[dict, list[str], dict[str, tuple[Problem, ...]]]:
    """response.json (the whole run fails when it is broken), the files of its valid regions, the refused regions.

    A task answer is the run's whole purpose: a broken one fails the run. A run with no valid region fails too.
    """
    response = responses.read_response(output_dir, request, who)
    if request["task"] is not None:
        task_answers.read_answer(response, request, who)
    files, invalid = [], {}
    for region in request["record"]["regions"]:
        try:
            responses.read_activations(output_dir, request, response, region, who)
        except ResponseError as error:
            invalid[region] = tuple(error.problems)
        else:
            files.append(response["activations"][region]["file"])
    if invalid and len(invalid) == len(request["record"]["regions"]):
        raise ResponseError(f"{who}: no requested region was answered within the contract",
                            [p for problems in invalid.values() for p in problems])
    return response, files, invalid
