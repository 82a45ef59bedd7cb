"""Behavioural benchmarks (manifest kind `behavioral`): the task request or a readout request, then scoring.

The manifest's `task` (required for this kind by spec/v1/benchmark-manifest) is one of:
- probabilities: choice probabilities per test stimulus, after fitting on labelled fitting stimuli (I2n);
- label: one of the task's labels per test stimulus (error consistency);
- odd_one_out: per triplet of test stimuli (the unique triplets of the human trials), the odd one.
A model that lists the task under `tasks` gets it: the request carries `task` and the model answers in
response.json#/behavior (checked by braindock.task_answers). A model that only records gets the runner's
standard readout (braindock.readouts) instead: the request asks for the activations the readout needs (in
the benchmark's region, the model's committed behavioural layer). Either way the answer is scored against
the per-trial human assembly with the manifest's metric, ceiling and normalisation.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import xarray as xr

from .. import metrics
from ..contract.benchmark import Benchmark
from ..contract.constants import POSITIONS
from ..contract.responses import read_activations
from ..contract.run_request import lay_out_stimuli, time_bins_for, write_request
from ..contract.task_answers import read_answer
from ..errors import Problem, ValidationError
from . import readouts
from .neural import Outcome

FITTING_FOLDER = "fitting_stimuli"


def task_of(benchmark: Benchmark) -> str:
    return benchmark.manifest["task"]


def fitting_stimulus_set(benchmark: Benchmark) -> tuple[dict, Path]:
    """The manifest's fitting stimulus set (the schema requires one for label and probabilities) and its folder;
    every entry must carry a `label`."""
    path = benchmark.root / benchmark.manifest["fitting_stimulus_set"]["path"]
    document = json.loads(path.read_text())
    unlabelled = [s["stimulus_id"] for s in document["stimuli"] if not isinstance(s.get("label"), str)]
    if unlabelled:
        raise ValidationError(f"benchmark {benchmark.identifier}: fitting stimuli without a label", [
            Problem(f"{path} [stimulus_id={unlabelled[0]}]", "MISSING_LABEL", f"{len(unlabelled)} fitting stimuli have no `label`",
                    "give every fitting stimulus the label (object) a readout is fitted to")])
    return document, path.parent


def performs(description: dict, task: str) -> bool:
    """Does the model answer `task` itself (listed under its tasks)?"""
    return task in description["tasks"]


def triplets(trials: xr.DataArray) -> list[list[str]]:
    """The distinct triplets of odd-one-out trials (as unordered sets), in order of first appearance."""
    seen: dict[frozenset, list[str]] = {}
    columns = [trials[name].values.astype(str).tolist() for name in POSITIONS]
    for triplet in zip(*columns):
        seen.setdefault(frozenset(triplet), list(triplet))
    return list(seen.values())


def build_request(benchmark: Benchmark, description: dict, input_dir: Path, who: str, seed: int = 0) -> dict:
    """The request: the task (with its labels, fitting stimuli or triplets), or the activations the readout needs."""
    manifest, task = benchmark.manifest, task_of(benchmark)
    place = (manifest["modality"], manifest.get("visual_degrees"), description.get("visual_degrees"))
    stimuli = lay_out_stimuli(benchmark.stimulus_set, benchmark.stimulus_set_path.parent, input_dir, *place)
    fitting_stimuli, request_task = [], {"name": task}
    if task != "odd_one_out":  # label, probabilities: labelled fitting stimuli
        fitting, fitting_root = fitting_stimulus_set(benchmark)
        fitting_stimuli = lay_out_stimuli(fitting, fitting_root, input_dir, *place, folder=FITTING_FOLDER)
        labels = {s["stimulus_id"]: s["label"] for s in fitting["stimuli"]}
        request_task.update(labels=sorted(set(labels.values())),
                            fitting_stimuli=[{**s, "label": labels[s["stimulus_id"]]} for s in fitting_stimuli])
    else:
        request_task["triplets"] = triplets(benchmark.recordings())
    time_bins = time_bins_for(benchmark, description, who)
    common = (manifest["number_of_trials"], seed, description.get("visual_degrees"))
    if performs(description, task):
        return write_request(input_dir, manifest["modality"], stimuli, [], time_bins, *common, task=request_task)
    # every committed region, so that one run answers every benchmark on these stimuli (activation cache)
    return write_request(input_dir, manifest["modality"], stimuli + fitting_stimuli, sorted(description["regions"]),
                         time_bins, *common)


def model_answer(benchmark: Benchmark, request: dict, response: dict, output_dir: Path, who: str) -> tuple[xr.DataArray, dict]:
    """The model's answer on the test stimuli (its own, or the standard readout's) and how it was obtained."""
    task = task_of(benchmark)
    if request["task"] is not None:
        return read_answer(response, request, who), {"source": "model", "task": task}
    activations = read_activations(output_dir, request, response, benchmark.region, who)
    how = {"source": "readout", "task": task, "region": benchmark.region, "layer": activations.attrs.get("layer", "")}
    if task == "odd_one_out":
        return readouts.readout_odd_one_out(activations, triplets(benchmark.recordings())), {**how, **readouts.ODD_ONE_OUT}
    fitting, _ = fitting_stimulus_set(benchmark)
    test_ids = [s["stimulus_id"] for s in benchmark.stimulus_set["stimuli"]]
    read = readouts.readout_choices if task == "label" else readouts.readout_probabilities
    return read(activations, fitting, test_ids), {**how, **readouts.LOGISTIC}


def score_behavioral(manifest: dict, trials: xr.DataArray, answer: xr.DataArray, how: dict) -> Outcome:
    """Metric (I2n, error consistency, odd-one-out agreement) of the answer against the per-trial assembly;
    its ceiling; normalisation by name. The raw score's parameters record how the answer was obtained."""
    spec, ceiling_spec = manifest["metric"], manifest["ceiling"]
    raw = metrics.get_metric(spec["name"], **spec["parameters"])(answer, trials)
    raw = dataclasses.replace(raw, parameters={**raw.parameters, "readout": how})
    ceiling = metrics.get_ceiling(ceiling_spec["method"], **ceiling_spec["parameters"])(trials)
    return Outcome(raw, ceiling, metrics.normalize(manifest["normalization"], raw, ceiling))


def score(benchmark: Benchmark, request: dict, response: dict, output_dir: Path, who: str) -> Outcome:
    answer, how = model_answer(benchmark, request, response, output_dir, who)
    return score_behavioral(benchmark.manifest, benchmark.recordings(), answer, how)
