"""Linear centred kernel alignment (Kornblith et al. 2019), biased or unbiased, optionally cross-validated."""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import xarray as xr

from .alignment import align, fail
from .base import Metric, Score
from .gram import gram, gram_triangle, matmul
from .stats import standard_error
from .subsets import SUBSET_DEFAULTS, stimulus_subsets

ESTIMATORS = ("biased", "unbiased")


def _hsic(trace, cross, totals, m, unbiased: bool):
    """The centred inner product from t, c and s_K s_L of a subset of m stimuli (`subset_ckas`)."""
    if unbiased:
        return trace + totals / ((m - 1) * (m - 2)) - 2 * cross / (m - 2)
    return trace - 2 * cross / m + totals / m ** 2


def _zero_diagonals(gram_x: np.ndarray, gram_y: np.ndarray, overwrite: bool):
    """The unbiased estimator's Grams: diagonals zeroed, in place if `overwrite`, else on copies."""
    if not overwrite:
        gram_x, gram_y = gram_x.copy(), gram_y.copy()
    np.fill_diagonal(gram_x, 0.0)
    np.fill_diagonal(gram_y, 0.0)
    return gram_x, gram_y


def _ratio(xy, xx, yy):
    denominator = np.sqrt(xx * yy)
    if not (denominator > 0).all():
        raise fail("CKA is undefined: a representation has no variance across the stimuli", "source/target",
                   "CONSTANT_REPRESENTATION")
    return xy / denominator


def subset_ckas(gram_x: np.ndarray, gram_y: np.ndarray, masks: np.ndarray, unbiased: bool = False,
                overwrite: bool = False) -> np.ndarray:
    """CKA on every stimulus subset (rows of the boolean `masks`) from the Grams X X^T, Y Y^T of all stimuli.

    The centred inner product on a subset S of m stimuli is a sum over S, so no subset is sliced or copied:
    with w the subset's indicator, t = w^T (K * L) w, c = sum_j w_j (K w)_j (L w)_j, s_K = w^T K w,
    biased (Kornblith et al. 2019): <HKH, HLH> = t - 2 c / m + s_K s_L / m^2;
    unbiased (Song et al. 2012, diagonals zeroed): t + s_K s_L / ((m-1)(m-2)) - 2 c / (m-2), up to a factor
    that cancels in the ratio <K, L> / sqrt(<K, K> <L, L>).
    overwrite: the unbiased estimator may zero the Grams' diagonals in place instead of copying them.
    """
    w = masks.T.astype(np.float64)  # (stimulus, subset)
    m = w.sum(axis=0)
    if unbiased:
        gram_x, gram_y = _zero_diagonals(gram_x, gram_y, overwrite)
    kw, lw = matmul(gram_x, w), matmul(gram_y, w)

    def hsic(a, b, aw, bw):
        return _hsic((matmul(a * b, w) * w).sum(axis=0), (w * aw * bw).sum(axis=0),
                     (w * aw).sum(axis=0) * (w * bw).sum(axis=0), m, unbiased)

    return _ratio(hsic(gram_x, gram_y, kw, lw), hsic(gram_x, gram_x, kw, kw), hsic(gram_y, gram_y, lw, lw))


def linear_cka(upper_x: np.ndarray, upper_y: np.ndarray, unbiased: bool = False, overwrite: bool = False) -> float:
    """CKA from the upper triangles (diagonal included, zeros below: `gram.gram_triangle`) of the linear Grams
    X X^T and Y Y^T of the same stimuli (overwrite: as `subset_ckas`): its formulas with every stimulus in the
    subset (w = 1), as plain sums over one triangle (each off-diagonal term twice), never mirrored."""
    if unbiased:
        upper_x, upper_y = _zero_diagonals(upper_x, upper_y, overwrite)
    n = upper_x.shape[0]
    kw, lw = (u.sum(axis=0) + u.sum(axis=1) - np.diag(u) for u in (upper_x, upper_y))  # the full rows' sums

    def hsic(a, b, aw, bw):  # einsum and an elementwise sum: no numpy BLAS next to scipy's (see gram.matmul)
        trace = 2.0 * np.einsum("ij,ij->", a, b) - np.einsum("i,i->", np.diag(a), np.diag(b))
        return _hsic(trace, (aw * bw).sum(), aw.sum() * bw.sum(), n, unbiased)

    return float(_ratio(hsic(upper_x, upper_y, kw, lw), hsic(upper_x, upper_x, kw, kw), hsic(upper_y, upper_y, lw, lw)))


class CKA(Metric):
    """Linear CKA between source and target representations of the same stimuli (aligned by stimulus_id).

    estimator: unbiased (debiased HSIC, Song et al. 2012; the default, as Brain-Score 2.4's `cka`) | biased
    (Kornblith et al. 2019; Brain-Score's `cka_biased`).
    cross_validated: if True, Brain-Score's CKACrossValidated: CKA on `splits` random subsets of
    `subset_size` of the stimuli (seeded, optionally stratified by `stratify_by`), mean over subsets,
    error std (ddof=0) / sqrt(splits). Otherwise one CKA on all stimuli with error 0 (no estimate).
    Gram matrices are computed once; every subset's CKA follows from them without slicing (`subset_ckas`).
    """

    name: ClassVar[str] = "cka"
    # 1.1: unbiased by default; subsets drawn as Brain-Score's (test_size only); 1.2: one pass as sums (last bits);
    # 1.3: one pass over the Grams' upper triangles (last bits)
    version: ClassVar[str] = "1.3"
    defaults: ClassVar[dict[str, Any]] = {"kernel": "linear", "estimator": "unbiased", **SUBSET_DEFAULTS}

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        p = self.parameters
        if p["kernel"] != "linear":
            raise fail(f"unknown CKA kernel {p['kernel']!r}; known kernels: ['linear']", "parameters.kernel",
                       "BAD_PARAMETER")
        if p["estimator"] not in ESTIMATORS:
            raise fail(f"unknown CKA estimator {p['estimator']!r}; known estimators: {list(ESTIMATORS)}",
                       "parameters.estimator", "BAD_PARAMETER")
        data = align(source, target, check_constant_target=False)
        unbiased = p["estimator"] == "unbiased"
        subsets = stimulus_subsets(data, p)
        if subsets is None:  # column-centred Grams (CKA is shift-invariant), our own: no copies
            value = linear_cka(gram_triangle(data.source), gram_triangle(data.target), unbiased, overwrite=True)
            return Score(value=value, error=0.0, metric=self.name, version=self.version, parameters=dict(p),
                         per_split=np.array([value]))
        gram_x, gram_y = gram(data.source), gram(data.target)
        masks = np.zeros((len(subsets), gram_x.shape[0]), dtype=bool)
        for i, rows in enumerate(subsets):
            masks[i, rows] = True
        per_split = subset_ckas(gram_x, gram_y, masks, unbiased, overwrite=True)
        return Score(value=float(per_split.mean()), error=standard_error(per_split), metric=self.name,
                     version=self.version, parameters=dict(p), per_split=per_split)
