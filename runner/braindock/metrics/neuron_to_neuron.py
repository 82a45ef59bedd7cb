"""Neuron-to-neuron mapping (Arend et al. 2018; Brain-Score's `neuron_to_neuron`, its SingleRegression).

For every split and every target neuroid, the source column with the highest Pearson r on the training
stimuli (the first on ties; columns constant on the training stimuli are skipped, as numpy's nanargmax
skips their NaN) is the prediction of that neuroid on the test stimuli.

Brain-Score correlates all source columns with one target neuroid at a time, on each split's training rows.
We read the source once, a block of columns at a time (it may be memory-mapped), and get every split's
training moments from the full-data ones minus the left-out rows' (cross products X^T Y of all stimuli
once; per split only the left-out block), with source and target centred on all stimuli first (exact
in exact arithmetic; it keeps the subtraction well conditioned).
"""
from __future__ import annotations

import numpy as np

from .alignment import fail, preview
from .gram import Rows, matmul
from .regression import _left_out

CONSTANT = 1e3 * np.finfo(float).eps  # training variance below this share of the column's total: constant


def neuron_to_neuron_predictions(source: Rows, y: np.ndarray, splits, neuroid_ids: np.ndarray):
    """Test predictions (test, neuroid) of each split: the best training-set source column per neuroid."""
    n = y.shape[0]
    yc = y - y.mean(axis=0)
    left_outs = [_left_out(n, train, test) for train, test in splits]
    # per split: the training rows' sums and sums of squares of the (centred) target, from the left-out rows
    y_sums = [-yc[d].sum(axis=0) for d, _ in left_outs]  # the full sums are 0 up to rounding: centred
    y_squares = [(yc * yc).sum(axis=0) - (yc[d] * yc[d]).sum(axis=0) for d, _ in left_outs]
    best_r = np.full((len(splits), y.shape[1]), -np.inf)
    best_column = np.full((len(splits), y.shape[1]), -1, dtype=np.intp)
    for start, block in source.blocks():
        xc = block - block.mean(axis=0)
        cross = matmul(xc.T, yc)  # (feature, neuroid) over all stimuli
        total_squares = (xc * xc).sum(axis=0)
        for s, (d, _) in enumerate(left_outs):
            m = n - d.size
            xd = xc[d]
            x_sum = -xd.sum(axis=0)
            x_var = total_squares - (xd * xd).sum(axis=0) - x_sum * x_sum / m
            covariance = cross - matmul(xd.T, yc[d]) - np.outer(x_sum, y_sums[s] / m)
            y_var = y_squares[s] - y_sums[s] ** 2 / m
            with np.errstate(invalid="ignore", divide="ignore"):
                r = covariance / np.sqrt(np.outer(x_var, y_var))
            r[x_var <= CONSTANT * total_squares] = -np.inf
            r[np.isnan(r)] = -np.inf
            column = np.argmax(r, axis=0)  # the first maximum, as nanargmax
            value = r[column, np.arange(r.shape[1])]
            better = value > best_r[s]  # strictly: an earlier block keeps a tie
            best_r[s, better], best_column[s, better] = value[better], start + column[better]
    if (best_column < 0).any():
        split, neuroid = (int(i[0]) for i in np.nonzero(best_column < 0))
        raise fail(f"neuron_to_neuron: no source column varies on the training stimuli of split {split}, so no "
                   f"source neuroid can be matched to target neuroid_id "
                   f"{preview(neuroid_ids[best_column[split] < 0])}", "source", "CONSTANT_SOURCE",
                   fix="check the model's responses; they do not depend on the stimulus")
    predictions = []
    for s, (train, test) in enumerate(splits):
        columns = best_column[s]
        rows = source.rows[test]
        predictions.append((np.asarray(source.values[rows][:, columns], dtype=np.float64),
                            {"source_columns": columns.tolist()}))
    return predictions
