"""Turn activations and recordings into raw score, ceiling and ceiled score, as the benchmark manifest names them."""
from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

from .. import metrics
from ..contract.assemblies import average_repetitions
from ..metrics import Score


@dataclass(frozen=True)
class Outcome:
    raw: Score
    ceiling: Score
    ceiled: Score


def score_neural(manifest: dict, recordings: xr.DataArray, activations: xr.DataArray) -> Outcome:
    """Metric on (model, repetition-averaged recordings); ceiling on the single trials; normalisation by name."""
    region = manifest["region"]
    recorded = recordings.isel(neuroid=(recordings["region"] == region).values)
    trials = recorded.mean("time_bin")
    target = average_repetitions(recorded)
    source = activations.mean("time_bin")
    spec = manifest["metric"]
    raw = metrics.get_metric(spec["name"], **spec["parameters"])(source, target)
    ceiling_spec = manifest["ceiling"]
    ceiling = metrics.get_ceiling(ceiling_spec["method"], **ceiling_spec["parameters"])(trials)
    return Outcome(raw, ceiling, metrics.normalize(manifest["normalization"], raw, ceiling))
