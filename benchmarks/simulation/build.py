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

from . import hierarchy, neural, objects


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_stimuli(config: dict, out: Path) -> tuple[list[dict], np.ndarray, np.ndarray, np.ndarray]:
    """Render the object images as PNG; return the stimulus entries, the images at 64x64, labels and latents."""
    spec = config["stimuli"]
    rng = np.random.default_rng(spec["seed"])
    folder = out / "stimuli"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    entries, small, labels, latents = [], [], [], []
    for index in range(spec["per_category"]):
        for label, category in enumerate(objects.CATEGORIES):
            image, params = objects.render(category, rng, spec["side"])
            stimulus_id = f"{category}_{index:03d}"
            path = folder / "images" / f"{stimulus_id}.png"
            image.save(path, optimize=False)
            entries.append({"stimulus_id": stimulus_id, "file": f"images/{stimulus_id}.png", "sha256": sha256(path),
                            "object_name": category, **params})
            small.append(np.asarray(image.resize((hierarchy.SIDE, hierarchy.SIDE), resample=2), dtype=float) / 255.0)
            labels.append(label)
            latents.append([params["tx"], params["ty"], params["size"], params["rotation"]])
    stimulus_set = {
        "spec_version": "1.0", "identifier": spec["identifier"], "modality": "image", "license": "MIT",
        "citation": config["citation"], "description": spec["description"], "stimuli": entries,
    }
    (folder / "stimulus_set.json").write_text(json.dumps(stimulus_set, indent=1))
    return entries, np.array(small), np.array(labels), np.array(latents)


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
            "object_name": ("presentation", np.tile([e["object_name"] for e in entries], reps)),
            "neuroid_id": ("neuroid", [f"{region}_{j:03d}" for j in range(n_neurons)]),
            "region": ("neuroid", [region] * n_neurons),
            "subject": ("neuroid", [subjects[j % len(subjects)] for j in range(n_neurons)]),
            "time_bin_start": ("time_bin", [config["time_bins"][0][0]]),
            "time_bin_end": ("time_bin", [config["time_bins"][0][1]]),
        },
        name="recordings",
        attrs={
            "identifier": config["recordings_identifier"], "species": "Macaca mulatta (simulated)",
            "method": "simulated multi-unit array", "units": "spikes/s", "license": "MIT",
            "citation": config["citation"], "simulated": 1,
        },
    )
    path = out / "recordings" / "assembly.nc"
    path.parent.mkdir(parents=True, exist_ok=True)
    recordings.to_netcdf(path, engine="h5netcdf", encoding={"recordings": {"zlib": True, "complevel": 4}})
    return path


def build(config: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    entries, images, labels, latents = write_stimuli(config, out)
    stages = hierarchy.features(images, labels, len(objects.CATEGORIES), latents, seed=config["generative_model"]["hierarchy_seed"])
    assembly = write_recordings(config, entries, stages[config["generative_model"]["stage"]], out)
    stimulus_set = out / "stimuli" / "stimulus_set.json"
    manifest = {
        "spec_version": "1.0",
        **{key: config[key] for key in ("identifier", "version", "kind", "region", "modality", "metric", "ceiling",
                                        "normalization", "time_bins", "visual_degrees", "number_of_trials", "citation",
                                        "description")},
        "simulated": True,
        "stimulus_set": {"identifier": config["stimuli"]["identifier"], "path": "stimuli/stimulus_set.json", "sha256": sha256(stimulus_set)},
        "recordings": {"identifier": config["recordings_identifier"], "path": "recordings/assembly.nc", "sha256": sha256(assembly)},
        "generative_model": {
            **config["generative_model"],
            "hierarchy": hierarchy.__doc__.strip(),
            "noise_model": neural.__doc__.strip(),
            "neurons": config["neurons"], "repetitions": config["repetitions"], "seed": config["seed"],
            "expected_ceiling": config["generative_model"]["reliability"],
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


if __name__ == "__main__":
    build(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
