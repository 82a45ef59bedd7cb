"""Virtual experiment: the declared generative model of a simulated neural benchmark, recording new stimuli.

`record REQUEST [OUT]` (entry.py) reads a run request (the format a model receives; stimuli under the request's
folder) and writes OUT/recordings.nc: (presentation, neuroid, time_bin) single trials of the benchmark's own
population (same seeds, same neurons), with its own repetitions and trial-noise SD. New stimuli are placed in the
benchmark's feature space: every z-score of the hierarchy and of the neurons' drive uses the mean and SD of the
benchmark's own stimulus set, never of the new set, so a stimulus gets the same mean response whichever set it
comes in. Object benchmarks whose stage reads category and pose (V4, IT) need them in each PNG's text chunks
(object_name, tx, ty, size, rotation), as benchmarks/pools writes them. Language-network benchmarks of the
`sentences` design (langnet) record sentences (the request's `text`) the same way, one presentation each.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import xarray as xr
from PIL import Image

from . import hierarchy, langnet, language, neural, objects

EXPORT = Path("/benchmark/export")
CONFIG = Path("/benchmark/benchmark.json")
LATENTS = ("tx", "ty", "size", "rotation")  # build.write_stimuli's order


class CannotRecord(Exception):
    """This benchmark (or this request) has no virtual experiment; the message says why."""


def load_image(path: Path) -> tuple[np.ndarray, dict]:
    """An image at the hierarchy's 64x64 in [0, 1] (as build.py analyses its own), and its PNG text chunks."""
    with Image.open(path) as image:
        text = dict(getattr(image, "text", {}) or {})
        pixels = np.asarray(image.convert("L").resize((hierarchy.SIDE, hierarchy.SIDE), resample=2), dtype=float) / 255.0
    return pixels, text


@contextmanager
def zscore_as(module, function):
    """The module's _zscore replaced by `function` for a while (the generative code itself, with other statistics)."""
    original = module._zscore
    module._zscore = function
    try:
        yield
    finally:
        module._zscore = original


def by_reference(rows: int):
    """z-scores with the mean and SD of the first `rows` stimuli (the benchmark's own set)."""
    return lambda m: (m - m[:rows].mean(0)) / (m[:rows].std(0) + 1e-9)


def _object_facts(metadata: list[dict], needed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Category labels and latents (tx, ty, size, rotation) of each stimulus; zeros when the stage does not read them."""
    labels, latents = [], []
    for index, meta in enumerate(metadata):
        if needed and (meta.get("object_name") not in objects.CATEGORIES or any(k not in meta for k in LATENTS)):
            raise CannotRecord(f"stimulus {index}: this benchmark's stage reads object category and pose, and the image does not "
                               f"carry them (PNG text object_name in {list(objects.CATEGORIES)}, {', '.join(LATENTS)}); "
                               "generate the pool with benchmarks/pools/generate.py objects")
        labels.append(objects.CATEGORIES.index(meta["object_name"]) if needed else 0)
        latents.append([float(meta[k]) for k in LATENTS] if needed else [0.0] * len(LATENTS))
    return np.array(labels), np.array(latents)


def stage(config: dict, gen: dict, images: np.ndarray, metadata: list[dict], reference: int) -> np.ndarray:
    """The generative stage for `images` (the first `reference` rows are the benchmark's own stimuli)."""
    with zscore_as(hierarchy, by_reference(reference)):
        if config.get("generator", "objects") == "textures":
            return hierarchy.texture_features(images)[gen["stage"]]
        labels, latents = _object_facts(metadata, gen["stage"] in ("V4", "IT"))
        return hierarchy.features(images, labels, len(objects.CATEGORIES), latents, seed=gen["hierarchy_seed"])[gen["stage"]]


def mean_responses(features: np.ndarray, reference: int, gen: dict) -> tuple[np.ndarray, np.ndarray]:
    """(benchmark's own means, new stimuli's means) of the benchmark's population.

    neural.mean_responses z-scores each neuron's drive over the stimuli it is given; a neuron's mean is affine in
    its drive, so the population drawn for all rows maps onto the one drawn for the reference rows alone (the
    benchmark's, same seed) by one affine map per neuron, fitted exactly on the reference rows.
    """
    own = neural.mean_responses(features[:reference], gen["neurons"], gen["rank"], np.random.default_rng(gen["seed"]))
    pooled = neural.mean_responses(features, gen["neurons"], gen["rank"], np.random.default_rng(gen["seed"]))
    slope = own.std(0) / pooled[:reference].std(0)
    return own, own.mean(0) + slope * (pooled[reference:] - pooled[:reference].mean(0))


def image_population(config: dict, manifest: dict, export: Path, request_path: Path, request: dict) -> tuple:
    """(own means, new means, neuroid ids, subjects, repetitions) of a simulated V1/V2/V4/IT benchmark."""
    gen = manifest["generative_model"]
    own_set = json.loads((export / manifest["stimulus_set"]["path"]).read_text())
    own_root = (export / manifest["stimulus_set"]["path"]).parent
    loaded = [load_image(own_root / e["file"]) for e in own_set["stimuli"]]
    own_meta = [{k: e.get(k) for k in ("object_name", *LATENTS)} for e in own_set["stimuli"]]
    new = [load_image(request_path.parent / s["path"]) for s in request["stimuli"]]
    images = np.array([pixels for pixels, _ in loaded] + [pixels for pixels, _ in new])
    reference = len(loaded)
    own, mu = mean_responses(stage(config, gen, images, own_meta + [text for _, text in new], reference), reference, gen)
    region, subjects = manifest["region"], config["subjects"]
    ids = [f"{region}_{j:03d}" for j in range(mu.shape[1])]
    return own, mu, ids, [subjects[j % len(subjects)] for j in range(mu.shape[1])], gen["repetitions"]


def language_population(config: dict, manifest: dict, export: Path, request_path: Path, request: dict) -> tuple:
    """(own means, new means, neuroid ids, subjects, 1) of a langnet `sentences` benchmark.

    A voxel's mean is a linear map of the stage, z-scored over the benchmark's sentences and scaled to `signal`.
    The map is read off langnet.responses itself, probed with unit rows (z-score off, noise off), on as many rows as
    the benchmark has, so its random draws follow the benchmark's own sequence (in blocks when the stage has more
    features than the benchmark has sentences).
    """
    gen = config["generative_model"]
    own_set = json.loads((export / manifest["stimulus_set"]["path"]).read_text())
    sentences = [{"words": e["words"].split()} for e in own_set["stimuli"]]
    sentences += [{"words": language.words(s.get("text") or (request_path.parent / s["path"]).read_text())} for s in request["stimuli"]]
    reference = len(own_set["stimuli"])
    with zscore_as(langnet, by_reference(reference)):
        features, n_semantic = langnet.stage(sentences, gen["shares"])
    width = features.shape[1]
    noiseless = {**config, "generative_model": {**gen, "reliability": 1.0, "signal": 1.0}}
    blocks = []
    for start in range(0, width, reference):  # fewer sentences than stage features: probe the features in blocks
        rows = min(reference, width - start)
        probe = np.zeros((reference, width))
        probe[np.arange(rows), start + np.arange(rows)] = 1.0
        with zscore_as(langnet, lambda m: m):
            linear, subjects = langnet.responses(noiseless, probe, n_semantic)
        blocks.append(linear[:rows])
    means = features @ np.concatenate(blocks)
    means = by_reference(reference)(means) * gen["signal"]
    per = config["neuroids_per_subject"]
    ids = [f"{subjects[j]}.{config['neuroid_name']}_{j % per:03d}" for j in range(len(subjects))]
    return means[:reference], means[reference:], ids, subjects, 1


def population(config: dict, manifest: dict):
    """The function recording this benchmark's population, or CannotRecord saying why there is none."""
    generator = config.get("generator", "objects")
    if manifest.get("simulated") and manifest.get("kind", "neural") == "neural":
        if manifest["modality"] == "image" and generator in ("objects", "textures"):
            return image_population
        if generator == "langnet" and config.get("design") == "sentences":
            return language_population
    raise CannotRecord(f"{manifest['identifier']} cannot record new stimuli: only simulated neural benchmarks of object or "
                       "texture images, or of sentences (langnet), have a virtual experiment")


def record(request_path: Path, out: Path, export: Path = EXPORT, config_path: Path = CONFIG) -> Path:
    """Write out/recordings.nc: the population's single trials for the request's stimuli."""
    manifest = json.loads((export / "manifest.json").read_text())
    config = json.loads(config_path.read_text())
    record_population = population(config, manifest)
    request = json.loads(request_path.read_text())
    own, mu, neuroid_ids, subjects, repetitions = record_population(config, manifest, export, request_path, request)
    reliability = manifest["generative_model"]["reliability"]
    sigma = np.sqrt(repetitions * own.var(axis=0) * (1.0 / reliability - 1.0))  # the benchmark's own trial noise
    rng = np.random.default_rng([int(request["seed"]), int(request["request_id"], 16)])
    data = mu[None] + rng.standard_normal((repetitions,) + mu.shape) * sigma
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    bins = request["record"]["time_bins"][0]
    recordings = xr.DataArray(
        data.reshape(repetitions * len(ids), len(neuroid_ids))[:, :, None].astype(np.float32),
        dims=("presentation", "neuroid", "time_bin"),
        coords={
            "stimulus_id": ("presentation", np.tile(ids, repetitions)),
            "repetition": ("presentation", np.repeat(np.arange(repetitions), len(ids))),
            "neuroid_id": ("neuroid", neuroid_ids),
            "region": ("neuroid", [manifest["region"]] * len(neuroid_ids)),
            "subject": ("neuroid", subjects),
            "time_bin_start": ("time_bin", [bins[0]]),
            "time_bin_end": ("time_bin", [bins[1]]),
        },
        name="recordings",
        attrs={"identifier": f"{manifest['recordings']['identifier']}.virtual", "license": "MIT",
               "citation": manifest["citation"], "simulated": 1, "virtual": 1, "request_id": request["request_id"]},
    )
    path = out / "recordings.nc"
    recordings.to_netcdf(path, engine="h5netcdf", encoding={"recordings": {"zlib": True, "complevel": 4}})
    return path


def main(arguments: list[str]) -> None:
    """`record REQUEST [OUT]`: exits with the reason (not a traceback) when this benchmark or request cannot be recorded."""
    try:
        record(Path(arguments[0]), Path(arguments[1] if len(arguments) > 1 else "/output"))
    except CannotRecord as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main(sys.argv[1:])
