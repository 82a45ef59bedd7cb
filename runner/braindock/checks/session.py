"""One model image under check: `describe` once, `run` once per (seed, attempt, task), on the bundled stimuli; all cached.

The containers run exactly as the scoring pipeline runs them (no network, non-root, read-only root and input,
limits), but their failures are kept as data, not raised: each check decides what a failure means for it.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import xarray as xr

from ..config import Limits
from ..contract import responses, schemas
from ..contract.run_request import lay_out_stimuli, write_request
from ..contract.task_answers import next_word_task
from ..errors import ResponseError
from ..execution import containers
from ..execution.engines import ContainerRun, Engine, RunResult
from .result import SkipCheck

STIMULI_DIR = Path(__file__).parent / "stimuli"
STIMULUS_DEGREES = 8.0  # the bundled images are shown at 8 degrees of visual angle


@dataclass(frozen=True)
class RunOutcome:
    seed: int
    attempt: int
    request: dict
    result: RunResult
    output_dir: Path
    task: str | None = None
    trapped: bool = False

    @property
    def label(self) -> str:
        """How reports name this run, e.g. 'run seed 0 #2', 'run task label #1', 'run seed 0 #1 (network trap)'."""
        trap = " (network trap)" if self.trapped else ""
        return f"run {'task ' + self.task if self.task else f'seed {self.seed}'} #{self.attempt + 1}{trap}"

    @property
    def ok(self) -> bool:
        return self.result.exit_code == 0 and not self.result.timed_out


def stimulus_set(modality: str) -> tuple[dict, Path]:
    """The bundled stimulus set for `modality` (image or text) and the folder its files are relative to."""
    folder = STIMULI_DIR / modality
    return schemas.load_json(folder / "stimulus_set.json", "stimulus-set"), folder


def task_request(task: str, stimuli: list[dict], fitting: list[dict]) -> dict:
    """A small request for `task` on the bundled stimuli: two labels (the first half of the stimuli is 'a', the rest
    'b'), the same stimuli labelled for fitting, overlapping triplets of them, or their words (next_word)."""
    ids = [s["stimulus_id"] for s in stimuli]
    label = {i: "a" if k < len(ids) // 2 else "b" for k, i in enumerate(ids)}
    if task == "next_word":
        return next_word_task(stimuli)
    if task == "odd_one_out":
        return {"name": task, "triplets": [[ids[k], ids[(k + 1) % len(ids)], ids[(k + 3) % len(ids)]] for k in range(len(ids))]}
    return {"name": task, "labels": ["a", "b"], "fitting_stimuli": [{**s, "label": label[s["stimulus_id"]]} for s in fitting]}


class ModelSession:
    """Constructor stores arguments; containers start only when a check asks for a result."""

    def __init__(self, engine: Engine, image: str, limits: Limits, work_dir: Path):
        self.engine = engine
        self.image = image
        self.limits = limits
        self.work_dir = Path(work_dir)
        self._runs: dict[tuple[int, int, str | None, bool], RunOutcome] = {}
        self._activations: dict[tuple[int, int], dict[str, xr.DataArray | ResponseError]] = {}

    @property
    def who(self) -> str:
        return f"model {self.image}"

    # describe -----------------------------------------------------------------------------------------------
    @cached_property
    def describe_result(self) -> RunResult:
        return self.engine.run(ContainerRun(image=self.image, command=("describe",), limits=self.limits, label=self.who))

    def description_json(self):
        """What `describe` printed, parsed; SkipCheck when it failed or printed something else."""
        result = self.describe_result
        if result.exit_code != 0 or result.timed_out:
            raise SkipCheck("`describe` did not exit 0 (see describe_exits_zero)")
        try:
            return json.loads(result.stdout)
        except json.JSONDecodeError:
            raise SkipCheck("`describe` did not print only JSON (see describe_prints_only_json)") from None

    def description(self) -> dict:
        """The description if it meets the schema: the runner refuses to run a model whose description does not."""
        document = self.description_json()
        if schemas.problems(document, "model-description", "describe"):
            raise SkipCheck("the description does not meet spec/v1/model-description (see description_meets_schema); "
                            "the runner would not run this model")
        return document

    # run ----------------------------------------------------------------------------------------------------
    def run(self, seed: int = 0, attempt: int = 0, task: str | None = None, trap_network: bool = False) -> RunOutcome:
        """`run` on the bundled stimuli of the model's modality: recording every committed region in every bin,
        or (with `task`) answering that behavioural task on them; `trap_network` kills it at its first internet socket."""
        key = (seed, attempt, task, trap_network)
        if key not in self._runs:
            description = self.description()
            folder = self.work_dir / f"{task or 'record'}-seed{seed}-attempt{attempt}{'-trapped' if trap_network else ''}"
            shutil.rmtree(folder, ignore_errors=True)
            input_dir, output_dir = folder / "input", folder / "output"
            input_dir.mkdir(parents=True)
            modality = description["modality"]
            stimuli_set, root = stimulus_set(modality)
            place = (modality, STIMULUS_DEGREES if modality == "image" else None, description.get("visual_degrees"))
            stimuli = lay_out_stimuli(stimuli_set, root, input_dir, *place)
            if task is None:
                request = write_request(input_dir, modality, stimuli, sorted(description["regions"]), description["time_bins"],
                                        1, seed, description.get("visual_degrees"))
            else:
                fitting = lay_out_stimuli(stimuli_set, root, input_dir, *place, folder="fitting_stimuli")
                request = write_request(input_dir, modality, stimuli, [], description["time_bins"][:1], 1, seed,
                                        description.get("visual_degrees"), task=task_request(task, stimuli, fitting))
            spec = replace(containers.model_run_spec(self.image, self.limits, input_dir, output_dir), trap_network=trap_network)
            self._runs[key] = RunOutcome(seed, attempt, request, self.engine.run(spec), output_dir, task, trap_network)
        return self._runs[key]

    def runs(self) -> list[RunOutcome]:
        """The runs made so far, in the order they were made."""
        return list(self._runs.values())

    def response(self, seed: int = 0, attempt: int = 0) -> dict:
        """response.json of a run that exited 0; SkipCheck when the run failed; ResponseError when it is invalid."""
        outcome = self.run(seed, attempt)
        if not outcome.ok:
            raise SkipCheck(f"`run` (seed {seed}) did not exit 0 (see run_exits_zero)")
        return responses.read_response(outcome.output_dir, outcome.request, self.who)

    def valid_response(self, seed: int = 0, attempt: int = 0) -> dict:
        try:
            return self.response(seed, attempt)
        except ResponseError:
            raise SkipCheck(f"response.json (seed {seed}) is missing or invalid (see response_meets_schema)") from None

    def activations(self, seed: int = 0, attempt: int = 0) -> dict[str, xr.DataArray | ResponseError]:
        """region -> its activations, or the ResponseError that reading them raised (every committed region)."""
        key = (seed, attempt)
        if key not in self._activations:
            response = self.valid_response(seed, attempt)
            outcome = self.run(seed, attempt)
            found: dict[str, xr.DataArray | ResponseError] = {}
            for region in outcome.request["record"]["regions"]:
                try:
                    found[region] = responses.read_activations(outcome.output_dir, outcome.request, response, region, self.who)
                except ResponseError as error:
                    found[region] = error
            self._activations[key] = found
        return self._activations[key]

    def close(self) -> None:
        shutil.rmtree(self.work_dir, ignore_errors=True)
