"""Ceiling normalisations: turn a raw score and a ceiling into a ceiled score, versioned.

Each normalisation maps (r, c) -> f(r, c) for the value and for every split, and propagates the raw
error to first order with the ceiling held fixed: error = |df/dr| * raw.error. Squared forms keep the
sign of r (r * |r|), so a negative correlation stays negative instead of turning into "explained variance".

- "r/ceiling":        r / c                      (Brain-Score vision 1.x neural benchmarks, Brain-Score language)
- "(r/ceiling)^2":    r|r| / c^2                 (fraction of explainable variance, ceiling an r)
- "r^2/ceiling":      r|r| / c                   (ceiling a reliability, i.e. explainable variance: Brain-Score
                      vision 2.4's NeuralBenchmark, `explained_variance`; tests/parity shows the match)
- "r/sqrt(ceiling)":  r_i / sqrt(c_i) per split  (Brain-Score's I1n/I2n: raw and ceiling splits are
                      paired, so both must have the same number of splits; value = mean, error = std
                      over splits, ddof=0)
- "(r-1/3)/(ceiling-1/3)": chance-corrected for three-way choices (Brain-Score's Hebart2023 odd-one-out;
                      Brain-Score also clips below-chance scores to 0, we keep the sign)
- "none":             r                          (engineering benchmarks: no ceiling, e.g. perplexity)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import UsageError
from .alignment import fail
from .base import Score


@dataclass(frozen=True)
class Normalization:
    name: str
    version: str
    apply: Callable[[np.ndarray, np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray, np.ndarray], np.ndarray]  # |df/dr|
    paired: bool = False
    chance: float = 0.0  # a ceiling must exceed this


NORMALIZATIONS: dict[str, Normalization] = {n.name: n for n in (
    Normalization("r/ceiling", "1.0", lambda r, c: r / c, lambda r, c: 1.0 / c),
    Normalization("(r/ceiling)^2", "1.0", lambda r, c: r * np.abs(r) / c ** 2, lambda r, c: 2 * np.abs(r) / c ** 2),
    Normalization("r^2/ceiling", "1.0", lambda r, c: r * np.abs(r) / c, lambda r, c: 2 * np.abs(r) / c),
    Normalization("r/sqrt(ceiling)", "1.0", lambda r, c: r / np.sqrt(c), lambda r, c: 1.0 / np.sqrt(c), paired=True),
    Normalization("(r-1/3)/(ceiling-1/3)", "1.0", lambda r, c: (r - 1 / 3) / (c - 1 / 3), lambda r, c: 1.0 / (c - 1 / 3),
                  chance=1 / 3),
    Normalization("none", "1.0", lambda r, c: r, lambda r, c: np.ones_like(r)),
)}


def normalize(name: str, raw: Score, ceiling: Score) -> Score:
    """The ceiled score; `metric` is the normalisation's name, `version` its version, parameters record
    the raw and ceiling scores (metric, version, parameters, value) it came from."""
    if name not in NORMALIZATIONS:
        raise UsageError(f"unknown normalisation {name!r}; known normalisations: {sorted(NORMALIZATIONS)}")
    normalization = NORMALIZATIONS[name]
    if not (np.isfinite(ceiling.value) and ceiling.value > normalization.chance):
        raise fail(f"cannot normalise by ceiling {ceiling.value!r} from {ceiling.metric!r}: a ceiling must be "
                   f"above {normalization.chance:g}", f"ceiling.{ceiling.metric}", "BAD_CEILING",
                   expected=f"> {normalization.chance:g}", found=ceiling.value)
    parameters = {"raw": _provenance(raw), "ceiling": _provenance(ceiling)}
    raw_splits = np.asarray(raw.per_split, dtype=np.float64)
    if normalization.paired:
        ceiling_splits = np.asarray(ceiling.per_split, dtype=np.float64)
        if raw_splits.size == 0 or raw_splits.shape != ceiling_splits.shape:
            raise fail(f"{name!r} pairs splits, but the raw score has {raw_splits.size} and the ceiling "
                       f"{ceiling_splits.size}", "per_split", "UNPAIRED_SPLITS",
                       fix="compute score and ceiling with the same splits and seed")
        if not (ceiling_splits > 0).all():
            raise fail(f"a split's ceiling is not positive: {ceiling_splits.tolist()}", "ceiling.per_split",
                       "BAD_CEILING")
        per_split = normalization.apply(raw_splits, ceiling_splits)
        value, error = float(per_split.mean()), float(per_split.std())
    else:
        c = float(ceiling.value)
        per_split = normalization.apply(raw_splits, c)
        value = float(normalization.apply(np.float64(raw.value), c))
        error = float(normalization.slope(np.float64(raw.value), c) * raw.error)
    return Score(value=value, error=error, metric=normalization.name, version=normalization.version,
                 parameters=parameters, per_split=per_split, per_neuroid=None)


def _provenance(score: Score) -> dict:
    return {"metric": score.metric, "version": score.version, "parameters": score.parameters,
            "value": float(score.value), "error": float(score.error)}
