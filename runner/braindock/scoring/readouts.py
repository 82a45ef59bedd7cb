"""The runner's standard readouts: behaviour for a model that only records, from its committed region.

Same for every model, as Brain-Score does it: choice probabilities from a logistic regression fitted on
labelled fitting stimuli (StandardScaler, then multinomial LogisticRegression(C=1e-3), brain-score's
ProbabilitiesMapping); labels as the most probable of those; odd-one-out from dot-product similarity
(brain-score's default similarity_measure='dot'): the pair of a triplet most similar to each other stays,
the third is the odd one. Activations are averaged over time bins first.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from ..contract.task_answers import triplet_array

LOGISTIC = {"name": "logistic_regression", "version": "1.0", "scaler": "standard", "C": 1e-3, "multinomial": True}
ODD_ONE_OUT = {"name": "dot_similarity", "version": "1.0", "similarity": "dot"}


def _features(activations: xr.DataArray) -> tuple[np.ndarray, dict[str, int]]:
    features = activations.mean("time_bin") if "time_bin" in activations.dims else activations
    row = {s: i for i, s in enumerate(features["stimulus_id"].values.tolist())}
    return np.asarray(features.values, dtype=np.float64), row


def readout_probabilities(activations: xr.DataArray, fitting: dict, test_ids: list[str]) -> xr.DataArray:
    """Logistic readout fitted on the fitting stimuli's activations and labels; probabilities for `test_ids`."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    values, row = _features(activations)
    fit_ids = [s["stimulus_id"] for s in fitting["stimuli"]]
    x_fit, x_test = values[[row[s] for s in fit_ids]], values[[row[s] for s in test_ids]]
    y_fit = np.array([s["label"] for s in fitting["stimuli"]])
    scaler = StandardScaler().fit(x_fit)
    classifier = LogisticRegression(C=LOGISTIC["C"], max_iter=1000).fit(scaler.transform(x_fit), y_fit)
    probabilities = classifier.predict_proba(scaler.transform(x_test))
    return xr.DataArray(probabilities, dims=("presentation", "choice"),
                        coords={"stimulus_id": ("presentation", test_ids), "choice": ("choice", classifier.classes_.astype(str))})


def readout_choices(activations: xr.DataArray, fitting: dict, test_ids: list[str]) -> xr.DataArray:
    """The label task through the logistic readout: the most probable label per test stimulus."""
    probabilities = readout_probabilities(activations, fitting, test_ids)
    chosen = probabilities["choice"].values[np.argmax(probabilities.values, axis=1)]
    return xr.DataArray(chosen.astype(object), dims=("presentation",), coords={"stimulus_id": ("presentation", test_ids)})


def readout_odd_one_out(activations: xr.DataArray, triplets: list[list[str]]) -> xr.DataArray:
    """Per triplet (a, b, c): similarities s_bc, s_ac, s_ab; the stimulus opposite the largest is the odd one.

    Similarities come from one stimulus-by-stimulus Gram (memory O(stimuli^2), whatever the number of triplets)."""
    values, row = _features(activations)
    similarity = values @ values.T
    a, b, c = np.array([[row[s] for s in triplet] for triplet in triplets]).T
    odd = np.argmax(np.stack([similarity[b, c], similarity[a, c], similarity[a, b]], axis=1), axis=1)
    return triplet_array([triplet[k] for triplet, k in zip(triplets, odd.tolist())], triplets)
