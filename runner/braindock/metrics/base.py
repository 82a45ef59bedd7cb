"""The metric contract: every metric and ceiling is called as metric(source, target) -> Score."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import xarray as xr

from ..errors import UsageError


@dataclass(frozen=True)
class Score:
    """A metric's result: centre, error, and everything it was computed from (nothing thrown away)."""

    value: float
    error: float
    metric: str
    version: str
    parameters: dict[str, Any]
    per_split: np.ndarray = field(default_factory=lambda: np.empty(0))
    per_neuroid: xr.DataArray | None = None  # dims (split, neuroid) or (neuroid,), neuroid_id coord
    details: dict[str, Any] = field(default_factory=dict)  # derived facts worth recording (e.g. splits_sha256)

    def to_dict(self, with_neuroids: bool = True) -> dict[str, Any]:
        """JSON-ready form for the score record."""
        out: dict[str, Any] = {
            "value": float(self.value),
            "error": float(self.error),
            "metric": self.metric,
            "version": self.version,
            "parameters": self.parameters,
            "per_split": [float(v) for v in np.ravel(self.per_split)],
            **self.details,
        }
        if with_neuroids and self.per_neuroid is not None:
            values = self.per_neuroid
            if "split" in values.dims:
                values = values.mean("split")
            ids = values["neuroid_id"].values if "neuroid_id" in values.coords else np.arange(values.size)
            out["per_neuroid"] = {str(i): float(v) for i, v in zip(ids, values.values)}
        return out


class Parameterised(ABC):
    """A named, versioned computation whose parameters are declared with defaults and stored whole."""

    name: ClassVar[str]
    version: ClassVar[str]  # bump exactly when the same inputs would give a different score
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **parameters: Any):
        unknown = sorted(set(parameters) - set(self.defaults))
        if unknown:
            raise UsageError(
                f"{self.name!r} has no parameter(s) {unknown}; known parameters: {sorted(self.defaults)}"
            )
        self.parameters: dict[str, Any] = {**self.defaults, **parameters}


class Metric(Parameterised):
    """Compare model `source` with recorded `target`, aligned by stimulus_id; never by position.

    Neural metrics: source and target are DataArrays with dims (presentation, neuroid) and a
    `stimulus_id` coordinate on presentation (target averaged over repetitions; extra presentation
    coordinates such as `object_name` are there for stratification).
    Behavioural metrics: source is (presentation, choice) probabilities, target is per-trial choices.
    """

    higher_is_better = True  # how leaderboards rank its scores (perplexity: lower)

    @abstractmethod
    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        """Score `source` against `target`."""


class Ceiling(Parameterised):
    """Estimate how well the data predict themselves; called as ceiling(assembly) -> Score.

    `assembly` keeps every repetition: dims (presentation, neuroid) with `stimulus_id` and
    `repetition` (neural), or per-trial rows (behaviour).
    """

    @abstractmethod
    def __call__(self, assembly: xr.DataArray) -> Score:
        """Ceiling of `assembly`."""
