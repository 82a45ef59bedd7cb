"""Behavioural benchmarks (manifest kind `behavioral`, task `probabilities`): request, readout, I2n scoring.

A model that lists `probabilities` in its `tasks` gets the task itself: the request carries `task` with
`labels` and the labelled `fitting_stimuli`, and the model answers `behavior.probabilities` for every test
stimulus. A model that only records gets Brain-Score's standard readout instead: the request asks for
its activations of the fitting and the test stimuli (in the region the benchmark names, the model's
committed behavioural layer), and the runner fits a logistic regression on the fitting stimuli
(StandardScaler, then multinomial LogisticRegression(C=1e-3), as brain-score's ProbabilitiesMapping) whose
predicted probabilities on the test stimuli stand for the model's choices. Either way the probabilities
are scored against the per-trial human assembly with the manifest's metric (I2n), ceiling (split-half)
and normalisation.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import xarray as xr

from . import metrics
from .benchmark import Benchmark
from .errors import Problem, ResponseError, ValidationError
from .responses import read_activations
from .run_request import lay_out_stimuli, time_bins_for, write_request
from .scoring import Outcome

FITTING_FOLDER = "fitting_stimuli"
READOUT = {"name": "logistic_regression", "version": "1.0", "scaler": "standard", "C": 1e-3, "multinomial": True}
SUM_TOLERANCE = 1e-3


def is_behavioral(benchmark: Benchmark) -> bool:
    return benchmark.manifest.get("kind") == "behavioral"


def fitting_stimulus_set(benchmark: Benchmark) -> tuple[dict, Path]:
    """The manifest's fitting stimulus set (every entry carries a `label`) and its folder."""
    entry = benchmark.manifest.get("fitting_stimulus_set")
    if entry is None:
        raise ValidationError(f"benchmark {benchmark.identifier} has no fitting stimulus set", [
            Problem(f"{benchmark.identifier} manifest.json#/fitting_stimulus_set", "MISSING_FIELD",
                    "a behavioural benchmark with task probabilities needs labelled fitting stimuli",
                    "add fitting_stimulus_set (path, sha256) to the manifest")])
    path = benchmark.root / entry["path"]
    document = json.loads(path.read_text())
    unlabelled = [s["stimulus_id"] for s in document["stimuli"] if not isinstance(s.get("label"), str)]
    if unlabelled:
        raise ValidationError(f"benchmark {benchmark.identifier}: fitting stimuli without a label", [
            Problem(f"{path} [stimulus_id={unlabelled[0]}]", "MISSING_LABEL", f"{len(unlabelled)} fitting stimuli have no `label`",
                    "give every fitting stimulus the label (object) a readout is fitted to")])
    return document, path.parent


def own_probabilities(description: dict) -> bool:
    return "probabilities" in description["tasks"]


def check_commitment(benchmark: Benchmark, description: dict, who: str) -> None:
    """Modality must match; a model without the probabilities task must commit the region the readout reads."""
    problems = []
    if benchmark.manifest["modality"] != description["modality"]:
        problems.append(Problem(f"{who} describe#/modality", "WRONG_MODALITY", f"{benchmark.identifier} shows {benchmark.manifest['modality']} stimuli",
                                "score this model on benchmarks of its modality", expected=benchmark.manifest["modality"], found=description["modality"]))
    if not own_probabilities(description) and benchmark.region not in description["regions"]:
        problems.append(Problem(f"{who} describe#/regions", "REGION_NOT_COMMITTED",
                                f"{benchmark.identifier} reads choices out of region {benchmark.region} (or asks for task probabilities)",
                                f"commit a layer to {benchmark.region}, or list 'probabilities' under tasks",
                                found=f"regions {sorted(description['regions'])}, tasks {description['tasks']}"))
    if problems:
        raise ValidationError(f"{who} cannot be scored on {benchmark.identifier}", problems)


def build_request(benchmark: Benchmark, description: dict, input_dir: Path, who: str, seed: int = 0) -> dict:
    """The request: the task with labelled fitting stimuli, or activations of fitting + test stimuli for the readout."""
    check_commitment(benchmark, description, who)
    manifest = benchmark.manifest
    fitting, fitting_root = fitting_stimulus_set(benchmark)
    place = (manifest["modality"], manifest.get("visual_degrees"), description.get("visual_degrees"))
    stimuli = lay_out_stimuli(benchmark.stimulus_set, benchmark.stimulus_set_path.parent, input_dir, *place)
    fitting_stimuli = lay_out_stimuli(fitting, fitting_root, input_dir, *place, folder=FITTING_FOLDER)
    time_bins = time_bins_for(benchmark, description, who)
    common = (manifest["number_of_trials"], seed, description.get("visual_degrees"))
    if own_probabilities(description):
        labels = {s["stimulus_id"]: s["label"] for s in fitting["stimuli"]}
        task = {"name": "probabilities", "labels": sorted(set(labels.values())),
                "fitting_stimuli": [{**s, "label": labels[s["stimulus_id"]]} for s in fitting_stimuli]}
        return write_request(input_dir, manifest["modality"], stimuli, [], time_bins, *common, task=task)
    # every committed region, so that one run answers every benchmark on these stimuli (activation cache)
    return write_request(input_dir, manifest["modality"], stimuli + fitting_stimuli, sorted(description["regions"]),
                         time_bins, *common)


def read_probabilities(response: dict, request: dict, who: str) -> xr.DataArray:
    """behavior.probabilities as (presentation, choice), after checking every stimulus, label and sum."""
    where = f"{who} response.json#/behavior/probabilities"
    answered = (response.get("behavior") or {}).get("probabilities")
    labels = request["task"]["labels"]
    if not isinstance(answered, dict):
        raise ResponseError(f"{who}: no choice probabilities", [
            Problem(where, "MISSING_BEHAVIOR", "task probabilities was asked but behavior.probabilities is missing",
                    "answer behavior.probabilities[stimulus_id] = {label: p, ...} for every stimulus")])
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    problems = []
    missing = [i for i in ids if i not in answered]
    if missing:
        problems.append(Problem(where, "MISSING_STIMULUS", f"{len(missing)} stimuli have no probabilities, e.g. {missing[0]!r}",
                                "answer every stimulus of the request"))
    values = np.full((len(ids), len(labels)), np.nan)
    for row, stimulus_id in enumerate(ids):
        given = answered.get(stimulus_id)
        if given is None:
            continue
        if sorted(given) != labels:
            problems.append(Problem(f"{where}/{stimulus_id}", "WRONG_LABELS", "the labels differ from the task's",
                                    "give one probability per task label", expected=str(labels), found=str(sorted(given))))
            continue
        values[row] = [given[label] for label in labels]
        total = values[row].sum()
        if not np.isfinite(total) or abs(total - 1) > SUM_TOLERANCE:
            problems.append(Problem(f"{where}/{stimulus_id}", "PROBABILITIES_SUM", f"probabilities sum to {total}",
                                    "normalise each stimulus's probabilities to sum to 1"))
    if problems:
        raise ResponseError(f"{who}: behavioural response breaks the contract", problems[:20])
    return xr.DataArray(values, dims=("presentation", "choice"),
                        coords={"stimulus_id": ("presentation", ids), "choice": ("choice", labels)})


def readout_probabilities(activations: xr.DataArray, fitting: dict, test_ids: list[str]) -> xr.DataArray:
    """Brain-Score's standard readout: StandardScaler + multinomial LogisticRegression(C=1e-3) fitted on the
    fitting stimuli's activations and labels; predicted probabilities for the test stimuli."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    features = activations.mean("time_bin") if "time_bin" in activations.dims else activations
    row = {s: i for i, s in enumerate(features["stimulus_id"].values.tolist())}
    values = np.asarray(features.values, dtype=np.float64)
    fit_ids = [s["stimulus_id"] for s in fitting["stimuli"]]
    x_fit, x_test = values[[row[s] for s in fit_ids]], values[[row[s] for s in test_ids]]
    y_fit = np.array([s["label"] for s in fitting["stimuli"]])
    scaler = StandardScaler().fit(x_fit)
    classifier = LogisticRegression(C=READOUT["C"], max_iter=1000).fit(scaler.transform(x_fit), y_fit)
    probabilities = classifier.predict_proba(scaler.transform(x_test))
    return xr.DataArray(probabilities, dims=("presentation", "choice"),
                        coords={"stimulus_id": ("presentation", test_ids), "choice": ("choice", classifier.classes_.astype(str))})


def model_probabilities(benchmark: Benchmark, request: dict, response: dict, output_dir: Path, who: str) -> tuple[xr.DataArray, dict]:
    """The model's choice probabilities on the test stimuli, and how they were obtained (for the record)."""
    if request["task"] is not None:
        return read_probabilities(response, request, who), {"source": "model", "task": "probabilities"}
    activations = read_activations(output_dir, request, response, benchmark.region, who)
    fitting, _ = fitting_stimulus_set(benchmark)
    test_ids = [s["stimulus_id"] for s in benchmark.stimulus_set["stimuli"]]
    return (readout_probabilities(activations, fitting, test_ids),
            {"source": "readout", "region": benchmark.region, "layer": activations.attrs.get("layer", ""), **READOUT})


def score_behavioral(manifest: dict, trials: xr.DataArray, probabilities: xr.DataArray, readout: dict) -> Outcome:
    """Metric (e.g. I2n) of the probabilities against the per-trial assembly; its ceiling; normalisation by name.

    The raw score's parameters record how the probabilities were obtained (`readout`).
    """
    spec, ceiling_spec = manifest["metric"], manifest["ceiling"]
    raw = metrics.get_metric(spec["name"], **spec["parameters"])(probabilities, trials)
    raw = dataclasses.replace(raw, parameters={**raw.parameters, "readout": readout})
    ceiling = metrics.get_ceiling(ceiling_spec["method"], **ceiling_spec["parameters"])(trials)
    return Outcome(raw, ceiling, metrics.normalize(manifest["normalization"], raw, ceiling))


def score(benchmark: Benchmark, request: dict, response: dict, output_dir: Path, who: str) -> Outcome:
    probabilities, readout = model_probabilities(benchmark, request, response, output_dir, who)
    return score_behavioral(benchmark.manifest, benchmark.recordings(), probabilities, readout)
