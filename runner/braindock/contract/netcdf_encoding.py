"""The netCDF encoding of assemblies (spec/README.md, "netCDF encoding"): how the file stores what the header
schema describes, so that every reader (xarray's defaults, netCDF-C, R's ncdf4) reads the same values.

Checked on the file itself: HDF5 filters (deflate, shuffle and fletcher32 only), no packing, and the dtypes
xarray.open_dataset decodes with its defaults (strings as str, repetition as integers, time bins as numbers).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import Problem

ALLOWED_FILTERS = {1: "deflate (gzip)", 2: "shuffle", 3: "fletcher32"}  # HDF5 filter ids every netCDF-4 reader has
PACKING = ("scale_factor", "add_offset")
STRINGS = {"neural": ("stimulus_id", "neuroid_id", "region", "subject"),
           "behavioral": ("stimulus_id", "subject", "choice", "truth", "distractor", "stimulus_id_1", "stimulus_id_2",
                          "stimulus_id_3")}
INTEGERS = {"neural": ("repetition",), "behavioral": ()}
NUMBERS = {"neural": ("time_bin_start", "time_bin_end"), "behavioral": ()}
TIME_UNITS = ("days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds", "ms", "s")
DATA_KINDS = {"neural": "fiu", "behavioral": "fiuUOSb"}  # neural values are numbers (float32/float64, or integer counts)


def _filters(dataset) -> list[tuple[int, str]]:
    plist = dataset.id.get_create_plist()
    found = []
    for index in range(plist.get_nfilters()):
        code, _, _, name = plist.get_filter(index)
        found.append((int(code), name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)))
    return found


def storage_problems(path: Path) -> list[Problem]:
    """HDF5 filters outside deflate/shuffle/fletcher32 (lzf, szip, blosc, zstd: other readers cannot open them)
    and packed variables (scale_factor/add_offset: xarray would unpack them to other values than stored)."""
    import h5py

    where = str(path)
    problems: list[Problem] = []

    def visit(name, item):
        if not isinstance(item, h5py.Dataset):
            return
        for code, filter_name in _filters(item):
            if code not in ALLOWED_FILTERS:
                problems.append(Problem(f"{where}#/variables/{name}", "NETCDF_FILTER",
                                        f"variable {name!r} is compressed with HDF5 filter {code} ({filter_name or 'unnamed'})",
                                        "write with zlib=True (deflate, complevel 1-9) or no compression: "
                                        "to_netcdf(..., encoding={var: {'zlib': True}})",
                                        expected=", ".join(ALLOWED_FILTERS.values()), found=f"filter {code}"))
        packed = [key for key in PACKING if key in item.attrs]
        if packed:
            problems.append(Problem(f"{where}#/variables/{name}", "NETCDF_PACKED", f"variable {name!r} is packed ({', '.join(packed)})",
                                    "store the values themselves (float32/float64), without scale_factor or add_offset"))

    with h5py.File(path, "r") as handle:
        handle.visititems(visit)
    return problems


def _kind(values: np.ndarray) -> str:
    """numpy kind of the decoded values; object arrays by their first element ('U' str, 'S' bytes)."""
    if values.dtype.kind == "O" and values.size:
        first = values.ravel()[0]
        return "U" if isinstance(first, str) else "S" if isinstance(first, bytes) else "O"
    return values.dtype.kind


def decoded_problems(path: Path, kind: str) -> list[Problem]:
    """Coordinates and data that xarray.open_dataset, with its default decoding, reads as other types than the spec's."""
    where = str(path)
    problems: list[Problem] = []
    try:
        opened = xr.open_dataset(path, engine="h5netcdf")
    except ValueError as exc:  # e.g. time units xarray cannot decode: the file reads only with decoding switched off
        return [Problem(f"{where}#/coords", "NETCDF_DEFAULT_DECODING", f"xarray.open_dataset with its default decoding "
                        f"fails: {str(exc)[:200]}", "store plain values: no time `units` or `calendar` attributes, no "
                        "packing; time bins are plain milliseconds")]
    with opened as dataset:
        variables = dataset.variables
        for name in STRINGS[kind]:
            if name in variables and _kind(np.asarray(variables[name].values)) not in ("U", "O"):
                problems.append(Problem(f"{where}#/coords/{name}", "NETCDF_STRING_ENCODING",
                                        f"{name!r} reads as {variables[name].dtype} ({_kind(np.asarray(variables[name].values))}), not as text",
                                        "store strings as variable-length UTF-8: a numpy str array (dtype '<U…') or "
                                        "object array of str, never bytes", expected="str", found=str(variables[name].dtype)))
        for name in INTEGERS[kind]:
            if name in variables and variables[name].dtype.kind not in "iu":
                problems.append(Problem(f"{where}#/coords/{name}", "NETCDF_DECODED_DTYPE", f"{name!r} reads as {variables[name].dtype}",
                                        "store integers without _FillValue (xarray turns an integer with a fill value into float)",
                                        expected="integer", found=str(variables[name].dtype)))
        for name in NUMBERS[kind]:
            units = str(variables[name].attrs.get("units") or variables[name].encoding.get("units") or "") if name in variables else ""
            if units.split(" ")[0].lower() in TIME_UNITS or " since " in units:
                problems.append(Problem(f"{where}#/coords/{name}", "NETCDF_TIME_UNITS", f"{name!r} has units {units!r}, which "
                                        "netCDF readers may decode as durations or dates", "leave the time bins without a "
                                        "units attribute: they are milliseconds after stimulus onset by the spec", found=units))
            if name in variables and variables[name].dtype.kind not in "iuf":
                problems.append(Problem(f"{where}#/coords/{name}", "NETCDF_DECODED_DTYPE",
                                        f"{name!r} reads as {variables[name].dtype}, not as milliseconds",
                                        "store plain numbers in ms, without a time `units` attribute (xarray decodes "
                                        "'milliseconds' as timedelta) or a calendar", expected="number (ms)", found=str(variables[name].dtype)))
        data = [name for name in dataset.data_vars]
        if len(data) == 1 and dataset[data[0]].dtype.kind not in DATA_KINDS[kind]:
            problems.append(Problem(f"{where}#/data", "NETCDF_DECODED_DTYPE", f"the data read as {dataset[data[0]].dtype}",
                                    "store the values as numbers (float32 or float64; integer counts)", expected="numbers",
                                    found=str(dataset[data[0]].dtype)))
    return problems


def encoding_problems(path: Path, kind: str = "neural") -> list[Problem]:
    """Every way the file's encoding departs from the spec's (empty when the header and values read as specified).
    The caller has already opened the file; a file that does not open is its problem, not this one's."""
    try:
        return storage_problems(Path(path)) + decoded_problems(Path(path), kind)
    except (OSError, ValueError, TypeError, KeyError) as exc:  # unreadable at this level: the open check reports it
        return [Problem(str(path), "UNREADABLE_NETCDF", f"{type(exc).__name__}: {str(exc)[:200]}",
                        "write it with xarray.DataArray.to_netcdf (engine h5netcdf)")]
