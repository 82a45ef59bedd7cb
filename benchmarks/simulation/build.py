"""Build a simulated benchmark's export folder from its benchmark.json: stimuli, recordings, manifest.

Usage: python3 -m simulation.build BENCHMARK_JSON OUTDIR
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import xarray as xr

from . import hierarchy, neural, objects, scales, textures


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_stimuli(config: dict, out: Path, key: str = "stimuli") -> tuple[list[dict], np.ndarray, np.ndarray, np.ndarray]:
    """Render the object images of config[key] as PNG under out/key; return the stimulus entries, the images
    at 64x64, labels and latents. A spec's `id_prefix` keeps ids distinct from another set's (fitting stimuli).
    A spec's `corruptions` ({name: parameters}, objects.corrupt) saves each rendered image once per corruption
    instead (id `<image>-<name>`), drawn from `corruption_seed` so that the images are those of the same seed."""
    spec = config[key]
    prefix = spec.get("id_prefix", "")
    rng = np.random.default_rng(spec["seed"])
    corruptions = spec.get("corruptions", {})
    corruption_rng = np.random.default_rng(spec.get("corruption_seed", 0))
    folder = out / key
    (folder / "images").mkdir(parents=True, exist_ok=True)
    entries, small, labels, latents = [], [], [], []
    for index in range(spec["per_category"]):
        for label, category in enumerate(objects.CATEGORIES):
            rendered, params = objects.render(category, rng, spec["side"])
            image_id = f"{prefix}{category}_{index:03d}"
            versions = [(f"{image_id}-{name}", objects.corrupt(rendered, name, corruption_rng, **parameters), {"image": image_id, "corruption": name})
                        for name, parameters in corruptions.items()] or [(image_id, rendered, {})]
            for stimulus_id, image, extra in versions:
                path = folder / "images" / f"{stimulus_id}.png"
                image.save(path, optimize=False)
                entries.append({"stimulus_id": stimulus_id, "file": f"images/{stimulus_id}.png", "sha256": sha256(path),
                                "object_name": category, **params, **extra})
                small.append(np.asarray(image.resize((hierarchy.SIDE, hierarchy.SIDE), resample=2), dtype=float) / 255.0)
                labels.append(label)
                latents.append([params["tx"], params["ty"], params["size"], params["rotation"]])
    write_stimulus_set(config, entries, "image", folder, key)
    return entries, np.array(small), np.array(labels), np.array(latents)


def write_texture_stimuli(config: dict, out: Path) -> tuple[list[dict], np.ndarray]:
    """Render textures and their spectrally matched noise as PNG; return the stimulus entries and 64x64 images."""
    spec = config["stimuli"]
    folder = out / "stimuli"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    entries, small = [], []
    for stimulus_id, image, meta in textures.render_set(spec["families"], spec["samples"], spec["seed"], spec["side"]):
        path = folder / "images" / f"{stimulus_id}.png"
        image.save(path, optimize=False)
        entries.append({"stimulus_id": stimulus_id, "file": f"images/{stimulus_id}.png", "sha256": sha256(path), **meta})
        small.append(np.asarray(image.resize((hierarchy.SIDE, hierarchy.SIDE), resample=2), dtype=float) / 255.0)
    write_stimulus_set(config, entries, "image", folder)
    return entries, np.array(small)


def write_stimulus_set(config: dict, entries: list[dict], modality: str, folder: Path, key: str = "stimuli") -> Path:
    spec = config[key]
    stimulus_set = {
        "spec_version": "1.0", "identifier": spec["identifier"], "modality": modality, "license": "MIT",
        "citation": config["citation"], "description": spec["description"], "stimuli": entries,
    }
    path = folder / "stimulus_set.json"
    path.write_text(json.dumps(stimulus_set, indent=1))
    return path


def write_recordings(config: dict, entries: list[dict], stage: np.ndarray, out: Path) -> Path:
    rng = np.random.default_rng(config["seed"])
    gen = config["generative_model"]
    mu = neural.mean_responses(stage, config["neurons"], gen["rank"], rng)
    reps = config["repetitions"]
    data = neural.trials(mu, reps, gen["reliability"], rng)  # (reps, stimuli, neurons)
    n_stimuli, n_neurons = mu.shape
    region = config["region"]
    subjects = config["subjects"]
    recordings = xr.DataArray(
        data.reshape(reps * n_stimuli, n_neurons)[:, :, None].astype(np.float32),
        dims=("presentation", "neuroid", "time_bin"),
        coords={
            "stimulus_id": ("presentation", np.tile([e["stimulus_id"] for e in entries], reps)),
            "repetition": ("presentation", np.repeat(np.arange(reps), n_stimuli)),
            **{key: ("presentation", np.tile([e[key] for e in entries], reps)) for key in config.get("presentation_coords", ["object_name"])},
            "neuroid_id": ("neuroid", [f"{region}_{j:03d}" for j in range(n_neurons)]),
            "region": ("neuroid", [region] * n_neurons),
            "subject": ("neuroid", [subjects[j % len(subjects)] for j in range(n_neurons)]),
            "time_bin_start": ("time_bin", [config["time_bins"][0][0]]),
            "time_bin_end": ("time_bin", [config["time_bins"][0][1]]),
        },
        name="recordings",
        attrs={
            "identifier": config["recordings_identifier"], "species": "Macaca mulatta (simulated)",
            "method": config.get("method", "simulated multi-unit array"), "units": "spikes/s", "license": "MIT",
            "citation": config["citation"], "simulated": 1,
        },
    )
    path = out / "recordings" / "assembly.nc"
    path.parent.mkdir(parents=True, exist_ok=True)
    recordings.to_netcdf(path, engine="h5netcdf", encoding={"recordings": {"zlib": True, "complevel": 4}})
    return path


def stages_for(config: dict, out: Path) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Write the stimuli of a neural benchmark; return their entries and the hierarchy's stages for them."""
    if config.get("generator", "objects") == "textures":
        entries, images = write_texture_stimuli(config, out)
        return entries, hierarchy.texture_features(images)
    entries, images, labels, latents = write_stimuli(config, out)
    return entries, hierarchy.features(images, labels, len(objects.CATEGORIES), latents, seed=config["generative_model"]["hierarchy_seed"])


def build(config: dict, out: Path) -> dict:
    generator = config.get("generator", "objects")
    if generator in ("behavior", "labels", "triplets", "language", "langnet", "accuracy"):
        from importlib import import_module

        return import_module(f".{generator}", __package__).build(config, out)
    out.mkdir(parents=True, exist_ok=True)
    entries, stages = stages_for(config, out)
    assembly = write_recordings(config, entries, stages[config["generative_model"]["stage"]], out)
    stimulus_set = out / "stimuli" / "stimulus_set.json"
    manifest = {
        "spec_version": "1.0",
        **{key: config[key] for key in ("identifier", "version", "kind", "region", "modality", "metric", "ceiling",
                                        "normalization", "time_bins", "visual_degrees", "number_of_trials", "citation",
                                        "description")},
        **({"scale": config["scale"]} if "scale" in config else {}),
        "simulated": True,
        "stimulus_set": {"identifier": config["stimuli"]["identifier"], "path": "stimuli/stimulus_set.json", "sha256": sha256(stimulus_set)},
        "recordings": {"identifier": config["recordings_identifier"], "path": "recordings/assembly.nc", "sha256": sha256(assembly)},
        "generative_model": {
            **config["generative_model"],
            "hierarchy": hierarchy.__doc__.strip(),
            "noise_model": neural.__doc__.strip(),
            **({"stimuli": textures.__doc__.strip()} if generator == "textures" else {}),
            "neurons": config["neurons"], "repetitions": config["repetitions"], "seed": config["seed"],
            "expected_ceiling": config["generative_model"]["reliability"],
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


if __name__ == "__main__":
    # optional third argument: the historical scale to build this benchmark at (simulation/scales.py)
    build(scales.at_scale(json.loads(Path(sys.argv[1]).read_text()), sys.argv[3] if len(sys.argv) > 3 else None), Path(sys.argv[2]))
