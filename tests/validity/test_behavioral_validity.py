"""The label and odd-one-out benchmarks tell models apart: the generating model scores near the ceiling through
the runner's own readouts, a model with shuffled features scores near zero, and the odd-one-out ceiling is the
one the generating probabilities imply."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from braindock.contract.benchmark import Benchmark
from braindock.execution.engines import ImageInfo
from braindock.scoring import behavioral as behavior
from braindock.scoring import readouts

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import behavior as simulated_behavior
from simulation import build as simulation_build
from simulation import ground_truth
from simulation import objects as simulated_objects

pytestmark = pytest.mark.slow


def export(tmp_path_factory, folder: str) -> Benchmark:
    root = tmp_path_factory.mktemp(folder) / "export"
    simulation_build.build(json.loads((ROOT / "benchmarks" / folder / "benchmark.json").read_text()), root)
    return Benchmark(ImageInfo(f"validity/{folder}:1", "sha256:" + "2" * 64), "2" * 64, root)


def activations(ids: list[str], features: np.ndarray) -> xr.DataArray:
    return xr.DataArray(features, dims=("presentation", "neuroid"), coords={"stimulus_id": ("presentation", ids)})


def shuffled(features: np.ndarray) -> np.ndarray:
    return features[np.random.default_rng(0).permutation(len(features))]


def test_odd_one_out_ranks_the_generating_stage_above_shuffled_features(tmp_path_factory):
    bench = export(tmp_path_factory, "hebart2023-odd-one-out")
    ids, stages = ground_truth.stages(bench.root)
    triplets = behavior.triplets(bench.recordings())
    ceiled = {}
    for name, features in (("IT", stages["IT"]), ("shuffled IT", shuffled(stages["IT"]))):
        answer = readouts.readout_odd_one_out(activations(ids, features), triplets)
        outcome = behavior.score_behavioral(bench.manifest, bench.recordings(), answer, {"source": "readout"})
        ceiled[name] = outcome.ceiled.value
    facts = bench.manifest["generative_model"]
    assert outcome.ceiling.value == pytest.approx(facts["expected_ceiling"], abs=0.02)
    assert ceiled["IT"] > 0.8 and abs(ceiled["shuffled IT"]) < 0.15, ceiled


def test_error_consistency_ranks_one_more_simulated_subject_above_errors_placed_at_random(tmp_path_factory):
    bench = export(tmp_path_factory, "geirhos2021-error-consistency")
    config = json.loads((ROOT / "benchmarks" / "geirhos2021-error-consistency" / "benchmark.json").read_text())
    fitting, _ = behavior.fitting_stimulus_set(bench)
    ids, stages = ground_truth.fitting_and_test_stages(bench.root)
    entries = fitting["stimuli"] + bench.stimulus_set["stimuli"]
    labels = np.array([simulated_objects.CATEGORIES.index(e["object_name"]) for e in entries])
    latents = np.array([[e["tx"], e["ty"], e["size"], e["rotation"]] for e in entries])
    logits = simulated_behavior.logits(config, stages["IT"], labels, latents, len(fitting["stimuli"]))
    names = np.array(simulated_objects.CATEGORIES)
    p = simulated_behavior.softmax(logits)
    draw = (p.cumsum(axis=1) < np.random.default_rng(7).random((len(p), 1))).sum(axis=1)  # one more subject
    truth = names[labels[len(fitting["stimuli"]):]]
    errors = names[draw] != truth
    random_errors = shuffled(errors)  # same accuracy, errors on other images
    test_ids = ids[len(fitting["stimuli"]):]
    ceiled = {}
    for name, wrong in (("one more subject", errors), ("random errors", random_errors)):
        answer = np.where(wrong, np.where(truth == names[0], names[1], names[0]), truth)
        choices = xr.DataArray(answer.astype(object), dims=("presentation",), coords={"stimulus_id": ("presentation", test_ids)})
        outcome = behavior.score_behavioral(bench.manifest, bench.recordings(), choices, {"source": "model"})
        ceiled[name] = outcome.ceiled.value
    assert ceiled["one more subject"] > 0.7 and abs(ceiled["random errors"]) < 0.25, ceiled
