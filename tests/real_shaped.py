"""Files shaped like Brain-Score's public MajajHong2015 ones (brainio netCDF + CSV + ZIP), and a catalog of them."""
from __future__ import annotations

import csv
import hashlib
import zipfile
from pathlib import Path

import numpy as np
import xarray as xr
from PIL import Image

OBJECTS = ("animals", "boats", "cars", "chairs", "faces", "fruits", "planes", "tables")
FILES = ("assy_dicarlo_MajajHong2015_public.nc", "image_dicarlo_hvm-public.csv", "image_dicarlo_hvm-public.zip")


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def write_majajhong(folder: Path, per_object: int = 10, repetitions: int = 4, seed: int = 0) -> Path:
    """assy_dicarlo_MajajHong2015_public.nc (legacy image_id, animal, flattened MultiIndex, unnamed time bin
    coordinates as brainio writes them) + image_dicarlo_hvm-public.csv/.zip with 32x32 PNGs."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"{'%040x' % rng.integers(0, 2**62)}" for _ in range(per_object * len(OBJECTS))]
    names = [OBJECTS[i % len(OBJECTS)] for i in range(len(ids))]
    with zipfile.ZipFile(folder / FILES[2], "w") as archive:
        for sid in ids:
            image = Image.fromarray(rng.integers(0, 255, (32, 32), dtype=np.uint8), mode="L")
            path = folder / f"{sid}.png"
            image.save(path)
            archive.write(path, f"{sid}.png")
            path.unlink()
    with open(folder / FILES[1], "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image_id", "filename", "object_name", "category_name", "variation"])
        for sid, name in zip(ids, names):
            writer.writerow([sid, f"{sid}.png", name, name, 6])
    sites = 24
    signal = rng.standard_normal((len(ids), sites)) * 10 + 30
    data = np.concatenate([signal + rng.standard_normal(signal.shape) * 4 for _ in range(repetitions)])[:, :, None]
    assembly = xr.DataArray(
        data.astype(np.float32), dims=("presentation", "neuroid", "time_bin"), name="dicarlo.MajajHong2015.public",
        coords={"image_id": ("presentation", ids * repetitions), "repetition": ("presentation", np.repeat(np.arange(repetitions), len(ids))),
                "object_name": ("presentation", names * repetitions), "variation": ("presentation", [6] * len(ids) * repetitions),
                "neuroid_id": ("neuroid", [f"Chabo_L_M_{i}" for i in range(sites)]),
                "region": ("neuroid", ["V4"] * (sites // 2) + ["IT"] * (sites - sites // 2)),
                "animal": ("neuroid", ["Chabo", "Tito"] * (sites // 2)),
                "time_bin_start": ("time_bin", [70]), "time_bin_end": ("time_bin", [170])})
    assembly.to_netcdf(folder / FILES[0])
    return folder


def write_catalog(folder: Path, path: Path, corrupt: str | None = None) -> Path:
    """A catalog naming the files in `folder` by their real sha1 (or a wrong one for `corrupt`)."""
    rows = [("dicarlo.MajajHong2015.public", "assembly", FILES[0]), ("dicarlo.hvm-public", "stimulus_set_csv", FILES[1]),
            ("dicarlo.hvm-public", "stimulus_set_zip", FILES[2])]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["identifier", "lookup_type", "class", "filename", "sha1", "stimulus_set_identifier"])
        for identifier, kind, filename in rows:
            digest = "0" * 40 if filename == corrupt else sha1(folder / filename)
            writer.writerow([identifier, kind, "", filename, digest, ""])
    return path
