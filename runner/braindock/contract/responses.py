"""Read a model container's response and check it against the request it answers, stimulus by stimulus."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import Problem, ResponseError
from . import schemas


def _ids(ids: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _inside(root: Path, relative: str) -> Path | None:
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def read_response(output_dir: Path, request: dict, who: str) -> dict:
    """response.json, validated against spec/v1/run-response and matched to the request's id."""
    path = output_dir / "response.json"
    if not path.exists():
        raise ResponseError(f"{who}: wrote no response", [
            Problem(f"{who} /output/response.json", "NO_RESPONSE", "response.json is missing", "write /output/response.json before exiting 0 (spec/README.md)")
        ])
    response = schemas.load_json(path, "run-response", f"{who} response.json", ResponseError)
    if response["request_id"] != request["request_id"]:
        raise ResponseError(f"{who}: response answers another request", [
            Problem(f"{who} response.json#/request_id", "WRONG_REQUEST_ID", "request_id differs from the request's",
                    "copy request_id from the request", expected=request["request_id"], found=response["request_id"])
        ])
    return response


def read_activations(output_dir: Path, request: dict, response: dict, region: str, who: str) -> xr.DataArray:
    """The region's activations as (presentation, neuroid, time_bin), after checking every contract rule."""
    where = f"{who} response.json#/activations/{region}"
    entry = response.get("activations", {}).get(region)
    if entry is None:
        raise ResponseError(f"{who}: no activations for region {region}", [
            Problem(where, "MISSING_REGION", f"region {region!r} was requested but not answered",
                    "add it under activations", found=str(sorted(response.get("activations", {}))))
        ])
    requested = [s["stimulus_id"] for s in request["stimuli"]]
    answered = entry["stimulus_ids"]
    problems = []
    missing = [i for i in requested if i not in set(answered)]
    extra = [i for i in answered if i not in set(requested)]
    duplicated = [i for i, n in Counter(answered).items() if n > 1]
    if missing:
        problems.append(Problem(f"{where}/stimulus_ids", "MISSING_STIMULUS", f"{len(missing)} requested stimulus_id(s) not answered: {_ids(missing)}",
                                "answer every stimulus in the request exactly once"))
    if extra:
        problems.append(Problem(f"{where}/stimulus_ids", "UNKNOWN_STIMULUS", f"stimulus_id(s) not in the request: {_ids(extra)}", "answer only the requested stimuli"))
    if duplicated:
        problems.append(Problem(f"{where}/stimulus_ids", "DUPLICATE_STIMULUS", f"answered more than once: {_ids(duplicated)}", "answer each stimulus once"))
    if not problems and answered != requested:
        first = next(k for k, (a, b) in enumerate(zip(answered, requested)) if a != b)
        problems.append(Problem(f"{where}/stimulus_ids/{first}", "WRONG_ORDER", "stimuli are not in request order",
                                "write rows in the order of the request's stimuli", expected=repr(requested[first]), found=repr(answered[first])))
    if entry["time_bins"] != request["record"]["time_bins"]:
        problems.append(Problem(f"{where}/time_bins", "WRONG_TIME_BINS", "time bins differ from the request's",
                                "report the requested time bins", expected=str(request["record"]["time_bins"]), found=str(entry["time_bins"])))
    file = _inside(output_dir, entry["file"])
    if file is None:
        problems.append(Problem(f"{where}/file", "PATH_ESCAPES_OUTPUT", f"{entry['file']!r} points outside /output", "write files inside /output"))
        raise ResponseError(f"{who}: response for {region} breaks the contract", problems)
    try:
        array = np.load(file, allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError) as exc:
        problems.append(Problem(f"{where}/file", "BAD_NPY", f"{entry['file']}: {exc}", "write with numpy.save (.npy v1-3, no pickles)"))
        raise ResponseError(f"{who}: response for {region} breaks the contract", problems) from None
    expected_shape = f"({len(requested)}, neuroids, {len(request['record']['time_bins'])})"
    if array.dtype != np.float32:
        problems.append(Problem(f"{where}/file", "WRONG_DTYPE", f"{entry['file']} is {array.dtype}", "save float32 (astype(numpy.float32))", expected="float32", found=str(array.dtype)))
    if array.ndim != 3 or array.shape[0] != len(answered) or array.shape[2] != len(entry["time_bins"]) or array.shape[1] < 1:
        problems.append(Problem(f"{where}/file", "WRONG_SHAPE", f"{entry['file']} has shape {array.shape}",
                                "shape is (stimuli, neuroids, time_bins), stimuli in request order", expected=expected_shape, found=str(array.shape)))
    elif "neuroid_ids" in entry and len(entry["neuroid_ids"]) != array.shape[1]:
        problems.append(Problem(f"{where}/neuroid_ids", "COORD_LENGTH", "neuroid_ids does not match the array's neuroids",
                                "give one id per column or leave neuroid_ids out", expected=str(array.shape[1]), found=str(len(entry["neuroid_ids"]))))
    if problems:
        raise ResponseError(f"{who}: response for {region} breaks the contract", problems)
    values = np.asarray(array, dtype=np.float32)
    bad_rows = ~np.isfinite(values).reshape(len(answered), -1).all(axis=1)
    if bad_rows.any():
        bad = [answered[i] for i in np.flatnonzero(bad_rows)]
        raise ResponseError(f"{who}: activations for {region} hold NaN or inf", [
            Problem(f"{where}/file", "NAN_IN_ACTIVATIONS", f"non-finite values for stimulus_id(s) {_ids(bad)}", "check the model for division by zero or overflow")
        ])
    neuroid_ids = entry.get("neuroid_ids") or [f"{region}.{entry.get('layer', 'unit')}.{k}" for k in range(values.shape[1])]
    bins = entry["time_bins"]
    return xr.DataArray(
        values,
        dims=("presentation", "neuroid", "time_bin"),
        coords={
            "stimulus_id": ("presentation", answered),
            "neuroid_id": ("neuroid", neuroid_ids),
            "region": ("neuroid", [region] * values.shape[1]),
            "time_bin_start": ("time_bin", [b[0] for b in bins]),
            "time_bin_end": ("time_bin", [b[1] for b in bins]),
        },
        attrs={"layer": entry.get("layer", "")},
    )
