"""Behavioural benchmarks without an engine: the request (task or readout), probabilities checks, the readout, I2n."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from braindock import behavior, schemas
from braindock.benchmark import Benchmark
from braindock.engines import ImageInfo
from braindock.errors import ResponseError, ValidationError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import build as simulation_build  # noqa: E402


RECORDER = {"spec_version": "1.0", "identifier": "recorder", "version": "1.0.0", "authors": [{"name": "t"}], "license": "MIT",
            "modality": "image", "regions": {"IT": {"layer": "pixels"}}, "time_bins": [[70, 170]], "visual_degrees": 8,
            "tasks": ["passive"]}
CHOOSER = {**RECORDER, "identifier": "chooser", "regions": {"V1": {"layer": "x"}}, "tasks": ["passive", "probabilities"]}


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Benchmark:
    """A small behavioural export (8 objects x 4 test images, x 5 fitting images) from the simulation."""
    config = json.loads((ROOT / "benchmarks" / "rajalingham2018-i2n" / "benchmark.json").read_text())
    config["stimuli"]["per_category"], config["fitting_stimuli"]["per_category"], config["trials"] = 4, 5, 3000
    root = tmp_path_factory.mktemp("behaviour") / "export"
    simulation_build.build(config, root)
    return Benchmark(ImageInfo("test/behaviour:1", "sha256:" + "0" * 64), "0" * 64, root)


def test_a_recording_model_is_asked_for_fitting_and_test_activations(bench, tmp_path):
    request = behavior.build_request(bench, RECORDER, tmp_path, "model recorder")
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    assert len(ids) == 32 + 40 and ids[:32] == [s["stimulus_id"] for s in bench.stimulus_set["stimuli"]]
    assert request["task"] is None and request["record"]["regions"] == ["IT"]
    assert all((tmp_path / s["path"]).is_file() for s in request["stimuli"])
    assert any(s["path"].startswith("fitting_stimuli/") for s in request["stimuli"])


def test_a_model_with_the_probabilities_task_gets_labels_and_labelled_fitting_stimuli(bench, tmp_path):
    request = behavior.build_request(bench, CHOOSER, tmp_path, "model chooser")
    task = request["task"]
    assert task["name"] == "probabilities" and len(task["labels"]) == 8
    assert len(task["fitting_stimuli"]) == 40 and all(s["label"] in task["labels"] for s in task["fitting_stimuli"])
    assert len(request["stimuli"]) == 32 and request["record"]["regions"] == []
    assert schemas.problems(request, "run-request", "request") == []


def test_a_model_committing_neither_region_nor_task_is_refused(bench, tmp_path):
    with pytest.raises(ValidationError) as caught:
        behavior.build_request(bench, {**RECORDER, "regions": {"V1": {"layer": "x"}}}, tmp_path, "model m")
    assert [p.code for p in caught.value.problems] == ["REGION_NOT_COMMITTED"]


def _answer(request, change=None):
    labels = request["task"]["labels"]
    probabilities = {s["stimulus_id"]: {label: 1 / len(labels) for label in labels} for s in request["stimuli"]}
    if change:
        change(probabilities)
    return {"spec_version": "1.0", "request_id": request["request_id"], "behavior": {"probabilities": probabilities}}


def test_probabilities_are_read_as_presentation_by_choice(bench, tmp_path):
    request = behavior.build_request(bench, CHOOSER, tmp_path, "model chooser")
    read = behavior.read_probabilities(_answer(request), request, "model chooser")
    assert read.dims == ("presentation", "choice") and read.shape == (32, 8)


@pytest.mark.parametrize("change, code", [
    (lambda p: p.pop(next(iter(p))), "MISSING_STIMULUS"),
    (lambda p: p[next(iter(p))].update(extra=0.0), "WRONG_LABELS"),
    (lambda p: p[next(iter(p))].update(cars=0.9), "PROBABILITIES_SUM"),
])
def test_broken_probabilities_are_refused(bench, tmp_path, change, code):
    request = behavior.build_request(bench, CHOOSER, tmp_path, "model chooser")
    with pytest.raises(ResponseError) as caught:
        behavior.read_probabilities(_answer(request, change), request, "model chooser")
    assert code in {p.code for p in caught.value.problems}


def test_standard_readout_scores_features_that_carry_the_object(bench):
    fitting, _ = behavior.fitting_stimulus_set(bench)
    test = bench.stimulus_set["stimuli"]
    entries = test + fitting["stimuli"]
    rng = np.random.default_rng(0)
    onehot = np.array([[e["object_name"] == o for o in sorted({e["object_name"] for e in entries})] for e in entries], float)
    features = np.concatenate([onehot * 3, rng.standard_normal((len(entries), 20))], axis=1)
    activations = xr.DataArray(features[:, :, None], dims=("presentation", "neuroid", "time_bin"),
                               coords={"stimulus_id": ("presentation", [e["stimulus_id"] for e in entries])})
    probabilities = behavior.readout_probabilities(activations, fitting, [e["stimulus_id"] for e in test])
    assert probabilities.shape == (32, 8)
    assert np.allclose(probabilities.sum("choice"), 1)
    best = probabilities["choice"].values[probabilities.values.argmax(axis=1)]
    assert (best == np.array([e["object_name"] for e in test])).mean() > 0.9
    outcome = behavior.score_behavioral(bench.manifest, bench.recordings(), probabilities, {"source": "readout"})
    assert outcome.raw.metric == "i2n" and outcome.ceiled.metric == "r/sqrt(ceiling)"
    assert outcome.raw.parameters["readout"] == {"source": "readout"}
