"""Odd-one-out agreement (Hebart et al. 2020, 2023; Brain-Score's Hebart2023Match) and its noise ceiling.

Data:
- source: DataArray dims (triplet,) holding the stimulus_id the model chose as the odd one, with triplet
  coordinates `stimulus_id_1`, `stimulus_id_2`, `stimulus_id_3`.
- target: per-trial DataArray dims (presentation,) with presentation coordinates `stimulus_id_1..3`,
  `choice` (the stimulus_id a human chose) and `subject`.
A triplet is identified by its three ids as an unordered set, so the order a human saw them in does not
matter. The score is the fraction of human trials whose choice equals the model's for that triplet
(Brain-Score: one response per triplet; raw = accuracy; chance is 1/3). Error: binomial standard error over
trials. The ceiling is the agreement the population's own majority reaches: for every trial of a triplet
answered more than once, the majority choice of the triplet's other trials (ties share credit) is
compared with that trial; the mean over those trials. Hebart et al.'s published noise ceiling is 0.6767.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, ClassVar

import numpy as np
import xarray as xr

from ..contract.constants import POSITIONS
from .alignment import fail, preview, require_coord, require_dims
from .base import Ceiling, Metric, Score

CHANCE = 1.0 / 3.0


def triplet_keys(assembly: xr.DataArray, dim: str, role: str) -> list[frozenset]:
    """The unordered triplet of every row of `assembly` along `dim`."""
    columns = [require_coord(assembly, name, dim, role, "odd-one-out triplets").astype(str) for name in POSITIONS]
    return [frozenset(row) for row in zip(*(c.tolist() for c in columns))]


def human_trials(target: xr.DataArray) -> tuple[list[frozenset], list[str]]:
    """Per trial: its triplet and the chosen stimulus_id; MetricError when a choice is not one of the three."""
    if not isinstance(target, xr.DataArray) or target.dims != ("presentation",):
        raise fail("per-trial target must be a DataArray with dims ('presentation',)", "target", "WRONG_DIMS")
    keys = triplet_keys(target, "presentation", "target")
    choices = require_coord(target, "choice", "presentation", "target").astype(str).tolist()
    bad = [i for i, (k, c) in enumerate(zip(keys, choices)) if c not in k or len(k) != 3]
    if bad:
        raise fail(f"{len(bad)} trial(s) choose a stimulus outside their triplet (or repeat a stimulus), e.g. trial "
                   f"{bad[0]} chose {choices[bad[0]]!r}", f"target.choice [presentation={bad[0]}]", "BAD_TRIAL")
    return keys, choices


class OddOneOutAgreement(Metric):
    """Fraction of human odd-one-out trials on which the model chose the same stimulus."""

    name: ClassVar[str] = "odd_one_out_agreement"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {}

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        source = require_dims(source, ("triplet",), "source")  # the model's choices
        model = dict(zip(triplet_keys(source, "triplet", "source"), np.asarray(source.values).astype(str).tolist()))
        keys, choices = human_trials(target)
        missing = sorted({tuple(sorted(k)) for k in keys if k not in model})
        if missing:
            raise fail(f"the model gave no odd one for triplet {preview(missing)}", "source.triplet", "MISSING_TRIPLET",
                       fix="answer every triplet of the request")
        agree = np.array([model[k] == c for k, c in zip(keys, choices)], dtype=np.float64)
        value = float(agree.mean())
        return Score(value=value, error=float(np.sqrt(value * (1 - value) / agree.size)), metric=self.name,
                     version=self.version, parameters={"chance": CHANCE}, per_split=np.array([value]),
                     details={"trials": int(agree.size), "triplets": len(model)})


class OddOneOutNoiseCeiling(Ceiling):
    """Leave-one-trial-out majority agreement over triplets answered more than once."""

    name: ClassVar[str] = "odd_one_out_noise_ceiling"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {}

    def __call__(self, assembly: xr.DataArray) -> Score:
        keys, choices = human_trials(assembly)
        answers: dict[frozenset, list[str]] = defaultdict(list)
        for key, choice in zip(keys, choices):
            answers[key].append(choice)
        credit = []
        for given in answers.values():
            if len(given) < 2:
                continue
            counts = Counter(given)
            for choice in given:
                counts[choice] -= 1  # the others' votes
                top = max(counts.values())
                winners = [c for c, n in counts.items() if n == top]
                credit.append((choice in winners) / len(winners))
                counts[choice] += 1
        if not credit:
            raise fail("no triplet was answered more than once; the noise ceiling needs repeated triplets",
                       "target", "NO_REPEATED_TRIPLETS", fix="include repeated presentations of some triplets")
        values = np.array(credit)
        value = float(values.mean())
        return Score(value=value, error=float(values.std() / np.sqrt(values.size)), metric=self.name,
                     version=self.version, parameters={}, per_split=np.array([value]),
                     details={"trials": int(values.size)})
