"""Stimulus subsets for test-only cross-validation (Brain-Score's TestOnlyCrossValidation).

Each split evaluates the metric on a random `subset_size` fraction of the stimuli: the test part of
sklearn (Stratified)ShuffleSplit(splits, test_size=subset_size, random_state=seed) over stimuli sorted
by stimulus_id. Brain-Score uses it for cross-validated CKA and RDM with test_size=0.9.
"""
from __future__ import annotations

import numpy as np

from .alignment import Aligned, fail
from .splits import shuffle_splits

SUBSET_DEFAULTS = {"cross_validated": False, "splits": 10, "subset_size": 0.9, "stratify_by": None, "seed": 1}


def stimulus_subsets(data: Aligned, parameters: dict) -> list[np.ndarray] | None:
    """Row subsets per split, or None when the metric is not cross-validated (one pass on all stimuli)."""
    if not parameters["cross_validated"]:
        return None
    size = parameters["subset_size"]
    if not 0 < size < 1:
        raise fail(f"subset_size must be strictly between 0 and 1, got {size}", "parameters.subset_size",
                   "BAD_PARAMETER")
    n = data.stimulus_ids.size
    strata = data.coordinate(parameters["stratify_by"], "stratify_by") if parameters["stratify_by"] else None
    splits = shuffle_splits(n, parameters["splits"], None, parameters["seed"], strata, test_size=size)
    return [test for _, test in splits]
