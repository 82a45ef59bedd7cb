"""Behavioural benchmarks without an engine: the request (task or readout), probabilities checks, the readout, I2n."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from braindock.contract import schemas, task_answers
from braindock.contract.benchmark import Benchmark
from braindock.errors import ResponseError, ValidationError
from braindock.scoring.kinds import KINDS
from braindock.execution.engines import ImageInfo
from braindock.scoring import behavioral as behavior
from braindock.scoring import readouts

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import build as simulation_build

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
        KINDS["behavioral"].check(bench, {**RECORDER, "regions": {"V1": {"layer": "x"}}}, "model m")
    assert [p.code for p in caught.value.problems] == ["REGION_NOT_COMMITTED"]


def _answer(request, change=None):
    labels = request["task"]["labels"]
    probabilities = {s["stimulus_id"]: {label: 1 / len(labels) for label in labels} for s in request["stimuli"]}
    if change:
        change(probabilities)
    return {"spec_version": "1.0", "request_id": request["request_id"], "behavior": {"probabilities": probabilities}}


def test_probabilities_are_read_as_presentation_by_choice(bench, tmp_path):
    request = behavior.build_request(bench, CHOOSER, tmp_path, "model chooser")
    read = task_answers.read_probabilities(_answer(request), request, "model chooser")
    assert read.dims == ("presentation", "choice") and read.shape == (32, 8)


@pytest.mark.parametrize("change, code", [
    (lambda p: p.pop(next(iter(p))), "MISSING_STIMULUS"),
    (lambda p: p[next(iter(p))].update(extra=0.0), "WRONG_LABELS"),
    (lambda p: p[next(iter(p))].update(cars=0.9), "PROBABILITIES_SUM"),
])
def test_broken_probabilities_are_refused(bench, tmp_path, change, code):
    request = behavior.build_request(bench, CHOOSER, tmp_path, "model chooser")
    with pytest.raises(ResponseError) as caught:
        task_answers.read_probabilities(_answer(request, change), request, "model chooser")
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
    probabilities = readouts.readout_probabilities(activations, fitting, [e["stimulus_id"] for e in test])
    assert probabilities.shape == (32, 8)
    assert np.allclose(probabilities.sum("choice"), 1)
    best = probabilities["choice"].values[probabilities.values.argmax(axis=1)]
    assert (best == np.array([e["object_name"] for e in test])).mean() > 0.9
    outcome = behavior.score_behavioral(bench.manifest, bench.recordings(), probabilities, {"source": "readout"})
    assert outcome.raw.metric == "i2n" and outcome.ceiled.metric == "r/sqrt(ceiling)"
    assert outcome.raw.parameters["readout"] == {"source": "readout"}


# ---------------------------------------------------------------------------------------- label and odd_one_out
LABELLER = {**RECORDER, "identifier": "labeller", "regions": {}, "tasks": ["passive", "label", "odd_one_out"]}


def _export(tmp_path_factory, folder: str, shrink) -> Benchmark:
    config = json.loads((ROOT / "benchmarks" / folder / "benchmark.json").read_text())
    shrink(config)
    root = tmp_path_factory.mktemp(folder) / "export"
    simulation_build.build(config, root)
    return Benchmark(ImageInfo(f"test/{folder}:1", "sha256:" + "1" * 64), "1" * 64, root)


@pytest.fixture(scope="module")
def labels_bench(tmp_path_factory) -> Benchmark:
    def shrink(config):
        config["stimuli"]["per_category"], config["fitting_stimuli"]["per_category"], config["subjects"] = 4, 3, 4
    return _export(tmp_path_factory, "geirhos2021-error-consistency", shrink)


@pytest.fixture(scope="module")
def triplets_bench(tmp_path_factory) -> Benchmark:
    def shrink(config):
        config["stimuli"]["per_category"], config["triplets"], config["repeats"] = 2, 40, 3
    return _export(tmp_path_factory, "hebart2023-odd-one-out", shrink)


def test_a_labelling_model_gets_the_label_task_with_labels_and_fitting_stimuli(labels_bench, tmp_path):
    request = behavior.build_request(labels_bench, LABELLER, tmp_path, "model labeller")
    assert request["task"]["name"] == "label" and len(request["task"]["labels"]) == 8
    assert len(request["task"]["fitting_stimuli"]) == 24 and len(request["stimuli"]) == 32
    assert schemas.problems(request, "run-request", "request") == []


def test_label_answers_are_checked_stimulus_by_stimulus(labels_bench, tmp_path):
    request = behavior.build_request(labels_bench, LABELLER, tmp_path, "model labeller")
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    choices = {i: "cars" for i in ids}
    read = task_answers.read_choices({"behavior": {"choices": choices}}, request, "m")
    assert read.dims == ("presentation",) and list(read["stimulus_id"].values) == ids
    broken = {**{i: "cars" for i in ids[1:]}, ids[2]: "zebras"}
    with pytest.raises(ResponseError) as caught:
        task_answers.read_choices({"behavior": {"choices": broken}}, request, "m")
    problems = {p.code: p.where for p in caught.value.problems}
    assert set(problems) == {"MISSING_STIMULUS", "UNKNOWN_LABEL"} and problems["UNKNOWN_LABEL"].endswith(f"/choices/{ids[2]}")


def test_the_label_readout_and_error_consistency_score_a_model_that_knows_the_objects(labels_bench):
    fitting, _ = behavior.fitting_stimulus_set(labels_bench)
    test = labels_bench.stimulus_set["stimuli"]
    entries = test + fitting["stimuli"]
    objects = sorted({e["object_name"] for e in entries})
    onehot = np.array([[e["object_name"] == o for o in objects] for e in entries], float)
    features = np.concatenate([onehot * 3, np.random.default_rng(0).standard_normal((len(entries), 10))], axis=1)
    activations = xr.DataArray(features[:, :, None], dims=("presentation", "neuroid", "time_bin"),
                               coords={"stimulus_id": ("presentation", [e["stimulus_id"] for e in entries])})
    choices = readouts.readout_choices(activations, fitting, [e["stimulus_id"] for e in test])
    assert (choices.values == np.array([e["object_name"] for e in test])).mean() > 0.9
    outcome = behavior.score_behavioral(labels_bench.manifest, labels_bench.recordings(), choices, {"source": "readout"})
    assert outcome.raw.metric == "error_consistency" and outcome.ceiling.metric == "error_consistency_humans"
    assert outcome.raw.per_split.size == 4  # one kappa per subject, kept


def test_a_model_performing_odd_one_out_gets_the_recorded_triplets_once_each(triplets_bench, tmp_path):
    request = behavior.build_request(triplets_bench, LABELLER, tmp_path, "model labeller")
    triplets = request["task"]["triplets"]
    assert len(triplets) == 40 and len({frozenset(t) for t in triplets}) == 40
    assert {i for t in triplets for i in t} <= {s["stimulus_id"] for s in request["stimuli"]}
    assert "fitting_stimuli" not in request["task"] and schemas.problems(request, "run-request", "request") == []


def test_odd_one_out_answers_must_be_one_per_triplet_and_inside_it(triplets_bench, tmp_path):
    request = behavior.build_request(triplets_bench, LABELLER, tmp_path, "model labeller")
    triplets = request["task"]["triplets"]
    read = task_answers.read_odd_one_out({"behavior": {"odd_one_out": [t[0] for t in triplets]}}, request, "m")
    assert read.dims == ("triplet",) and list(read["stimulus_id_2"].values) == [t[1] for t in triplets]
    with pytest.raises(ResponseError) as caught:
        task_answers.read_odd_one_out({"behavior": {"odd_one_out": [t[0] for t in triplets[1:]]}}, request, "m")
    assert [p.code for p in caught.value.problems] == ["WRONG_COUNT"]
    outside = [t[0] for t in triplets]
    outside[3] = next(i for i in (s["stimulus_id"] for s in request["stimuli"]) if i not in triplets[3])
    with pytest.raises(ResponseError) as caught:
        task_answers.read_odd_one_out({"behavior": {"odd_one_out": outside}}, request, "m")
    assert [(p.code, p.where.rsplit("#", 1)[1]) for p in caught.value.problems] == [("NOT_IN_TRIPLET", "/behavior/odd_one_out/3")]


def test_a_recording_model_gets_the_dot_product_readout_on_odd_one_out(triplets_bench, tmp_path):
    request = behavior.build_request(triplets_bench, RECORDER, tmp_path, "model recorder")
    assert request["task"] is None and request["record"]["regions"] == ["IT"]
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    features = np.eye(len(ids))  # orthogonal features: every pair equally (un)alike -> ties -> the first member
    activations = xr.DataArray(features[:, :, None], dims=("presentation", "neuroid", "time_bin"),
                               coords={"stimulus_id": ("presentation", ids)})
    triplets = behavior.triplets(triplets_bench.recordings())
    answer = readouts.readout_odd_one_out(activations, triplets)
    assert list(answer.values) == [t[0] for t in triplets]
    outcome = behavior.score_behavioral(triplets_bench.manifest, triplets_bench.recordings(), answer, {"source": "readout"})
    assert outcome.ceiled.metric == "(r-1/3)/(ceiling-1/3)"
    assert outcome.ceiled.value == pytest.approx((outcome.raw.value - 1 / 3) / (outcome.ceiling.value - 1 / 3))
