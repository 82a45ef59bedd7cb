"""The virtual experiment (benchmarks/simulation/virtual.py) in-process: it is the benchmark's own population, normalised
by the benchmark's own stimulus set, so a stimulus's mean response does not depend on the set it is shown in."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from pools import generate  # noqa: E402
from simulation import build, langnet, virtual  # noqa: E402


def small(name: str, **stimuli) -> dict:
    config = json.loads((BENCHMARKS / name / "benchmark.json").read_text())
    config["stimuli"].update(stimuli)
    return config


@pytest.fixture(scope="module", params=[("majajhong2015-it", {"per_category": 6}), ("freemanziemba2013-v1", {"samples": 2})],
                ids=["IT-objects", "V1-textures"])
def simulated(request, tmp_path_factory):
    name, stimuli = request.param
    config = small(name, **stimuli)
    folder = tmp_path_factory.mktemp(name)
    build.build(config, folder / "export")
    (folder / "benchmark.json").write_text(json.dumps(config))
    pool = generate.generate("textures" if config.get("generator") == "textures" else "objects", folder / "pool", 12)
    return folder, pool.parent


def request_for(folder: Path, stimulus_set: dict, root: Path, seed: int = 0) -> Path:
    """A run request (stimuli laid out under folder/input), as the runner writes it."""
    sys.path.insert(0, str(BENCHMARKS.parent / "runner"))
    from braindock.contract.run_request import lay_out_stimuli, write_request

    input_dir = folder / "input"
    stimuli = lay_out_stimuli(stimulus_set, root, input_dir, "image", 8, 8)
    write_request(input_dir, "image", stimuli, ["IT"], [[70, 170]], 1, seed, 8)
    return input_dir / "request.json"


def means(folder: Path, stimulus_set: dict, root: Path, work: Path) -> dict[str, np.ndarray]:
    """Noise-free mean responses of the benchmark's population to the set's stimuli, by stimulus_id."""
    manifest = json.loads((folder / "export" / "manifest.json").read_text())
    config = json.loads((folder / "benchmark.json").read_text())
    own_set = json.loads((folder / "export" / "stimuli" / "stimulus_set.json").read_text())
    own = [virtual.load_image(folder / "export" / "stimuli" / e["file"]) for e in own_set["stimuli"]]
    new = [virtual.load_image(root / e["file"]) for e in stimulus_set["stimuli"]]
    facts = lambda e: {k: e[k] for k in ("object_name", *virtual.LATENTS) if k in e}  # noqa: E731
    meta = [facts(e) for e in own_set["stimuli"]] + [{**facts(e), **t} for e, (_, t) in zip(stimulus_set["stimuli"], new)]
    images = np.array([p for p, _ in own] + [p for p, _ in new])
    gen = manifest["generative_model"]
    _, mu = virtual.mean_responses(virtual.stage(config, gen, images, meta, len(own)), len(own), gen)
    return dict(zip((e["stimulus_id"] for e in stimulus_set["stimuli"]), mu))


def test_own_stimuli_get_the_benchmarks_own_means(simulated, tmp_path):
    """Shown the benchmark's own stimuli, the virtual brain's means are those its recordings were drawn around:
    the recordings' repetition average correlates with them as the declared reliability says (not with noise)."""
    folder, _ = simulated
    own_root = folder / "export" / "stimuli"
    own_set = json.loads((own_root / "stimulus_set.json").read_text())
    mu = means(folder, own_set, own_root, tmp_path)
    recordings = xr.open_dataarray(folder / "export" / "recordings" / "assembly.nc").load()
    averaged = recordings.mean("time_bin").groupby("stimulus_id").mean()
    manifest = json.loads((folder / "export" / "manifest.json").read_text())
    rho = manifest["generative_model"]["reliability"]
    r = [np.corrcoef(averaged.sel(stimulus_id=list(mu)).values[:, j], np.array(list(mu.values()))[:, j])[0, 1]
         for j in range(averaged.sizes["neuroid"])]
    # r(mean of n trials, true mean) = sqrt(reliability of the mean) = sqrt(rho) in expectation
    assert abs(np.median(r) - np.sqrt(rho)) < 0.08


def test_a_stimulus_mean_does_not_depend_on_its_set(simulated, tmp_path):
    folder, pool = simulated
    pool_set = json.loads((pool / "stimulus_set.json").read_text())
    half = {**pool_set, "stimuli": pool_set["stimuli"][:4]}
    alone = means(folder, half, pool, tmp_path)
    together = means(folder, pool_set, pool, tmp_path)
    for stimulus_id, value in alone.items():
        np.testing.assert_allclose(value, together[stimulus_id], rtol=1e-9, atol=1e-9)
    spread = np.array(list(together.values())).std(axis=0)
    assert (spread > 0.5).all()  # new stimuli are not all at the mean


def test_record_writes_trials_with_the_benchmarks_noise(simulated, tmp_path):
    folder, pool = simulated
    pool_set = json.loads((pool / "stimulus_set.json").read_text())
    request = request_for(tmp_path, pool_set, pool, seed=3)
    (tmp_path / "out").mkdir()
    path = virtual.record(request, tmp_path / "out", export=folder / "export", config_path=folder / "benchmark.json")
    recorded = xr.open_dataarray(path).load()
    manifest = json.loads((folder / "export" / "manifest.json").read_text())
    gen = manifest["generative_model"]
    assert recorded.sizes["presentation"] == gen["repetitions"] * len(pool_set["stimuli"])
    assert recorded.sizes["neuroid"] == gen["neurons"]
    mu = means(folder, pool_set, pool, tmp_path)
    first = recorded.isel(presentation=(recorded["stimulus_id"] == pool_set["stimuli"][0]["stimulus_id"]).values)
    residual = first.values[:, :, 0] - mu[pool_set["stimuli"][0]["stimulus_id"]][None]
    own = json.loads((folder / "export" / "manifest.json").read_text())
    assert abs(residual.mean()) < residual.std()  # noise centred on the means
    assert residual.std() > 0  # with trial noise, not the means alone
    assert own["identifier"]


def test_a_real_or_language_benchmark_cannot_record(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "manifest.json").write_text(json.dumps({"identifier": "real.X", "kind": "neural", "modality": "image"}))
    (tmp_path / "benchmark.json").write_text("{}")
    with pytest.raises(virtual.CannotRecord, match="cannot record new stimuli"):
        virtual.record(tmp_path / "request.json", tmp_path, export=export, config_path=tmp_path / "benchmark.json")


def test_a_sentence_benchmark_records_its_own_network(tmp_path):
    """Shown its own sentences, a langnet `sentences` benchmark's virtual brain gives exactly the noise-free means its
    recordings were drawn around (langnet.responses at reliability 1); a pool sentence's means do not depend on its set."""
    config = small("tuckute2024-drive", conditions={"grammatical": 6, "scrambled": 6, "nonwords": 6})
    manifest = build.build(config, tmp_path / "export")
    own = json.loads((tmp_path / "export" / "stimuli" / "stimulus_set.json").read_text())
    shown = lambda entries: {"stimuli": [{"text": e["text"]} for e in entries]}  # noqa: E731
    mine, again, *_ = virtual.language_population(config, manifest, tmp_path / "export", tmp_path / "request.json", shown(own["stimuli"]))
    features, n_semantic = langnet.stage([{"words": e["words"].split()} for e in own["stimuli"]], config["generative_model"]["shares"])
    noiseless = {**config, "generative_model": {**config["generative_model"], "reliability": 1.0}}
    np.testing.assert_allclose(mine, langnet.responses(noiseless, features, n_semantic)[0], atol=1e-9)
    np.testing.assert_allclose(again, mine, atol=1e-9)
    pool = json.loads(generate.generate("sentences", tmp_path / "pool", 12).read_text())["stimuli"]
    _, together, *_ = virtual.language_population(config, manifest, tmp_path / "export", tmp_path / "request.json", shown(pool))
    _, alone, *_ = virtual.language_population(config, manifest, tmp_path / "export", tmp_path / "request.json", shown(pool[:3]))
    np.testing.assert_allclose(alone, together[:3], atol=1e-9)
    assert (together.std(axis=0) > 0.1).all()  # new sentences are not all at the mean


def test_a_sentence_benchmark_with_fewer_sentences_than_stage_features_records(tmp_path):
    """Six sentences, far fewer than the stage's features: the linear map is probed in blocks, and shown its own
    sentences the virtual brain still gives exactly its noise-free means."""
    config = small("tuckute2024-drive", conditions={"grammatical": 2, "scrambled": 2, "nonwords": 2})
    manifest = build.build(config, tmp_path / "export")
    own = json.loads((tmp_path / "export" / "stimuli" / "stimulus_set.json").read_text())
    features, n_semantic = langnet.stage([{"words": e["words"].split()} for e in own["stimuli"]], config["generative_model"]["shares"])
    assert features.shape[1] > len(own["stimuli"])
    mine, *_ = virtual.language_population(config, manifest, tmp_path / "export", tmp_path / "request.json",
                                           {"stimuli": [{"text": e["text"]} for e in own["stimuli"]]})
    noiseless = {**config, "generative_model": {**config["generative_model"], "reliability": 1.0}}
    np.testing.assert_allclose(mine, langnet.responses(noiseless, features, n_semantic)[0], atol=1e-9)
