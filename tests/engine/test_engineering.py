"""Vision engineering benchmarks end to end with real containers: accuracy of the CNN family's checkpoints and of pixels
on held-out simulated objects, robustness (the same images noisy and blurred) lowering it, and check-benchmark on them."""
from __future__ import annotations

import pytest
from braindock import pipeline
from braindock.checks import Status
from braindock.checks.benchmark_suite import check_benchmark
from braindock.commands.build import build_images
from braindock.config import load_settings

pytestmark = pytest.mark.engine

ACCURACY = "braindock/benchmark-objects-accuracy:1.0.0"
ROBUSTNESS = "braindock/benchmark-objects-robustness:1.0.0"
UNTRAINED, TRAINED = "braindock/model-cnn-epoch0:1.0.0", "braindock/model-cnn-epoch16:1.0.0"
PIXELS = "braindock/model-pixels:1.0.0"
CHANCE = 1 / 8  # 8 objects, 40 test images each (benchmarks/objects-accuracy/benchmark.json)


@pytest.fixture(scope="module")
def images(engine):
    """Only the images these tests score (a no-op when they are built)."""
    build_images(load_settings(), tags=(ACCURACY, ROBUSTNESS, UNTRAINED, TRAINED, PIXELS), quiet=True)


@pytest.fixture(scope="module")
def scores(images, engine, tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("engineering") / "home")
    pairs = [(UNTRAINED, ACCURACY), (TRAINED, ACCURACY), (PIXELS, ACCURACY), (TRAINED, ROBUSTNESS)]
    return {pair: pipeline.score(*pair, settings, engine) for pair in pairs}


def test_accuracy_is_a_fraction_and_training_lifts_it_above_chance_and_epoch_0(scores):
    for record in scores.values():
        assert 0.0 <= record.result["score"] <= 1.0 and record.result["ceiling"] == 1.0
        assert record.inputs["metric"]["name"] == "accuracy" and record.inputs["normalization"]["name"] == "none"
    untrained, trained = scores[(UNTRAINED, ACCURACY)].result, scores[(TRAINED, ACCURACY)].result
    assert trained["score"] - 2 * trained["error"] > CHANCE
    assert trained["score"] - untrained["score"] > 2 * (trained["error"] + untrained["error"])


def test_models_that_list_label_answer_it_themselves(scores):
    for model in (UNTRAINED, TRAINED, PIXELS):
        record = scores[(model, ACCURACY)]
        assert record.inputs["metric"]["parameters"]["readout"]["source"] == "model"
        assert record.inputs["model"]["layer"] == "behavior.label"


def test_noise_and_blur_lower_the_trained_checkpoints_accuracy(scores):
    clean, corrupted = scores[(TRAINED, ACCURACY)].result, scores[(TRAINED, ROBUSTNESS)].result
    assert clean["score"] - corrupted["score"] > 2 * (clean["error"] + corrupted["error"])


@pytest.mark.parametrize("image", [ACCURACY, ROBUSTNESS])
def test_check_benchmark_passes_and_skips_the_stimulus_blind_control_a_task_score_has_no_zero_for(images, engine, settings, image):
    report = check_benchmark(engine, settings, image)
    assert {r.check: r.status for r in report.results if r.status is not Status.PASSED} == {"shuffled_control_near_zero": Status.SKIPPED}
    assert "chance" in report.by_check()["shuffled_control_near_zero"].reason
