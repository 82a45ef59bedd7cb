"""Neural and behavioural assemblies on disk: header against spec/ schemas, then the checks a schema cannot
express: coordinate lengths, NaN/inf in the data, duplicate ids, repetitions, time bins."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import xarray as xr

from ...contract import schemas
from ...contract.assemblies import header, only_variable, open_netcdf
from ...contract.constants import POSITIONS
from ...contract.netcdf_encoding import encoding_problems
from ...errors import Problem
from ..sidecar import TIME_BIN_COORDS, entry, section_of, varies_fix
from .checked import Checked
from .layouts import (
    activations_problem,
    event_coords,
    event_problem,
    group_problems,
    hdf5_groups,
    model_activations,
    probability_matrix,
    probability_problem,
)

NAN_REPORT_LIMIT = 10
BLOCK_ELEMENTS = 1 << 24  # NaN scan reads at most this many values at a time
SCHEMA_OF_KIND = {"neural": "neural-assembly", "behavioral": "behavioral-assembly"}


def required_dims(schema_name: str) -> list[str]:
    """The dims spec/ requires, in order (from `prefixItems` consts or a `const` list)."""
    rule = schemas.schema(schema_name)["properties"]["dims"]
    if "const" in rule:
        return list(rule["const"])
    return [item["const"] for item in rule["prefixItems"]]


def coordinate_dims(schema_name: str) -> dict[str, str]:
    """Required coordinate -> the dim spec/ puts it on (from the on_<dim> refs)."""
    out = {}
    for name, rule in schemas.schema(schema_name)["properties"]["coords"]["properties"].items():
        ref = rule.get("$ref") or next((r["$ref"] for r in rule.get("allOf", []) if "$ref" in r), "")
        if "on_" in ref:
            out[name] = ref.rsplit("on_", 1)[1]
    return out


def _values(coord: xr.DataArray) -> np.ndarray:
    return np.asarray(coord.values).ravel()


def _strings(coord: xr.DataArray) -> list[str]:
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in _values(coord)]


def _dim_problems(array: xr.DataArray, schema_name: str, where: str) -> list[Problem]:
    want, have = required_dims(schema_name), list(array.dims)
    problems = [
        Problem(f"{where}#/dims", "DIM_MISSING", f"dimension {dim!r} is missing", _dim_fix(dim), expected=str(want), found=str(have))
        for dim in want if dim not in have
    ] + [
        Problem(f"{where}#/dims", "DIM_UNEXPECTED", f"dimension {dim!r} is not part of spec/", f"rename it to one of {want} or drop it",
                expected=str(want), found=str(have))
        for dim in have if dim not in want
    ]
    if not problems and have != want:
        problems.append(Problem(f"{where}#/dims", "DIM_ORDER", "dimensions are in another order", f"array.transpose(*{want})",
                                expected=str(want), found=str(have)))
    return problems


def _dim_fix(dim: str) -> str:
    if dim == "time_bin":
        return ("`braindock import brainio` adds a time_bin dimension of one bin; its bounds come from the sidecar's "
                f"`{entry('time_bins', '')}`")
    return f"name the dimension {dim!r} (array.rename({{'old': {dim!r}}}))"


def _improve_fix(problem: Problem, coords_on: dict[str, str], legacy: bool = False) -> Problem:
    """Schema MISSING_FIELD at /coords/X or /attrs/X: say how to add it, naming the sidecar entry only when the
    sidecar schema accepts it (a coordinate that differs item by item gets no constant)."""
    if problem.code != "MISSING_FIELD":
        return problem
    location = problem.where.split("#", 1)[-1]
    parts = location.strip("/").split("/")
    supplied = section_of(problem, coords_on)
    sidecar = f"; or in a --metadata YAML for `braindock import brainio`: `{entry(*supplied)}`" if supplied else ""
    if len(parts) == 2 and parts[0] == "coords" and parts[1] in coords_on:
        name, dim = parts[1], coords_on[parts[1]]
        if name == "repetition":
            fix = "`braindock import brainio` derives it, counting each stimulus_id's presentations in file order (0, 1, ...)"
        elif name == "stimulus_id" and legacy:
            fix = "rename the legacy coordinate: array.rename(image_id='stimulus_id'), or run `braindock import brainio`"
        elif not supplied and name not in TIME_BIN_COORDS:
            fix = varies_fix(name, dim)
        else:
            fix = f"add coordinate {name!r} along {dim!r}: array.assign_coords({name}=({dim!r}, values))" + sidecar
    elif len(parts) == 2 and parts[0] == "attrs":
        fix = f"set attribute {parts[1]!r}: array.attrs[{parts[1]!r}] = ..." + sidecar
    else:
        return problem
    message = f"looked for {parts[0].removesuffix('s')} {parts[1]!r}; not found"
    return Problem(problem.where, problem.code, message, fix, problem.severity, problem.expected, problem.found)


def _coord_length_problems(dataset: xr.Dataset, array: xr.DataArray, coords_on: dict[str, str], where: str) -> list[Problem]:
    """A required coordinate stored in the file along its own dim whose length differs from the data's."""
    problems = []
    for name, dim in coords_on.items():
        if name in array.coords or name not in dataset.variables or dim not in array.sizes:
            continue
        variable = dataset.variables[name]
        if variable.ndim == 1 and variable.size != array.sizes[dim]:
            problems.append(Problem(
                f"{where}#/coords/{name}", "COORD_LENGTH", f"coordinate {name!r} has {variable.size} values, dim {dim!r} has {array.sizes[dim]}",
                f"give {name!r} one value per {dim}", expected=str(array.sizes[dim]), found=str(variable.size)))
    return problems


def _nan_problems(array: xr.DataArray, where: str, out: Checked, kind: str) -> None:
    if array.size == 0:
        return
    if kind == "behavioral" and not np.issubdtype(array.dtype, np.number):
        return  # choices may be labels
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        out.add(Problem(f"{where}#/data", "DATA_NOT_NUMERIC", f"data has dtype {array.dtype}", "store numbers (float32/float64)"))
        return
    if not np.issubdtype(array.dtype, np.floating) and not np.issubdtype(array.dtype, np.complexfloating):
        return
    first = array.dims[0]
    step = max(1, BLOCK_ELEMENTS // max(1, array.size // max(1, array.sizes[first])))
    bad_rows: list[int] = []
    nan_count = inf_count = 0
    for start in range(0, array.sizes[first], step):
        block = np.asarray(array.isel({first: slice(start, start + step)}).values)
        nan_mask, inf_mask = np.isnan(block), np.isinf(block)
        nan_count += int(nan_mask.sum())
        inf_count += int(inf_mask.sum())
        bad = (nan_mask | inf_mask).reshape(block.shape[0], -1).any(axis=1) if block.ndim else np.array([nan_mask or inf_mask])
        bad_rows.extend(int(i) + start for i in np.flatnonzero(bad))
    out.facts["nan_values"] = nan_count
    out.facts["inf_values"] = inf_count
    if not bad_rows:
        return
    ids = _strings(array.coords["stimulus_id"]) if "stimulus_id" in array.coords and array.coords["stimulus_id"].dims == (first,) else None
    labels = Counter(ids[i] if ids else str(i) for i in bad_rows)
    key = "stimulus_id" if ids else first
    for label, count in list(labels.items())[:NAN_REPORT_LIMIT]:
        out.add(Problem(f"{where}#/data [{key}={label}]", "NAN_IN_DATA", f"{count} {first} row(s) hold NaN or inf",
                        "drop or fill these presentations before export (missing recordings are not zeros)"))
    if len(labels) > NAN_REPORT_LIMIT:
        out.add(Problem(f"{where}#/data", "NAN_IN_DATA", f"and {len(labels) - NAN_REPORT_LIMIT} more {key} values with NaN or inf",
                        "drop or fill these presentations before export", found=f"{nan_count} NaN, {inf_count} inf in total"))


def _duplicates(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def check_assembly(path: Path, kind: str = "neural") -> Checked:
    """Every problem of a neural or behavioural netCDF assembly; `stimulus_ids` are those it uses."""
    path = Path(path)
    where = str(path)
    out = Checked()
    schema_name = SCHEMA_OF_KIND[kind]
    coords_on = coordinate_dims(schema_name)
    dataset = open_netcdf(path, lambda p: out.add(ours(p)))
    if dataset is None:
        return out
    out.add(*group_problems(path, hdf5_groups(path)))
    try:
        array = only_variable(dataset, path, out.add)
        if array is None:
            return out
        layout = _layout_problem(array, where)
        if layout is not None:  # another layout: say what it is and the way forward, not a pile of schema errors
            out.add(layout)
            out.facts.update(layout=layout.code.lower(), variable=str(array.name), dims=list(array.dims),
                             sizes={d: int(n) for d, n in array.sizes.items()})
            return out
        try:
            document = header(array)
        except (ValueError, TypeError, OSError, KeyError) as exc:
            out.add(Problem(where, "UNREADABLE_NETCDF", f"could not read the header; the reader said: {type(exc).__name__}: {str(exc)[:200]}",
                            "re-write the file with xarray"))
            return out
        out.facts.update(variable=str(array.name), dims=list(array.dims), sizes=document["sizes"], dtype=str(array.dtype))
        out.columns = set(array.coords)
        dim_problems = _dim_problems(array, schema_name, where)
        found = schemas.problems(document, schema_name, where)
        if dim_problems:
            found = [p for p in found if not p.where.startswith(f"{where}#/dims")]
        out.add(*dim_problems, *(_improve_fix(p, coords_on, "image_id" in array.coords) for p in found))
        out.add(*_coord_length_problems(dataset, array, coords_on, where))
        if "stimulus_id" not in array.coords and "image_id" in array.coords:
            out.add(Problem(f"{where}#/coords/image_id", "LEGACY_COLUMN", "legacy brainio coordinate 'image_id' stands for stimulus_id",
                            "rename it: array.rename(image_id='stimulus_id'), or run `braindock import brainio`", severity="warning"))
        _content_checks(array, kind, where, out)
        _nan_problems(array, where, out, kind)
        out.add(*encoding_problems(path, kind))
    except (OSError, ValueError, RuntimeError, KeyError, TypeError, MemoryError) as exc:  # damaged data blocks
        out.add(Problem(where, "UNREADABLE_NETCDF", f"could not read the data; the reader said: {type(exc).__name__}: {str(exc)[:200]}",
                        "re-write the file with xarray"))
    finally:
        dataset.close()
    return out


def ours(problem: Problem) -> Problem:
    """A reader's failure with our sentence in front of the library's own text."""
    if problem.code != "UNREADABLE_NETCDF":
        return problem
    return Problem(problem.where, problem.code, f"could not open the file as netCDF-4/HDF5; the reader said: {problem.message}",
                   problem.fix, problem.severity, problem.expected, problem.found)


def _layout_problem(array: xr.DataArray, where: str) -> Problem | None:
    if probability_matrix(array):
        return probability_problem(where, array)
    if model_activations(array):
        return activations_problem(where, array)
    names = event_coords(array)
    if names is not None:
        return event_problem(where, names, array)
    return None


def _content_checks(array: xr.DataArray, kind: str, where: str, out: Checked) -> None:
    coords = array.coords
    if "stimulus_id" in coords and coords["stimulus_id"].ndim == 1:
        ids = _strings(coords["stimulus_id"])
        empty = sum(1 for v in ids if not v or v == "nan")
        if empty:
            out.add(Problem(f"{where}#/coords/stimulus_id", "EMPTY_VALUE", f"{empty} stimulus_id values are empty or NaN",
                            "give every presentation the id of its stimulus"))
        out.stimulus_ids = {v for v in ids if v and v != "nan"}
        counts = Counter(ids)
        out.facts.update(stimuli=len(counts), presentations=len(ids))
        if kind == "neural" and counts:
            if "repetition" in coords and coords["repetition"].dims == coords["stimulus_id"].dims:
                pairs = list(zip(ids, _strings(coords["repetition"])))
                dupes = [p for p, n in Counter(pairs).items() if n > 1]
                for sid, rep in dupes[:NAN_REPORT_LIMIT]:
                    out.add(Problem(f"{where}#/coords/repetition [stimulus_id={sid}]", "DUPLICATE_PRESENTATION",
                                    f"repetition {rep} of {sid!r} appears more than once",
                                    "number the repetitions of each stimulus 0, 1, 2, ... (split-half ceilings split by repetition)",
                                    severity="warning"))
            fewest, most = min(counts.values()), max(counts.values())
            out.facts.update(repetitions_min=fewest, repetitions_max=most)
            if fewest < 2:
                once = sum(1 for n in counts.values() if n < 2)
                out.add(Problem(f"{where}#/coords/stimulus_id", "REPETITIONS_TOO_FEW_FOR_CEILING",
                                f"{once} of {len(counts)} stimuli were presented fewer than 2 times; a split-half ceiling needs >= 2",
                                "include every repetition (not trial averages), or choose a ceiling that does not split repetitions",
                                severity="warning", found=f"min {fewest}, max {most} repetitions"))
    triplet = POSITIONS
    if kind == "behavioral" and all(name in coords and coords[name].ndim == 1 for name in triplet):
        out.stimulus_ids = {v for name in triplet for v in _strings(coords[name]) if v and v != "nan"}
        out.facts.update(stimuli=len(out.stimulus_ids), presentations=array.sizes.get("presentation", 0))
    if kind == "neural":
        if "neuroid_id" in coords and coords["neuroid_id"].ndim == 1:
            for dup in _duplicates(_strings(coords["neuroid_id"]))[:NAN_REPORT_LIMIT]:
                out.add(Problem(f"{where}#/coords/neuroid_id [neuroid_id={dup}]", "DUPLICATE_NEUROID_ID",
                                f"neuroid_id {dup!r} names more than one neuroid", "give every neuroid its own id"))
        if "region" in coords:
            out.facts["regions"] = sorted(set(_strings(coords["region"])))
        if "subject" in coords:
            out.facts["subjects"] = len(set(_strings(coords["subject"])))
        if "time_bin_start" in coords and "time_bin_end" in coords and coords["time_bin_start"].shape == coords["time_bin_end"].shape:
            starts, ends = _values(coords["time_bin_start"]), _values(coords["time_bin_end"])
            if np.issubdtype(starts.dtype, np.number) and np.issubdtype(ends.dtype, np.number):
                for i, (s, e) in enumerate(zip(starts, ends)):
                    if not s < e:
                        out.add(Problem(f"{where}#/coords/time_bin_end [time_bin={i}]", "BAD_TIME_BIN",
                                        f"time bin {i} ends ({e}) before or when it starts ({s})", "time_bin_end must be > time_bin_start (ms)"))
                out.facts["time_bins"] = [[float(s), float(e)] for s, e in zip(starts[:20], ends[:20])]
            else:
                out.add(Problem(f"{where}#/coords/time_bin_start", "WRONG_TYPE", "time bin bounds must be numbers (ms)",
                                "store time_bin_start/end as integers or floats in milliseconds"))
    else:
        for name in ("choice", "truth", "subject"):
            if name in coords and coords[name].ndim == 1:
                empty = sum(1 for v in _strings(coords[name]) if not v or v == "nan")
                if empty:
                    out.add(Problem(f"{where}#/coords/{name}", "EMPTY_VALUE", f"{empty} trials have no {name}",
                                    f"drop those trials or record their {name}"))
        if "subject" in coords:
            out.facts["subjects"] = len(set(_strings(coords["subject"])))
