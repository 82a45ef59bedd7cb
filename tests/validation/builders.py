"""Small, valid datasets written from scratch, which tests then break one way at a time."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import xarray as xr
from PIL import Image


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_images(folder: Path, ids: list[str], size=(8, 6)) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, sid in enumerate(ids):
        name = f"{sid}.png"
        Image.new("RGB", size, (i * 20 % 256, 0, 0)).save(folder / name)
        names.append(name)
    return names


def write_stimulus_set(folder: Path, ids: list[str], **extra) -> Path:
    """stimulus_set.json + PNGs in `folder`; each stimulus gets a `category` column."""
    names = write_images(folder / "images", ids)
    stimuli = [
        {"stimulus_id": sid, "file": f"images/{name}", "sha256": sha256(folder / "images" / name), "category": f"c{i % 2}"}
        for i, (sid, name) in enumerate(zip(ids, names))
    ]
    document = {"spec_version": "1.0", "identifier": "test-stimuli", "modality": "image", "license": "CC-BY-4.0",
                "citation": "Doe 2024", "stimuli": stimuli, **extra}
    path = folder / "stimulus_set.json"
    path.write_text(json.dumps(document, indent=1))
    return path


def neural_array(ids: list[str], repetitions: int = 2, neuroids: int = 4, **attrs) -> xr.DataArray:
    rng = np.random.default_rng(0)
    stim = [sid for _ in range(repetitions) for sid in ids]
    reps = [r for r in range(repetitions) for _ in ids]
    data = rng.normal(size=(len(stim), neuroids, 1)).astype("float32")
    array = xr.DataArray(
        data, dims=("presentation", "neuroid", "time_bin"),
        coords={
            "stimulus_id": ("presentation", stim), "repetition": ("presentation", reps),
            "neuroid_id": ("neuroid", [f"n{i}" for i in range(neuroids)]),
            "region": ("neuroid", ["IT"] * neuroids), "subject": ("neuroid", ["m1"] * neuroids),
            "time_bin_start": ("time_bin", [70]), "time_bin_end": ("time_bin", [170]),
        },
        name="data",
    )
    array.attrs.update({"identifier": "test-recordings", "species": "Macaca mulatta", "method": "multi-unit array",
                        "units": "spikes/s", "license": "CC-BY-4.0", "citation": "Doe 2024", **attrs})
    return array


def write_netcdf(array: xr.DataArray, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    array.to_dataset(name=array.name or "data", promote_attrs=True).to_netcdf(path, engine="h5netcdf")
    return path


def behavioral_array(ids: list[str]) -> xr.DataArray:
    trials = [sid for sid in ids for _ in range(3)]
    choices = ["a" if i % 2 else "b" for i in range(len(trials))]
    array = xr.DataArray(
        np.array(choices, dtype=object).astype(str), dims=("presentation",),
        coords={"stimulus_id": ("presentation", trials), "subject": ("presentation", ["s1"] * len(trials)),
                "choice": ("presentation", choices), "truth": ("presentation", ["a"] * len(trials))},
        name="choice_data",
    )
    array.attrs.update({"identifier": "test-behaviour", "species": "Homo sapiens", "method": "MTurk",
                        "license": "CC-BY-4.0", "citation": "Doe 2024"})
    return array


def write_manifest(folder: Path, stimulus_set: Path, recordings: Path, **overrides) -> Path:
    manifest = {
        "spec_version": "1.0", "identifier": "Test.IT-pls", "version": "1.0.0", "kind": "neural",
        "region": "IT", "modality": "image",
        "metric": {"name": "neural_predictivity", "parameters": {"stratify_by": "category"}},
        "ceiling": {"method": "internal_consistency", "parameters": {}}, "normalization": "r/ceiling",
        "stimulus_set": {"identifier": "test-stimuli", "path": stimulus_set.relative_to(folder).as_posix(), "sha256": sha256(stimulus_set)},
        "recordings": {"identifier": "test-recordings", "path": recordings.relative_to(folder).as_posix(), "sha256": sha256(recordings)},
        "number_of_trials": 2, "citation": "Doe 2024", "visual_degrees": 8,
    }
    manifest.update(overrides)
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=1))
    return path


def write_export(folder: Path, ids=("s0", "s1", "s2", "s3"), array: xr.DataArray | None = None, **overrides) -> Path:
    """A complete, valid neural benchmark export in `folder`."""
    ids = list(ids)
    stimulus_set = write_stimulus_set(folder / "stimuli", ids)
    recordings = write_netcdf(array if array is not None else neural_array(ids), folder / "recordings.nc")
    write_manifest(folder, stimulus_set, recordings, **overrides)
    return folder


# spike times: (stimulus_id, repetition, neuroid_id, ms)
SPIKES = [("a", 0, "n1", 80.0), ("a", 0, "n1", 100.0), ("a", 0, "n2", 200.0), ("b", 1, "n2", 75.0),
          ("a", 1, "n1", 169.9), ("b", 0, "n1", 170.0), ("b", 0, "n1", 300.0)]


def event_assembly(path):
    """A brainio-style spike-time assembly (data = spike times along `event`) with an HDF5 group beside it."""
    sids, reps, neuroids, times = zip(*SPIKES)
    region = ["IT" if n == "n1" else "V4" for n in neuroids]
    xr.DataArray(np.array(times), dims="event", name="spike_time",
                 coords={"stimulus_id": ("event", list(sids)), "repetition": ("event", list(reps)),
                         "neuroid_id": ("event", list(neuroids)), "region": ("event", region)}).to_netcdf(path, engine="h5netcdf")
    xr.Dataset({"stimulus_file": ("stimulus", ["a.png", "b.png"])}).to_netcdf(path, group="stimulus_set", mode="a", engine="h5netcdf")
    return path
