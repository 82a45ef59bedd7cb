"""Classification accuracy (engineering benchmarks: the stand-in for ImageNet top-1): how often the model names the
right object.

Data (matched by stimulus_id, never by position):
- source: DataArray dims (presentation,) of the model's chosen labels (task `label`), `stimulus_id` on presentation.
- target: per-trial DataArray dims (presentation,) with presentation coordinates `stimulus_id` and `truth` (the
  generator's label of each image; a stimulus may appear in several trials, always with the same truth).

The score is the fraction of the target's distinct stimuli the model labels with their truth; its error the
binomial standard error sqrt(p (1 - p) / n) over those n stimuli. Chance (1 / the number of distinct truths) and
the accuracy per truth are kept in the details.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import xarray as xr

from .alignment import fail, preview, require_coord, require_dims
from .base import Metric, Score


def truths(target: xr.DataArray) -> dict[str, str]:
    """stimulus_id -> truth over the target's trials; MetricError when one stimulus has two truths."""
    target = require_dims(target, ("presentation",), "target")
    ids = require_coord(target, "stimulus_id", "presentation", "target").astype(str).tolist()
    labels = require_coord(target, "truth", "presentation", "target", "the right label of each stimulus").astype(str).tolist()
    out: dict[str, str] = {}
    for stimulus_id, truth in zip(ids, labels):
        if out.setdefault(stimulus_id, truth) != truth:
            raise fail(f"stimulus_id {stimulus_id!r} has two truths, {out[stimulus_id]!r} and {truth!r}",
                       f"target.truth [stimulus_id={stimulus_id}]", "CONFLICTING_TRUTH",
                       fix="give every trial of a stimulus the same truth")
    return out


class Accuracy(Metric):
    """Fraction of the target's stimuli the model labels with their truth; binomial standard error."""

    name: ClassVar[str] = "accuracy"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {}

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        source = require_dims(source, ("presentation",), "source")  # the model's choices
        choice = dict(zip(require_coord(source, "stimulus_id", "presentation", "source").astype(str).tolist(),
                          np.asarray(source.values).astype(str).tolist()))
        truth = truths(target)
        missing = sorted(truth.keys() - choice.keys())
        if missing:
            raise fail(f"the model gave no label for stimulus_id {preview(missing)}", "source.stimulus_id",
                       "MISSING_STIMULUS", fix="answer every stimulus of the benchmark")
        correct = np.array([choice[s] == t for s, t in truth.items()], dtype=np.float64)
        value = float(correct.mean())
        labels = sorted(set(truth.values()))
        per_label = {label: float(np.mean([choice[s] == t for s, t in truth.items() if t == label])) for label in labels}
        return Score(value=value, error=float(np.sqrt(value * (1 - value) / correct.size)), metric=self.name,
                     version=self.version, parameters={}, per_split=np.array([value]),
                     details={"stimuli": int(correct.size), "correct": int(correct.sum()), "chance": 1.0 / len(labels),
                              "per_label": per_label})
