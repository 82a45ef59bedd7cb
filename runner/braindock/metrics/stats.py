"""Small vectorised statistics shared by the metrics (column-wise Pearson, Spearman-Brown, SEM)."""
from __future__ import annotations

import math

import numpy as np


def pearson_columns(a: np.ndarray, b: np.ndarray, axis: int = -2) -> np.ndarray:
    """Pearson r between matching columns of `a` and `b`, correlating along `axis` (rows by default).

    Works on stacks: (..., stimulus, neuroid) -> (..., neuroid). A column without variance yields NaN;
    callers turn NaN into a MetricError naming the column.
    """
    a = a - a.mean(axis=axis, keepdims=True)
    b = b - b.mean(axis=axis, keepdims=True)
    numerator = (a * b).sum(axis=axis)
    denominator = np.sqrt((a * a).sum(axis=axis) * (b * b).sum(axis=axis))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = numerator / denominator
    return np.clip(r, -1.0, 1.0)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson r of two vectors."""
    return float(pearson_columns(np.ravel(a)[:, None], np.ravel(b)[:, None], axis=0)[0])


def spearman_brown(r, n: float = 2.0):
    """Spearman-Brown prophecy: reliability of an n-times longer test, n*r / (1 + (n-1)*r)."""
    r = np.asarray(r, dtype=np.float64)
    return n * r / (1.0 + (n - 1.0) * r)


def standard_error(values: np.ndarray) -> float:
    """Brain-Score's standard error of the mean over splits: population std (ddof=0) / sqrt(n).

    This mirrors `brainscore_vision.metric_helpers.transformations.standard_error_of_the_mean`, which
    divides xarray's `std` (ddof=0) by sqrt(number of splits).
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size < 2:
        return 0.0
    return float(values.std(ddof=0) / math.sqrt(values.size))


def rank_average(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (scipy.stats.rankdata 'average')."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    starts = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    group = np.cumsum(starts) - 1
    positions = np.arange(1, values.size + 1, dtype=np.float64)
    mean_rank = np.bincount(group, weights=positions) / np.bincount(group)
    ranks = np.empty(values.size)
    ranks[order] = mean_rank[group]
    return ranks
