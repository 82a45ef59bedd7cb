"""Labelled assemblies on disk (netCDF): read the header for schema validation, load the data as xarray."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import xarray as xr

from ..errors import Problem, ValidationError


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def open_netcdf(path: Path, report: Callable[[Problem], None]) -> xr.Dataset | None:
    """The file as a lazy xarray Dataset, or None after reporting why it cannot be read (never raises)."""
    try:
        if path.stat().st_size == 0:
            report(Problem(str(path), "EMPTY_FILE", "file is empty", "write the assembly with DataArray.to_netcdf"))
            return None
        return xr.open_dataset(path, engine="h5netcdf", decode_times=False)
    except Exception as exc:  # h5py/xarray raise many unrelated types for a damaged file: report it, never crash
        report(Problem(str(path), "UNREADABLE_NETCDF", f"{type(exc).__name__}: {str(exc)[:200]}",
                       "write it with xarray.DataArray.to_netcdf (netCDF4/HDF5, engine h5netcdf)"))
        return None


def only_variable(dataset: xr.Dataset, path: Path, report: Callable[[Problem], None]) -> xr.DataArray | None:
    """The dataset's one data variable, carrying the dataset's attributes; None (reported) when there is not one."""
    names = list(dataset.data_vars)
    if len(names) != 1:
        report(Problem(f"{path}#/data_vars", "DATA_VARIABLES", f"expected exactly one data variable, found {len(names)}: {names[:10]}",
                       "keep one variable (the recordings); store other per-presentation values as coordinates"))
        return None
    array = dataset[names[0]]
    array.attrs = {**dataset.attrs, **array.attrs}
    return array


def open_dataarray(path: Path) -> xr.DataArray:
    """The one data variable of a netCDF file, lazily; ValidationError with the located reason otherwise."""
    problems: list[Problem] = []
    dataset = open_netcdf(Path(path), problems.append)
    array = only_variable(dataset, Path(path), problems.append) if dataset is not None else None
    if array is None:
        raise ValidationError(f"{path} cannot be read as an assembly", problems)
    return array


def header(array: xr.DataArray) -> dict[str, Any]:
    """The JSON shape spec/v1/neural-assembly and behavioral-assembly validate: dims, sizes, coords, attrs."""
    coords = {}
    for name, coord in array.coords.items():
        entry: dict[str, Any] = {"dims": list(coord.dims), "dtype": str(coord.dtype)}
        if name == "region":  # small, and its values are constrained by the schema
            entry["values"] = sorted({str(v) for v in np.ravel(coord.values)})
        coords[name] = entry
    return {
        "dims": list(array.dims),
        "sizes": {dim: int(size) for dim, size in array.sizes.items()},
        "coords": coords,
        "attrs": {key: _jsonable(value) for key, value in array.attrs.items()},
    }


def load_neural(path: Path) -> xr.DataArray:
    """Recordings as (presentation, neuroid, time_bin) float DataArray, fully in memory."""
    return open_dataarray(path).load()


def join_stimulus_columns(recordings: xr.DataArray, stimuli: list[dict[str, Any]], columns: list[str]) -> xr.DataArray:
    """`recordings` with each of `columns` it lacks taken from the stimulus set (joined on stimulus_id) as a presentation
    coordinate, when every recorded stimulus has it: a benchmark may keep per-stimulus metadata in either place."""
    columns = [c for c in columns if c not in recordings.coords]
    if not columns or "stimulus_id" not in recordings.coords or recordings["stimulus_id"].dims != ("presentation",):
        return recordings  # e.g. triplet trials: no stimulus_id per presentation to join on
    by_id = {s["stimulus_id"]: s for s in stimuli}
    recorded = [by_id.get(i, {}) for i in recordings["stimulus_id"].values.tolist()]
    joined = {c: ("presentation", np.asarray([s[c] for s in recorded])) for c in columns if all(c in s for s in recorded)}
    return recordings.assign_coords(joined) if joined else recordings


def average_repetitions(recordings: xr.DataArray) -> xr.DataArray:
    """Mean over repetitions and time bins: one row per stimulus_id, (presentation, neuroid).

    Presentation coordinates that are constant within a stimulus (e.g. object_name) are kept.
    """
    collapsed = recordings.mean("time_bin") if "time_bin" in recordings.dims else recordings
    keep = [
        name for name, coord in collapsed.coords.items()
        if coord.dims == ("presentation",) and name not in ("stimulus_id", "repetition")
    ]
    frame = collapsed.coords.to_dataset()[["stimulus_id", *keep]].to_dataframe()
    per_stimulus = frame.groupby("stimulus_id", sort=False).first()
    means = collapsed.drop_vars([*keep, "repetition"], errors="ignore").groupby("stimulus_id").mean("presentation")
    means = means.rename(stimulus_id="presentation").assign_coords(
        stimulus_id=("presentation", means["stimulus_id"].values)
    )
    for name in keep:
        means = means.assign_coords({name: ("presentation", per_stimulus.loc[means["stimulus_id"].values, name].values)})
    return means.transpose("presentation", "neuroid")
