"""Representational similarity: 1 - Pearson RDMs compared by Spearman r over their upper triangles."""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import xarray as xr
from scipy.linalg import blas

from .alignment import align, fail, preview
from .base import Metric, Score
from .gram import as_rows, gram_triangle, strict_upper
from .stats import standard_error
from .subsets import SUBSET_DEFAULTS, stimulus_subsets

PARALLEL_RANKS = 1_000_000  # pairs per triangle (1,415 stimuli) from which two triangles are ranked side by side
EXACT_DOT = 300_000  # n (n^2 - 1) / 12 <= 2^51 (multiples of 1/4 held exactly): centred ranks' dots are exact below


def rdm(values, ids: np.ndarray, role: str) -> np.ndarray:
    """The upper triangle (row by row, diagonal excluded) of the RDM: 1 - Pearson correlation between stimuli
    (rows) across features (Kriegeskorte et al. 2008), as numpy.corrcoef; `values` is an array or `gram.Rows`,
    read block by block. The matrix is never made symmetric; what is normalised is the cheaper of the two: the
    stimuli's centred rows (n x features) when there are fewer features than stimuli, else the covariances."""
    values = as_rows(values)
    n, features = values.shape
    if features < n:
        rows = np.asfortranarray(values.dense())  # reductions along few columns: 4x faster column by column
        _require_varying_stimuli(rows.min(axis=1) == rows.max(axis=1), ids, role)
        rows -= rows.mean(axis=1, keepdims=True)
        rows /= np.sqrt(np.einsum("ij,ij->i", rows, rows))[:, None]
        matrix = gram_triangle(rows, row_means=np.zeros(n), lower=True).T  # correlations: upper triangle, C order
    else:
        sums, low, high = 0.0, np.inf, -np.inf
        for _, block in values.blocks():
            sums = sums + block.sum(axis=1)
            low, high = np.minimum(low, block.min(axis=1)), np.maximum(high, block.max(axis=1))
        _require_varying_stimuli(high == low, ids, role)
        matrix = gram_triangle(values, row_means=sums / features, lower=True).T  # covariances, as above
        std = np.sqrt(np.diag(matrix))
        matrix /= std[:, None]
        matrix /= std[None, :]
    triangle = upper_triangle(matrix)
    np.clip(triangle, -1.0, 1.0, out=triangle)
    return np.subtract(1.0, triangle, out=triangle)


def _require_varying_stimuli(constant: np.ndarray, ids: np.ndarray, role: str) -> None:
    """MetricError naming the stimuli (rows) whose response is `constant` across features (alignment's
    require_varying checks the other way: neuroids constant across stimuli)."""
    if constant.any():
        raise fail(f"{role} response is constant across features for stimulus_id {preview(ids[constant])}; "
                   f"its RDM row is undefined", f"{role}.stimulus_id={ids[constant][0]}", "CONSTANT_STIMULUS",
                   fix=f"drop those stimuli or check the {role}")


def upper_triangle(matrix: np.ndarray) -> np.ndarray:
    """The strict upper triangle of a square matrix, row by row, cut by a boolean mask (4x faster than
    np.triu_indices' index arrays on a 3,200-stimulus RDM)."""
    return matrix[strict_upper(matrix.shape[0])]


class SubsetRanks:
    """An RDM's upper triangle sorted once; the average ranks of the pairs within any stimulus subset follow.

    A pair's rank within a subset is the number of the subset's pairs up to it in the full sorted order,
    so each subset costs a few passes over the pairs instead of a new sort; tied pairs get their average
    rank (as scipy.stats.spearmanr), which needs no particular order among them. Ranks are kept doubled
    as integers (exact), and every per-pair array in 32 bits: these arrays are reused by the allocator
    instead of being mapped afresh for every subset.
    """

    def __init__(self, values: np.ndarray, n: int):
        """values: the upper triangle of an RDM of n stimuli, row by row (as `rdm` returns it)."""
        index = np.int32 if values.size < 2 ** 30 else np.int64  # also holds twice the number of pairs
        self.order, starts = _sort(values, index)
        small = np.int16 if n <= np.iinfo(np.int16).max else np.int32  # per-stimulus tables that stay in cache
        rows = np.repeat(np.arange(n, dtype=small), np.arange(n - 1, -1, -1))
        cols = np.concatenate([np.arange(i + 1, n, dtype=small) for i in range(n)])
        self.rows, self.cols = np.take(rows, self.order), np.take(cols, self.order)  # pairs in sorted order
        self.ties = None
        if not starts.all():  # each pair's tie group as [first, end) positions in sorted order
            first = np.flatnonzero(starts).astype(index)
            group = np.cumsum(starts, dtype=index) - 1
            self.ties = first[group], np.r_[first[1:], values.size].astype(index)[group]

    def chosen(self, selected: np.ndarray) -> np.ndarray:
        """Which pairs, in sorted order, join two stimuli of `selected` (boolean per stimulus)."""
        return np.take(selected, self.rows) & np.take(selected, self.cols)  # take: ~2x faster than [] here

    def twice_ranks(self, chosen: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        """Twice the average ranks, among the `chosen` pairs, of the chosen pairs at sorted `positions`
        (default: every chosen pair, in sorted order; without ties simply 2, 4, ..., 2m)."""
        if positions is None:
            if self.ties is None:
                return np.arange(2, 2 * np.count_nonzero(chosen) + 1, 2, dtype=self.order.dtype)
            positions = np.flatnonzero(chosen)
        before = np.zeros(chosen.size + 1, dtype=self.order.dtype)  # chosen pairs before each position
        np.cumsum(chosen, dtype=before.dtype, out=before[1:])
        if self.ties is None:
            return 2 * np.take(before, positions) + 2
        first, end = (np.take(before, np.take(bound, positions)) for bound in self.ties)
        return first + end + 1


def _positions(start: int, size: int, dtype) -> np.ndarray:
    """np.arange(start, start + size, dtype=dtype), read-only; kept for sizes below PARALLEL_RANKS (an RSA
    ceiling over S subjects ranks 2 S + 1 triangles of one size: made once, not for every ranking)."""
    if size >= PARALLEL_RANKS:
        return np.arange(start, start + size, dtype=dtype)
    return _kept_positions(start, size, np.dtype(dtype))


@lru_cache(maxsize=4)
def _kept_positions(start: int, size: int, dtype: np.dtype) -> np.ndarray:
    kept = np.arange(start, start + size, dtype=dtype)
    kept.flags.writeable = False
    return kept


def _sort(values: np.ndarray, index) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): the permutation that sorts float64 `values`, and where each run of equal values starts.

    About three times np.argsort: a SIMD sort of int64 keys, the values' bits with their positions packed
    into the low bits; neighbours that agree on the remaining bits are then sorted exactly (lexsort).
    """
    size = values.size
    shift = max(int(size - 1).bit_length(), 1)
    keys = (values + 0.0).view(np.int64)  # a copy; + 0.0 turns -0.0 into 0.0
    if values.min(initial=0.0) < 0:  # (never for an RDM: 1 - r >= 0)
        keys ^= (keys >> 63) & np.int64(0x7FFF_FFFF_FFFF_FFFF)  # negative floats ordered as integers too
    keys &= ~np.int64((1 << shift) - 1)
    np.bitwise_or(keys, _positions(0, size, index), out=keys)
    keys.sort()
    high = keys >> shift
    near = np.flatnonzero(high[1:] == high[:-1])  # neighbours that may be out of order or tied
    del high
    keys &= (1 << shift) - 1
    order = keys.astype(index, copy=False)
    starts = np.ones(size, dtype=bool)
    if near.size > size // 64:  # many ties: the plain way is faster
        order = np.argsort(values).astype(index)
        exact = values[order]
        starts[1:] = exact[1:] != exact[:-1]
    elif near.size:
        in_run = np.zeros(size + 1, dtype=bool)  # near and near + 1 without sorting them (union1d, isin sort)
        in_run[near] = True
        linked = in_run.copy()  # linked[i]: sorted key i is in the same run as key i - 1
        linked[1:] = in_run[:-1]
        in_run[near + 1] = True
        members = np.flatnonzero(in_run[:size])
        linked = linked[members]
        exact = values[order[members]]
        fix = np.lexsort((exact, np.cumsum(~linked)))
        order[members] = order[members][fix]
        exact = exact[fix]
        starts[members[1:]] = ~(linked[1:] & (exact[1:] == exact[:-1]))
    return order, starts


def upper_triangle_ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks 1..n of `values` (ties share their mean rank, as scipy.stats.rankdata), by `_sort`. The
    order is kept in numpy's own index type: it scatters with it twice as fast as with int32, which it converts."""
    order, starts = _sort(np.ascontiguousarray(values, dtype=np.float64), np.intp)
    ranks = np.empty(values.size)
    if starts.all():
        ranks[order] = _positions(1, values.size, np.float64)
        return ranks
    first = np.flatnonzero(starts)
    ends = np.r_[first[1:], values.size]
    group = np.cumsum(starts) - 1
    ranks[order] = ((first + ends + 1) / 2.0)[group]
    return ranks


def side_by_side(function, vectors) -> list:
    """`function` of each vector: two at a time on two threads when they hold PARALLEL_RANKS values or more and
    the process may use two cores (numpy's sort, scatter and ufuncs release the GIL; the same results as one
    after the other), else one after the other (handing the GIL back and forth costs more than a second core
    saves). A pool per call: a pool kept across calls would have no threads in a forked child."""
    if len(vectors) < 2 or vectors[0].size < PARALLEL_RANKS or len(os.sched_getaffinity(0)) < 2:
        return [function(v) for v in vectors]
    with ThreadPoolExecutor(max_workers=2) as workers:
        return list(workers.map(function, vectors))


def centred_ranks_of(*vectors: np.ndarray) -> list[np.ndarray]:
    """centred_ranks of each vector, side by side when they are large (`side_by_side`)."""
    return side_by_side(centred_ranks, vectors)


def centred_ranks(values: np.ndarray) -> np.ndarray:
    """upper_triangle_ranks less their mean (size + 1) / 2: exact, ranks being halves of integers."""
    ranks = upper_triangle_ranks(values)
    ranks -= (values.size + 1) / 2.0
    return ranks


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    """u . v of two `centred_ranks` (multiples of 1/2): every partial sum is a multiple of 1/4 no larger than
    n (n^2 - 1) / 12, exact in float64 below EXACT_DOT values, so there scipy's BLAS (5x faster; any order or
    number of threads gives the same bits); above, einsum, whose single order keeps the bits. Never numpy's
    BLAS: its thread pool, woken next to scipy's (the Grams), made the RSA ceiling three times slower."""
    return blas.ddot(u, v) if u.size < EXACT_DOT else np.einsum("i,i->", u, v)


class Ranked:
    """`centred_ranks` with their sum of squares, computed once for every correlation they enter."""

    def __init__(self, ranks: np.ndarray):
        self.ranks, self.square = ranks, _dot(ranks, ranks)


def rank_correlation(a: Ranked, b: Ranked) -> float:
    """Pearson r of two `centred_ranks` (Spearman r of what they rank) from dot products: no temporaries of the
    triangles' size. NaN when one is constant. In Python floats: numpy's scalar clip and errstate took 2/3 of it."""
    scale = a.square * b.square
    return min(max(float(_dot(a.ranks, b.ranks)) / math.sqrt(scale), -1.0), 1.0) if scale > 0 else math.nan


def subset_spearman(a: SubsetRanks, b: SubsetRanks, masks) -> np.ndarray:
    """Spearman r between two RDMs of the same stimuli on each stimulus subset (boolean mask).

    With ranks doubled (mean m + 1 over the subset's m pairs): r = (sum r_a r_b - m (m+1)^2) /
    sqrt(ss_a ss_b), ss = sum r^2 - m (m+1)^2, or m (m^2 - 1) / 3 without ties.
    """
    position_in_b = np.empty_like(b.order)
    position_in_b[b.order] = np.arange(b.order.size, dtype=b.order.dtype)
    b_at_a = position_in_b[a.order]  # where each pair, in a's sorted order, sits in b's

    def dot(u, v):  # exact integer products, summed in float64
        return np.einsum("i,i->", u, v, dtype=np.float64)

    def sum_of_squares(ranks, ties, m):
        return dot(ranks, ranks) - m * (m + 1.0) ** 2 if ties is not None else m * (m * m - 1.0) / 3

    per_split = []
    for mask in masks:
        chosen_a = a.chosen(mask)
        ranks_a = a.twice_ranks(chosen_a)  # the subset's pairs in a's sorted order
        ranks_b = b.twice_ranks(b.chosen(mask), np.take(b_at_a, np.flatnonzero(chosen_a)))  # the same pairs
        m = float(ranks_a.size)
        scale = np.sqrt(sum_of_squares(ranks_a, a.ties, m) * sum_of_squares(ranks_b, b.ties, m))
        with np.errstate(invalid="ignore", divide="ignore"):
            per_split.append((dot(ranks_a, ranks_b) - m * (m + 1.0) ** 2) / scale)
    return np.array(per_split)


class RDMSimilarity(Metric):
    """Spearman r between the source and target RDMs' upper triangles (Brain-Score's RDMMetric).

    cross_validated: if True, Brain-Score's RDMCrossValidated: the comparison on `splits` random subsets
    of `subset_size` of the stimuli, mean over subsets, error std (ddof=0) / sqrt(splits); otherwise
    one comparison on all stimuli with error 0. RDMs are computed once; subsets only re-rank them.
    """

    name: ClassVar[str] = "rdm"
    # 1.1: cross-validated subsets as Brain-Score draws them (test_size only); 1.2: single pass as Pearson r of the
    # triangles' ranks (last bits); 1.3: that Pearson r from dot products of centred ranks (last bits); 1.4: with
    # fewer features than stimuli, the RDM from rows scaled to unit norm (last bits)
    version: ClassVar[str] = "1.4"
    defaults: ClassVar[dict[str, Any]] = dict(SUBSET_DEFAULTS)

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        p = self.parameters
        data = align(source, target, check_constant_target=False)
        if data.stimulus_ids.size < 4:
            raise fail(f"RSA needs at least 4 stimuli, got {data.stimulus_ids.size}", "stimuli", "TOO_FEW_STIMULI")
        subsets = stimulus_subsets(data, p)
        triangles = (rdm(data.source, data.stimulus_ids, "source"), rdm(data.target, data.stimulus_ids, "target"))
        if subsets is None:  # one comparison: the two triangles' ranks (one sort each), no per-pair tables
            per_split = np.array([rank_correlation(*map(Ranked, centred_ranks_of(*triangles)))])
        else:
            n = data.stimulus_ids.size
            masks = [np.isin(np.arange(n), rows) for rows in subsets]
            per_split = subset_spearman(SubsetRanks(triangles[0], n), SubsetRanks(triangles[1], n), masks)
        if np.isnan(per_split).any():
            raise fail("RDM comparison is undefined: an RDM's upper triangle is constant", "source/target",
                       "CONSTANT_RDM")
        error = 0.0 if subsets is None else standard_error(per_split)
        return Score(value=float(per_split.mean()), error=error, metric=self.name, version=self.version,
                     parameters=dict(p), per_split=per_split)
