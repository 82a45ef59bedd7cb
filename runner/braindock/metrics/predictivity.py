"""Neural predictivity (Schrimpf et al. 2018): cross-validated linear map, Pearson r on held-out stimuli."""
from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import numpy as np
import xarray as xr

from .alignment import align, fail, preview
from .base import Metric, Score
from .neuron_to_neuron import neuron_to_neuron_predictions
from .regression import REGRESSIONS, Features, held_out_predictions
from .splits import make_splits
from .stats import pearson_columns, standard_error

FIXED_SPLIT_BOOTSTRAPS = 1000
MAPPINGS = (*REGRESSIONS, "neuron_to_neuron")


class NeuralPredictivity(Metric):
    """Brain-Score's CrossRegressedCorrelation, vectorised over neuroids and sharing one kernel over splits.

    source: (presentation, neuroid) model features; target: (presentation, neuroid) recordings averaged
    over repetitions; rows matched by `stimulus_id`. Per split, `regression` maps training source to
    training target (all neuroids in one fit), predicts the test stimuli, and scores Pearson r per
    neuroid; the split's score is the median over neuroids. The score is the mean over splits and its
    error is Brain-Score's standard error of the mean: std over splits (ddof=0) / sqrt(n splits).

    Parameters:
      regression: pls (PLSRegression(n_components, scale=False), Brain-Score's default) | ridge (one alpha,
        `alphas`, default 1.0) | ridgecv (leave-one-out over `alphas`, default logspace(-3, 3, 7); Brain-Score's
        ridgecv_split and dual_ridgecv_split alike) | ols | neuron_to_neuron (each neuroid predicted by the one
        source column that correlates best on the training stimuli; Brain-Score's `neuron_to_neuron`).
      split: stratified_shuffle (sklearn StratifiedShuffleSplit(splits, train_size, random_state=seed) over
        `stratify_by`, or ShuffleSplit when stratify_by is None), fixed (one split read from the target's
        presentation coordinate `split`, values 'train'/'test'; its error is the bootstrap standard error of
        the median over neuroids, 1000 resamples seeded by `seed`), group_kfold (sklearn GroupKFold(splits)
        over the presentation coordinate `group_by`, e.g. story or passage).
    Splits index stimuli sorted by stimulus_id, like Brain-Score's alignment step.
    """

    name: ClassVar[str] = "neural_predictivity"
    # 1.1: PLS by LAPACK dsyevr, ridge/OLS from one in-place N_KK (last bits); 1.2: ridge-CV over more alphas than
    # 2 per split from one eigendecomposition per split, refits by scipy's eigh (last bits); 1.3: PLS reads y's
    # training rows in place, ridge on one split solves its own system by Cholesky (last bits)
    version: ClassVar[str] = "1.3"
    defaults: ClassVar[dict[str, Any]] = {
        "regression": "pls", "n_components": 25, "alphas": None, "splits": 10, "train_size": 0.9,
        "split": "stratified_shuffle", "stratify_by": None, "group_by": None, "seed": 1,
    }

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        p = self.parameters
        if p["regression"] not in MAPPINGS:
            raise fail(f"unknown regression {p['regression']!r}; known regressions: {list(MAPPINGS)}",
                       "parameters.regression", "UNKNOWN_REGRESSION")
        data = align(source, target)
        splits = make_splits(p["split"], data.target_assembly, splits=p["splits"], train_size=p["train_size"],
                             seed=p["seed"], stratify_by=p["stratify_by"], group_by=p["group_by"])
        if p["regression"] == "neuron_to_neuron":
            predictions = neuron_to_neuron_predictions(data.source, data.target, splits, data.neuroid_ids)
        else:
            predictions = held_out_predictions(p["regression"], Features(data.source), data.target, splits,
                                               n_components=p["n_components"], alphas=p["alphas"])
        correlations = np.empty((len(splits), data.target.shape[1]))
        for i, ((_, test), (prediction, _)) in enumerate(zip(splits, predictions)):
            correlations[i] = pearson_columns(prediction, data.target[test])
            _require_defined(correlations[i], data, test, i)
        per_neuroid = xr.DataArray(correlations, dims=("split", "neuroid"),
                                   coords={"neuroid_id": ("neuroid", data.neuroid_ids)})  # splits by position
        per_split = np.median(correlations, axis=1)
        if len(splits) == 1:
            error = _bootstrap_median_error(correlations[0], p["seed"])
        else:
            error = standard_error(per_split)
        return Score(value=float(per_split.mean()), error=error, metric=self.name, version=self.version,
                     parameters=dict(p), per_split=per_split, per_neuroid=per_neuroid,
                     details={"splits_sha256": splits_digest(data.stimulus_ids, splits)})


def splits_digest(stimulus_ids: np.ndarray, splits) -> str:
    """sha256 of the exact splits (training and test stimulus_ids of each, in order): what a record pins."""
    text = "\n".join(f"{','.join(map(str, stimulus_ids[train]))}|{','.join(map(str, stimulus_ids[test]))}" for train, test in splits)
    return hashlib.sha256(text.encode()).hexdigest()


def _require_defined(r: np.ndarray, data, test: np.ndarray, split: int) -> None:
    undefined = np.isnan(r)
    if undefined.any():
        ids = data.neuroid_ids[undefined]
        constant_target = np.ptp(data.target[test][:, undefined], axis=0) == 0
        cause = ("the target is constant on the held-out stimuli" if constant_target.all()
                 else "the prediction is constant on the held-out stimuli")
        raise fail(f"Pearson r is undefined in split {split} for neuroid_id {preview(ids)}: {cause}",
                   f"target.neuroid_id={ids[0]}", "UNDEFINED_CORRELATION",
                   fix="drop neuroids that barely vary, or use more test stimuli (lower train_size)")


def _bootstrap_median_error(values: np.ndarray, seed: int) -> float:
    """Standard deviation of the median over FIXED_SPLIT_BOOTSTRAPS resamples of `values` with replacement.
    A resample's median is read off the sorted values at the middle order statistics of the sorted positions
    it drew (from how often it drew each, cumulated): no resample is sorted, and the medians are np.median's."""
    rng = np.random.default_rng(seed)
    n, resamples = values.size, FIXED_SPLIT_BOOTSTRAPS
    samples = rng.integers(0, n, size=(resamples, n))
    order = np.argsort(values, kind="stable")
    position = np.empty(n, dtype=np.intp)
    position[order] = np.arange(n)
    drawn = np.take(position, samples)
    drawn += n * np.arange(resamples)[:, None]  # one bin per (resample, sorted position)
    cumulative = np.cumsum(np.bincount(drawn.ravel(), minlength=resamples * n).reshape(resamples, n), axis=1)
    ordered = values[order]
    low, high = ((cumulative > k).argmax(axis=1) for k in ((n - 1) // 2, n // 2))  # the middle order statistics
    return float(((ordered[low] + ordered[high]) / 2).std(ddof=1))
