"""The benchmark's own mapping (its manifest's regression) from model features to recorded sites, applied to a pool.

One fit on all benchmark stimuli gives each candidate's predicted response; one fit per CV split of the benchmark's
metric (same splits, same seed) gives the spread of that prediction: its uncertainty. Candidates are extra rows of
the regression's feature matrix that no training set contains, so the fits are the metric's own code.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..contract.assemblies import average_repetitions
from ..errors import Problem, UsageError
from ..metrics.alignment import align
from ..metrics.regression import REGRESSIONS, Features, held_out_predictions
from ..metrics.splits import make_splits

REGION_MEAN = "region-mean"


@dataclass(frozen=True)
class Prediction:
    """Per candidate (pool order): the full-fit prediction of the target, and its SD across the CV-split fits."""

    value: np.ndarray
    split_sd: np.ndarray
    n_splits: int


def target_sites(recordings: xr.DataArray, region: str) -> list[str]:
    return [str(n) for n in recordings["neuroid_id"].values[(recordings["region"] == region).values]]


def target_columns(sites: list[str], target: str, who: str) -> list[int]:
    """Column indices the target averages: every site for region-mean, else the named site (unknown: listed)."""
    if target == REGION_MEAN:
        return list(range(len(sites)))
    if target not in sites:
        raise UsageError(f"{who} has no site {target!r}", [
            Problem("--target", "UNKNOWN_SITE", f"no recorded site is named {target!r}",
                    f"give {REGION_MEAN} or one of the {len(sites)} sites", expected=", ".join(sites), found=target)])
    return [sites.index(target)]


def predict(manifest: dict, recordings: xr.DataArray, benchmark_features: xr.DataArray, pool_features: np.ndarray,
            target: str, who: str) -> Prediction:
    """The target's predicted response to every pool row (pool_features: (candidates, features), time-averaged)."""
    region = manifest["region"]
    parameters = {"regression": "pls", "n_components": 25, "alphas": None, "splits": 10, "train_size": 0.9,
                  "split": "stratified_shuffle", "stratify_by": None, "group_by": None, "seed": 1,
                  **manifest["metric"].get("parameters", {})}
    if manifest["metric"]["name"] != "neural_predictivity" or parameters["regression"] not in REGRESSIONS:
        raise UsageError(f"{who}: its metric maps no regression a design can use", [
            Problem(f"{who} manifest.json#/metric", "NO_MAPPING", "a design needs the benchmark's regression from features to sites",
                    "use a benchmark scored by neural_predictivity with pls, ridge, ridgecv or ols",
                    expected=str(list(REGRESSIONS)), found=f"{manifest['metric']['name']} {parameters['regression']}")])
    recorded = recordings.isel(neuroid=(recordings["region"] == region).values)
    columns = target_columns(target_sites(recordings, region), target, who)
    data = align(benchmark_features.mean("time_bin"), average_repetitions(recorded))
    n, m = data.target.shape[0], pool_features.shape[0]
    features = Features(np.vstack([data.source.dense(), pool_features]))
    y = np.vstack([data.target, np.zeros((m, data.target.shape[1]))])
    candidates = np.arange(n, n + m)
    cv = make_splits(parameters["split"], data.target_assembly, splits=parameters["splits"], train_size=parameters["train_size"],
                     seed=parameters["seed"], stratify_by=parameters["stratify_by"], group_by=parameters["group_by"])
    splits = [(np.arange(n), candidates)] + [(train, candidates) for train, _ in cv]
    fitted = held_out_predictions(parameters["regression"], features, y, splits,
                                  n_components=parameters["n_components"], alphas=parameters["alphas"])
    per_fit = np.array([prediction[:, columns].mean(axis=1) for prediction, _ in fitted])
    return Prediction(per_fit[0], per_fit[1:].std(axis=0, ddof=1), len(cv))
