"""Linear centred kernel alignment (Kornblith et al. 2019), biased or unbiased, optionally cross-validated."""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import xarray as xr

from .alignment import align, fail
from .base import Metric, Score
from .gram import gram
from .stats import standard_error
from .subsets import SUBSET_DEFAULTS, stimulus_subsets

ESTIMATORS = ("biased", "unbiased")


def centre_gram(gram: np.ndarray, unbiased: bool) -> np.ndarray:
    """Double-centred Gram matrix; `unbiased` gives the U-statistic centring of Song et al. (2012)
    (diagonal zeroed, means taken with n-2), so <K, L> estimates HSIC without the 1/n bias."""
    gram = gram.copy()
    if unbiased:
        n = gram.shape[0]
        np.fill_diagonal(gram, 0.0)
        means = gram.sum(axis=0) / (n - 2)
        means -= means.sum() / (2 * (n - 1))
        gram -= means[:, None] + means[None, :]
        np.fill_diagonal(gram, 0.0)
    else:
        means = gram.mean(axis=0)
        means -= means.mean() / 2
        gram -= means[:, None] + means[None, :]
    return gram


def linear_cka(gram_x: np.ndarray, gram_y: np.ndarray, unbiased: bool = False) -> float:
    """CKA from the linear Gram matrices X X^T and Y Y^T of the same stimuli."""
    kx, ky = centre_gram(gram_x, unbiased), centre_gram(gram_y, unbiased)
    numerator = _inner(kx, ky)
    denominator = np.sqrt(_inner(kx, kx) * _inner(ky, ky))
    if not denominator > 0:
        raise fail("CKA is undefined: a representation has no variance across the stimuli", "source/target",
                   "CONSTANT_REPRESENTATION")
    return float(numerator / denominator)


def _inner(a: np.ndarray, b: np.ndarray) -> float:
    # einsum, not BLAS: the Grams come from scipy's OpenBLAS, and waking numpy's thread pool costs more
    return np.einsum("ij,ij->", a, b)


class CKA(Metric):
    """Linear CKA between source and target representations of the same stimuli (aligned by stimulus_id).

    estimator: biased (Kornblith et al. 2019, Brain-Score's CKAMetric) | unbiased (debiased HSIC).
    cross_validated: if True, Brain-Score's CKACrossValidated: CKA on `splits` random subsets of
    `subset_size` of the stimuli (seeded, optionally stratified by `stratify_by`), mean over subsets,
    error std (ddof=0) / sqrt(splits). Otherwise one CKA on all stimuli with error 0 (no estimate).
    Gram matrices are computed once; subsets only slice them.
    """

    name: ClassVar[str] = "cka"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {"kernel": "linear", "estimator": "biased", **SUBSET_DEFAULTS}

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
        gram_x, gram_y = gram(data.source), gram(data.target)  # column-centred: CKA is shift-invariant
        subsets = stimulus_subsets(data, p)
        if subsets is None:
            value = linear_cka(gram_x, gram_y, unbiased)
            return Score(value=value, error=0.0, metric=self.name, version=self.version, parameters=dict(p),
                         per_split=np.array([value]))
        per_split = np.array([linear_cka(gram_x[np.ix_(rows, rows)], gram_y[np.ix_(rows, rows)], unbiased)
                              for rows in subsets])
        return Score(value=float(per_split.mean()), error=standard_error(per_split), metric=self.name,
                     version=self.version, parameters=dict(p), per_split=per_split)

