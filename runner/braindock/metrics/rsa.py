"""Representational similarity: 1 - Pearson RDMs compared by Spearman r over their upper triangles."""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import xarray as xr

from .alignment import align, fail, preview
from .base import Metric, Score
from .stats import pearson, standard_error
from .subsets import SUBSET_DEFAULTS, stimulus_subsets


def rdm(values: np.ndarray, ids: np.ndarray, role: str) -> np.ndarray:
    """1 - Pearson correlation between stimuli (rows) across features (Kriegeskorte et al. 2008)."""
    constant = np.ptp(values, axis=1) == 0
    if constant.any():
        raise fail(f"{role} response is constant across features for stimulus_id {preview(ids[constant])}; "
                   f"its RDM row is undefined", f"{role}.stimulus_id={ids[constant][0]}", "CONSTANT_STIMULUS",
                   fix=f"drop those stimuli or check the {role}")
    return 1.0 - np.corrcoef(values)


class SubsetRanks:
    """Average ranks of an RDM's upper triangle restricted to any stimulus subset, from one sort.

    Ranking the subset's pairs equals counting the selected pairs along the full sorted order, so each
    subset costs O(pairs) instead of a new sort; ties get their average rank (as scipy.stats.spearmanr).
    """

    def __init__(self, matrix: np.ndarray):
        self.rows, self.cols = np.triu_indices(matrix.shape[0], k=1)
        values = matrix[self.rows, self.cols]
        self.order = np.argsort(values, kind="stable")
        sorted_values = values[self.order]
        self.group = np.cumsum(np.r_[True, sorted_values[1:] != sorted_values[:-1]]) - 1

    def ranks(self, selected: np.ndarray) -> np.ndarray:
        """Ranks of the pairs with both stimuli in `selected` (boolean per stimulus), in pair order."""
        pair_mask = selected[self.rows] & selected[self.cols]
        chosen = pair_mask[self.order]
        position = np.cumsum(chosen).astype(np.float64)
        group = self.group[chosen]
        mean_rank = np.bincount(group, weights=position[chosen]) / np.maximum(np.bincount(group), 1)
        ranks = np.empty(self.order.size)
        ranks[self.order[chosen]] = mean_rank[group]
        return ranks[pair_mask]


class RDMSimilarity(Metric):
    """Spearman r between the source and target RDMs' upper triangles (Brain-Score's RDMMetric).

    cross_validated: if True, Brain-Score's RDMCrossValidated: the comparison on `splits` random subsets
    of `subset_size` of the stimuli, mean over subsets, error std (ddof=0) / sqrt(splits); otherwise
    one comparison on all stimuli with error 0. RDMs are computed once; subsets only re-rank them.
    """

    name: ClassVar[str] = "rdm"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = dict(SUBSET_DEFAULTS)

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        p = self.parameters
        data = align(source, target, check_constant_target=False)
        if data.stimulus_ids.size < 4:
            raise fail(f"RSA needs at least 4 stimuli, got {data.stimulus_ids.size}", "stimuli", "TOO_FEW_STIMULI")
        source_ranks = SubsetRanks(rdm(data.source, data.stimulus_ids, "source"))
        target_ranks = SubsetRanks(rdm(data.target, data.stimulus_ids, "target"))
        subsets = stimulus_subsets(data, p)
        everything = np.ones(data.stimulus_ids.size, dtype=bool)
        masks = [everything] if subsets is None else [np.isin(np.arange(everything.size), rows) for rows in subsets]
        per_split = np.array([pearson(source_ranks.ranks(mask), target_ranks.ranks(mask)) for mask in masks])
        if np.isnan(per_split).any():
            raise fail("RDM comparison is undefined: an RDM's upper triangle is constant", "source/target",
                       "CONSTANT_RDM")
        error = 0.0 if subsets is None else standard_error(per_split)
        return Score(value=float(per_split.mean()), error=error, metric=self.name, version=self.version,
                     parameters=dict(p), per_split=per_split)
