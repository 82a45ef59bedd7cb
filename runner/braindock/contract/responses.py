"""Read a model container's response and check it against the request it answers, stimulus by stimulus.

Only response.json and the files it names are read; /output must hold nothing else, and less than the output quota.
"""
from __future__ import annotations

import json
import os
import stat
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


VALID_PATH = "a path relative to /output such as 'IT.npy' or 'activations/IT.npy': no leading '/', no '..' part"
MAX_OUTPUT_FILES = 10_000


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _listing(output_dir: Path) -> dict[str, os.stat_result]:
    """Every entry under `output_dir` (not followed if a link), by its POSIX path relative to it; stops past MAX_OUTPUT_FILES."""
    found = {}
    for root, dirs, files in os.walk(output_dir):
        for name in dirs + files:
            path = Path(root, name)
            found[path.relative_to(output_dir).as_posix()] = path.lstat()
            if len(found) > MAX_OUTPUT_FILES:
                return found
    return found


def _sizes(entries: dict[str, os.stat_result], limit: int = 10) -> str:
    largest = sorted(entries.items(), key=lambda item: (-item[1].st_size, item[0]))  # by name within a size
    shown = ", ".join(f"{name} ({_size(found.st_size)})" for name, found in largest[:limit])
    return shown + (f" and {len(largest) - limit} more" if len(largest) > limit else "")


def check_output_size(output_dir: Path, quota: int | None, who: str) -> None:
    """ResponseError when /output holds as much as `quota` bytes or more than MAX_OUTPUT_FILES entries (sizes named)."""
    entries = _listing(output_dir)
    files = {name: found for name, found in entries.items() if not stat.S_ISDIR(found.st_mode)}
    total = sum(found.st_size for found in files.values())  # a sparse file counts in full
    if len(entries) > MAX_OUTPUT_FILES:
        raise ResponseError(f"{who}: /output holds too many files", [Problem(
            f"{who} /output", "TOO_MANY_FILES", f"more than {MAX_OUTPUT_FILES} entries", "write response.json and the few .npy files it names",
            expected=f"at most {MAX_OUTPUT_FILES}", found=f"more than {MAX_OUTPUT_FILES}")])
    if quota is not None and total >= quota:
        raise ResponseError(f"{who}: /output reached its quota; nothing of it was read", [Problem(
            f"{who} /output", "OUTPUT_OVER_QUOTA", f"{len(files)} file(s), {_size(total)} in all: {_sizes(files)}",
            "write only response.json and the activations it names, or raise limits.output in config.yaml",
            expected=f"less than {_size(quota)} (limits.output)", found=_size(total))])


def named_files(response: dict) -> set[str]:
    """response.json and the files a valid response names, as normalised paths relative to /output."""
    return {"response.json"} | {os.path.normpath(entry["file"]) for entry in response.get("activations", {}).values()}


def check_output_files(output_dir: Path, response: dict, who: str) -> None:
    """ResponseError when /output holds links, pipes or devices, or files `response` does not name (names and sizes given)."""
    entries = _listing(output_dir)
    problems = [Problem(f"{who} /output/{name}", "NOT_A_FILE", "a symbolic link" if stat.S_ISLNK(found.st_mode) else "not a regular file",
                        "write real files inside /output (no links, pipes or devices)")
                for name, found in entries.items() if not (stat.S_ISREG(found.st_mode) or stat.S_ISDIR(found.st_mode))]
    named = named_files(response)
    unnamed = {name: found for name, found in entries.items() if stat.S_ISREG(found.st_mode) and name not in named}
    if unnamed:
        problems.append(Problem(f"{who} /output", "UNNAMED_FILE", f"{len(unnamed)} file(s) that response.json does not name: {_sizes(unnamed)}",
                                "write only response.json and the files it names to /output (temporary files go to /tmp)"))
    if problems:
        raise ResponseError(f"{who}: /output holds more than the response; nothing of it was read", problems)


def _path_problem(problem: Problem, path: Path) -> Problem:
    """A schema BAD_FORMAT of an activations file, said as what a valid path looks like (not the schema's regex)."""
    if problem.code != "BAD_FORMAT" or not problem.where.endswith("/file"):
        return problem
    region = problem.where.split("/activations/")[-1].split("/")[0]
    value = json.loads(path.read_text(encoding="utf-8"))["activations"][region]["file"]  # parsed already: only its form is wrong
    return Problem(problem.where, problem.code, f"{value!r} is not a path inside /output", f"write {VALID_PATH}",
                   expected=VALID_PATH, found=repr(value))


NPY_LAYOUT = ("a .npy file: the 6 bytes \\x93NUMPY, version 1.0 (2 bytes), the header length, a header "
              "{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}}} padded to a multiple of 64 bytes, "
              "then the float32 values in C order (spec/README.md)")


def npy_problem(file: Path, name: str, where: str, expected_shape: str) -> Problem:
    """BAD_NPY stating the expected layout and what the file holds: its size and, when readable, what its header declares."""
    size = file.stat().st_size
    found = f"{size} bytes"
    try:
        with open(file, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
            data_start = handle.tell()
    except (OSError, ValueError, SyntaxError) as exc:
        found += f" whose header cannot be read ({str(exc)[:120]})"
    else:
        needed = data_start + int(np.prod(shape)) * dtype.itemsize
        found += (f": a header declaring dtype {dtype.str}, shape {shape}{', Fortran order' if fortran else ''}, "
                  f"which needs {needed} bytes ({data_start} of header, {needed - data_start} of values)")
    return Problem(where, "BAD_NPY", f"{name} is not a readable .npy array ({size} bytes)",
                   f"write {NPY_LAYOUT.format(shape=expected_shape)}",
                   expected=f"dtype <f4 (float32), shape {expected_shape}, and the bytes its header declares", found=found)


def read_response(output_dir: Path, request: dict, who: str) -> dict:
    """response.json, validated against spec/v1/run-response and matched to the request's id."""
    path = output_dir / "response.json"
    if not path.exists():
        raise ResponseError(f"{who}: wrote no response", [
            Problem(f"{who} /output/response.json", "NO_RESPONSE", "response.json is missing", "write /output/response.json before exiting 0 (spec/README.md)")
        ])
    try:
        response = schemas.load_json(path, "run-response", f"{who} response.json", ResponseError)
    except ResponseError as error:
        error.problems = sorted(_path_problem(p, path) for p in error.problems)
        raise
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
    expected_shape = f"({len(requested)}, neuroids, {len(request['record']['time_bins'])})"
    if not file.is_file():
        problems.append(Problem(f"{where}/file", "NOT_A_FILE", f"{entry['file']} is missing or not a regular file", f"write the array to {VALID_PATH}"))
        raise ResponseError(f"{who}: response for {region} breaks the contract", problems)
    try:
        array = np.load(file, allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError):
        problems.append(npy_problem(file, entry["file"], f"{where}/file", expected_shape))
        raise ResponseError(f"{who}: response for {region} breaks the contract", problems) from None
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
