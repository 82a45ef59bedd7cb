"""What a path holds, from its name and (for netCDF and JSON) a look inside."""
from __future__ import annotations

import json
from pathlib import Path

from ...errors import Problem, UsageError

KINDS = ("stimulus-csv", "stimulus-set", "neural", "behavioral", "manifest", "model", "export")
NETCDF_SUFFIXES = {".nc", ".nc4", ".netcdf", ".h5", ".hdf5"}


def _netcdf_kind(path: Path) -> str:
    import xarray as xr

    try:
        with xr.open_dataset(path, engine="h5netcdf", decode_times=False) as dataset:
            variables = list(dataset.data_vars.values())
            coords = set(dataset.variables)
            dims = tuple(variables[0].dims) if len(variables) == 1 else ()
    except Exception:  # noqa: BLE001 -- damaged file: validate it as neural, where the reader reports UNREADABLE_NETCDF
        return "neural"
    if dims == ("presentation",) or "choice" in dims or {"truth", "choice"} <= coords:
        return "behavioral"
    return "neural"


def _json_kind(path: Path) -> str | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    if "stimuli" in document:
        return "stimulus-set"
    if {"metric", "recordings", "ceiling"} & set(document):
        return "manifest"
    if {"regions", "tasks", "time_bins", "authors"} & set(document):
        return "model"
    return None


def detect_kind(path: Path) -> str:
    """One of KINDS; a UsageError (listing --kind choices) when it cannot tell."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path} does not exist", [Problem(str(path), "FILE_NOT_FOUND", "no such file or folder", "check the path")])
    if path.is_dir():
        if (path / "manifest.json").is_file():
            return "export"
        if (path / "stimulus_set.json").is_file():
            return "stimulus-set"
        csvs = sorted(path.glob("*.csv"))
        if len(csvs) == 1:
            return "stimulus-csv"
        raise _cannot_tell(path, "a folder without manifest.json, stimulus_set.json or exactly one .csv")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "stimulus-csv"
    if suffix in NETCDF_SUFFIXES:
        return _netcdf_kind(path)
    if suffix == ".json":
        if path.name == "manifest.json":
            return "manifest"
        if path.name == "stimulus_set.json":
            return "stimulus-set"
        kind = _json_kind(path)
        if kind:
            return kind
        if path.stat().st_size == 0:
            raise _cannot_tell(path, "an empty JSON file")
    raise _cannot_tell(path, f"a file named {path.name!r}")


def _cannot_tell(path: Path, what: str) -> UsageError:
    return UsageError(f"cannot tell what {path} holds", [Problem(
        str(path), "UNKNOWN_KIND", f"{what}", f"pass --kind, one of: {', '.join(KINDS)}")])
