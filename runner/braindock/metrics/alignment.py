"""Align model and recorded assemblies by stimulus_id and reject data no metric can use.

Every check raises `MetricError` whose message names the problem and where it is (stimulus_ids,
neuroid_ids, coordinate names), so a user never sees a numpy traceback or a silent NaN.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import MetricError, Problem
from .gram import Rows

NEURAL_DIMS = ("presentation", "neuroid")
_SHOW = 5  # how many offending ids a message lists


def preview(values, limit: int = _SHOW) -> str:
    """A short, readable list of the first few `values` and how many there are in total."""
    values = [str(v) for v in values]
    shown = ", ".join(repr(v) for v in values[:limit])
    more = f", ... ({len(values)} in total)" if len(values) > limit else ""
    return f"[{shown}{more}]"


def fail(message: str, where: str, code: str, fix: str = "", expected=None, found=None) -> MetricError:
    """A MetricError with one located Problem; the message alone already says what is wrong."""
    problem = Problem(where=where, code=code, message=message, fix=fix,
                      expected=None if expected is None else str(expected),
                      found=None if found is None else str(found))
    return MetricError(message, [problem])


def require_dims(assembly: xr.DataArray, dims: tuple[str, ...], role: str) -> xr.DataArray:
    """`assembly` transposed to `dims`; MetricError naming the dims found otherwise."""
    if not isinstance(assembly, xr.DataArray):
        raise fail(f"{role} must be an xarray.DataArray, got {type(assembly).__name__}", role, "NOT_A_DATAARRAY")
    if set(assembly.dims) != set(dims):
        raise fail(f"{role} has dims {tuple(assembly.dims)}, expected {dims}", role, "WRONG_DIMS",
                   fix=f"rename or reduce the dimensions of {role} to {dims}",
                   expected=dims, found=tuple(assembly.dims))
    return assembly if tuple(assembly.dims) == dims else assembly.transpose(*dims)  # 50 us even when in order


def require_coord(assembly: xr.DataArray, coord: str, dim: str, role: str, purpose: str = "") -> np.ndarray:
    """Values of coordinate `coord` along `dim`; MetricError listing the coordinates that exist."""
    values = _coordinate(assembly, coord, dim)
    if values is None:
        existing = sorted(str(name) for name, c in assembly.coords.items() if c.dims == (dim,))
        why = f" ({purpose})" if purpose else ""
        raise fail(f"{role} has no coordinate {coord!r} on dimension {dim!r}{why}; "
                   f"coordinates on {dim!r}: {existing}", f"{role}.{dim}", "MISSING_COORDINATE",
                   fix=f"add a {coord!r} coordinate along {dim!r} or choose one of {existing}",
                   expected=coord, found=existing)
    return values


def _coordinate(assembly: xr.DataArray, name: str, dim: str) -> np.ndarray | None:
    """Values of coordinate `name` if it lies along `dim` alone, else None (read from its Variable: building a
    DataArray per access cost more than the checks of a small metric call)."""
    variable = assembly.coords.variables.get(name)
    return np.asarray(variable.values) if variable is not None and variable.dims == (dim,) else None


def neuroid_ids(assembly: xr.DataArray) -> np.ndarray:
    """The `neuroid_id` values, or positions when the assembly has none."""
    ids = _coordinate(assembly, "neuroid_id", "neuroid")
    return np.arange(assembly.sizes["neuroid"]) if ids is None else ids


def require_finite(values, role: str, rows, columns, row_name: str, column_name: str) -> None:
    """MetricError naming the rows and columns holding NaN or inf; `values` is an array or (block-wise) `Rows`."""
    blocks = values.blocks() if isinstance(values, Rows) else [(0, values)]
    count, bad_rows, bad_cols = 0, np.zeros(values.shape[0], dtype=bool), []
    for start, block in blocks:
        bad = ~np.isfinite(block).reshape(block.shape[0], -1)
        if bad.any():
            count += int(bad.sum())
            bad_rows |= bad.any(axis=1)
            bad_cols.append(start + np.flatnonzero(bad.any(axis=0)))
    if count:
        rows_hit = np.asarray(rows)[bad_rows]
        cols_hit = np.asarray(columns)[np.concatenate(bad_cols)] if columns is not None else []
        raise fail(f"{role} contains {count} NaN/inf value(s) at {row_name} {preview(rows_hit)}"
                   + (f", {column_name} {preview(cols_hit)}" if columns is not None else ""),
                   f"{role}.{row_name}={rows_hit[0]}", "NOT_FINITE",
                   fix=f"remove or impute the non-finite values in {role}")


def require_unique(ids: np.ndarray, role: str, hint: str) -> None:
    values, counts = np.unique(ids, return_counts=True)
    if (counts > 1).any():
        raise fail(f"{role} repeats stimulus_id(s) {preview(values[counts > 1])}; {hint}",
                   f"{role}.stimulus_id", "DUPLICATE_STIMULUS", fix=hint)


def require_varying(ranges: np.ndarray, ids: np.ndarray, role: str, what: str = "neuroid_id") -> None:
    """MetricError naming the columns whose `ranges` (max - min over rows) are 0: they do not vary."""
    constant = ranges == 0
    if constant.any():
        raise fail(f"{role} has {int(constant.sum())} constant {what.split('_')[0]}(s) (no variance across "
                   f"stimuli, correlation undefined): {what} {preview(ids[constant])}",
                   f"{role}.{what}={ids[constant][0]}", "CONSTANT_NEUROID",
                   fix=f"drop the constant {what.split('_')[0]}s from {role}")


def column_ranges(values, chunk_bytes: int = 2 ** 19) -> tuple[np.ndarray, np.ndarray]:
    """Each column's min and max over the rows of an array or (block-wise) `Rows`; NaN or inf if the column
    holds one, so one pass serves both the finiteness and the variance checks. Rows a `chunk_bytes` chunk at a
    time, its max read from cache right after its min: one pass over memory, not two (3,200 x 10,000: 31 ms, not
    53); min and max are exact, so the chunking changes no bit."""
    blocks = values.blocks() if isinstance(values, Rows) else [(0, values)]
    lows, highs = [], []
    for _, block in blocks:
        rows = max(1, chunk_bytes // (8 * max(1, block.shape[1])))
        low, high = block[:rows].min(axis=0), block[:rows].max(axis=0)
        for start in range(rows, block.shape[0], rows):
            chunk = block[start:start + rows]
            np.minimum(low, chunk.min(axis=0), out=low)
            np.maximum(high, chunk.max(axis=0), out=high)
        lows.append(low)
        highs.append(high)
    return np.concatenate(lows), np.concatenate(highs)


@dataclass(frozen=True)
class Aligned:
    """Source and target rows matched by stimulus_id (sorted), plus target metadata. The source stays where it
    was (maybe a memory map) as `Rows`, read block by block; the target is a plain float64 array."""

    source: Rows  # (stimulus, feature)
    target: np.ndarray  # (stimulus, neuroid)
    stimulus_ids: np.ndarray
    neuroid_ids: np.ndarray
    target_assembly: xr.DataArray  # sorted by stimulus_id; carries presentation coordinates (no neuroids)

    def coordinate(self, name: str, purpose: str = "") -> np.ndarray:
        return require_coord(self.target_assembly, name, "presentation", "target", purpose)


def align(source: xr.DataArray, target: xr.DataArray, *, check_constant_target: bool = True) -> Aligned:
    """Match `source` rows to `target` rows by stimulus_id, sorted by stimulus_id, after checking both.

    The source may hold more stimuli than the target (extras are dropped); every target stimulus must
    be in the source. Both must be (presentation, neuroid) with unique stimulus_ids and finite values.
    """
    source = require_dims(source, NEURAL_DIMS, "source")
    target = require_dims(target, NEURAL_DIMS, "target")
    source_ids = require_coord(source, "stimulus_id", "presentation", "source")
    target_ids = require_coord(target, "stimulus_id", "presentation", "target")
    require_unique(target_ids, "target", "average the target over repetitions before scoring")
    require_unique(source_ids, "source", "give each stimulus one row in the model's response")
    position = {stimulus: i for i, stimulus in enumerate(source_ids.tolist())}
    order = np.argsort(target_ids, kind="stable")
    ids = target_ids[order]
    missing = [stimulus for stimulus in ids.tolist() if stimulus not in position]
    if missing:
        raise fail(f"source lacks {len(missing)} of the target's {target_ids.size} stimulus_ids, e.g. "
                   f"{preview(missing)}", f"source.stimulus_id={missing[0]}", "MISSING_STIMULI",
                   fix="run the model on every stimulus of the benchmark",
                   expected=f"{target_ids.size} stimuli", found=f"{target_ids.size - len(missing)} matching")
    source_rows = np.fromiter((position[s] for s in ids.tolist()), dtype=np.intp, count=ids.size)
    x = Rows(np.asarray(source.values), source_rows)
    y = Rows(np.asarray(target.values), order).dense()  # one float64 copy, even of a memory-mapped float32 target
    target_neuroids = neuroid_ids(target)
    (x_low, x_high), (y_low, y_high) = column_ranges(x), column_ranges(y)
    if not np.isfinite(x_low + x_high).all():  # then locate them
        require_finite(x, "source", ids, neuroid_ids(source), "stimulus_id", "neuroid_id")
    if not np.isfinite(y_low + y_high).all():
        require_finite(y, "target", ids, target_neuroids, "stimulus_id", "neuroid_id")
    if check_constant_target:
        require_varying(y_high - y_low, target_neuroids, "target")
    if (x_high == x_low).all():
        raise fail("source is constant across all stimuli (every feature has zero variance)",
                   "source", "CONSTANT_SOURCE", fix="check the model's responses; they do not depend on the stimulus")
    coordinates = target.isel(neuroid=slice(0, 0))  # the presentation coordinates, without the values
    if (order != np.arange(order.size)).any():  # sorted by stimulus_id (usually they already are: no copy)
        coordinates = coordinates.isel(presentation=order)
    return Aligned(x, y, ids, target_neuroids, coordinates)
