"""The vision engineering benchmarks without an engine: their recordings are the generator's labels, the robustness
images are the accuracy images corrupted, kind `engineering` scores task label as the behavioural kind does, and the
CNN models' shipped training images are the renderer's own."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from braindock import metrics
from braindock.contract.benchmark import Benchmark
from braindock.curation.validation import validate_benchmark_export
from braindock.errors import UsageError
from braindock.execution.engines import ImageInfo
from braindock.scoring.kinds import kind_of

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import build as simulation_build  # noqa: E402
from simulation import objects  # noqa: E402

IMAGE_MODEL = {"spec_version": "1.0", "identifier": "m", "version": "1.0.0", "authors": [{"name": "t"}], "license": "MIT",
               "modality": "image", "regions": {"IT": {"layer": "x"}}, "time_bins": [[70, 170]], "visual_degrees": 8,
               "tasks": ["passive"]}


def export(name: str, out: Path) -> Benchmark:
    config = json.loads((ROOT / "benchmarks" / name / "benchmark.json").read_text())
    simulation_build.build(config, out / name)
    return Benchmark(ImageInfo(f"test/{name}:1", "sha256:" + "0" * 64), "0" * 64, out / name)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Benchmark]:
    out = tmp_path_factory.mktemp("engineering")
    return {name: export(name, out) for name in ("objects-accuracy", "objects-robustness")}


def answer(ids, choices) -> xr.DataArray:
    return xr.DataArray(np.array(choices, dtype=object), dims=("presentation",), coords={"stimulus_id": ("presentation", list(ids))})


def test_the_exports_are_valid_and_their_truth_is_the_object_each_image_was_rendered_from(exports):
    for benchmark in exports.values():
        assert [p for p in validate_benchmark_export(benchmark.root) if p.severity == "error"] == []
        trials = benchmark.recordings()
        rendered = {s["stimulus_id"]: s["object_name"] for s in benchmark.stimulus_set["stimuli"]}
        assert dict(zip(trials["stimulus_id"].values, trials["truth"].values)) == rendered
        assert (trials["choice"].values == trials["truth"].values).all() and set(trials["subject"].values) == {"generator"}
        manifest = benchmark.manifest
        assert (manifest["kind"], manifest["task"], manifest["ceiling"]["method"], manifest["normalization"]) == ("engineering", "label", "none", "none")


def test_the_generator_scores_one_and_a_constant_answer_scores_chance(exports):
    benchmark = exports["objects-accuracy"]
    trials = benchmark.recordings()
    ids = trials["stimulus_id"].values
    accuracy = metrics.get_metric("accuracy")
    assert accuracy(answer(ids, trials["truth"].values), trials).value == 1.0
    # 40 images of each of the 8 objects (benchmark.json): always naming one object is right on 40 of 320
    assert accuracy(answer(ids, ["boats"] * len(ids)), trials).value == pytest.approx(40 / 320)


def test_the_robustness_images_are_the_accuracy_images_each_noisy_and_blurred(exports):
    clean = {s["stimulus_id"]: s for s in exports["objects-accuracy"].stimulus_set["stimuli"]}
    corrupted = exports["objects-robustness"].stimulus_set["stimuli"]
    assert len(corrupted) == 2 * len(clean)
    for entry in corrupted:
        original = clean[entry["image"]]
        assert entry["stimulus_id"] == f"{entry['image']}-{entry['corruption']}"
        assert {k: entry[k] for k in ("object_name", "rotation", "size", "tx", "ty", "shade")} == \
               {k: original[k] for k in ("object_name", "rotation", "size", "tx", "ty", "shade")}
    assert {e["corruption"] for e in corrupted} == {"noise", "blur"}
    fitting = [json.loads((b.root / "fitting_stimuli" / "stimulus_set.json").read_text()) for b in exports.values()]
    assert fitting[0]["stimuli"] == fitting[1]["stimuli"]  # the readout is fitted on the same clean images


def test_engineering_label_is_scored_like_a_behavioural_task_and_an_unknown_task_is_named(exports, tmp_path):
    benchmark = exports["objects-accuracy"]
    kind = kind_of(benchmark)
    recording = kind.build_request(benchmark, IMAGE_MODEL, tmp_path / "readout", "model m", 0)
    assert recording["task"] is None and recording["record"]["regions"] == ["IT"] and len(recording["stimuli"]) == 320 + 160
    labelling = kind.build_request(benchmark, {**IMAGE_MODEL, "tasks": ["passive", "label"]}, tmp_path / "own", "model m", 0)
    assert labelling["task"]["labels"] == sorted(objects.CATEGORIES) and labelling["record"]["regions"] == []
    assert [p.code for p in kind.problems(benchmark, {**IMAGE_MODEL, "regions": {}}, "model m")] == ["REGION_NOT_COMMITTED"]
    odd = Benchmark(benchmark.image, benchmark.export_digest, benchmark.root)
    odd.__dict__["manifest"] = {**benchmark.manifest, "task": "passive"}
    with pytest.raises(UsageError) as caught:
        kind_of(odd).problems(odd, IMAGE_MODEL, "model m")
    assert caught.value.problems[0].code == "UNKNOWN_TASK" and "'label'" in caught.value.problems[0].message


def test_the_cnn_training_images_are_the_renderers_own():
    shipped = np.load(ROOT / "containers" / "models" / "cnn" / "objects-train.npz")
    images, labels = objects.training_set(100, 7)
    fix = "regenerate with `python3 -m simulation.objects trainset ../containers/models/cnn/objects-train.npz 100 7` from benchmarks/"
    assert list(shipped["categories"]) == list(objects.CATEGORIES) and (shipped["labels"] == labels).all(), fix
    # Pillow versions may round a resized pixel differently; the images must otherwise be the same
    assert np.mean(np.abs(shipped["images"].astype(int) - images)) < 0.5, fix
