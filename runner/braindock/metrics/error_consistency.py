"""Error consistency (Geirhos, Meding & Wichmann 2020): do model and humans err on the same stimuli?

Data (matched by stimulus_id, never by position):
- source: DataArray dims (presentation,) of the model's chosen labels (task `label`), `stimulus_id` on
  presentation.
- target: per-trial DataArray dims (presentation,) with presentation coordinates `stimulus_id`, `truth`,
  `choice` and `subject` (each subject answers a stimulus at most once).

Per subject, over the stimuli that subject saw: c_obs = fraction of stimuli where model and subject are
both right or both wrong; with accuracies p_m, p_s the agreement expected from independent observers is
c_exp = p_m p_s + (1 - p_m)(1 - p_s); kappa = (c_obs - c_exp) / (1 - c_exp). The score is the mean kappa
over subjects (Brain-Score's Geirhos2021 error consistency), its error the standard error over subjects;
per_split holds each subject's kappa. The ceiling is the same kappa between every pair of subjects on the
stimuli both saw, averaged over pairs: how consistent humans are with one another.
"""
from __future__ import annotations

from itertools import combinations
from typing import Any, ClassVar

import numpy as np
import xarray as xr

from .alignment import fail, preview, require_coord, require_dims
from .base import Ceiling, Metric, Score
from .stats import standard_error


def kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two boolean correctness vectors over the same stimuli; NaN when c_exp is 1."""
    observed = np.mean(a == b)
    pa, pb = a.mean(), b.mean()
    expected = pa * pb + (1 - pa) * (1 - pb)
    return float((observed - expected) / (1 - expected)) if expected < 1 else float("nan")


def subject_correctness(target: xr.DataArray) -> dict[str, dict[str, bool]]:
    """subject -> {stimulus_id: correct}; MetricError when a subject answers a stimulus twice."""
    if not isinstance(target, xr.DataArray) or target.dims != ("presentation",):
        raise fail("per-trial target must be a DataArray with dims ('presentation',)", "target", "WRONG_DIMS")
    stimulus, truth, choice, subject = (require_coord(target, name, "presentation", "target", "per-trial behaviour")
                                        for name in ("stimulus_id", "truth", "choice", "subject"))
    out: dict[str, dict[str, bool]] = {}
    for s, t, c, who in zip(stimulus.tolist(), truth.tolist(), choice.tolist(), subject.astype(str).tolist()):
        answers = out.setdefault(who, {})
        if s in answers:
            raise fail(f"subject {who!r} answered stimulus_id {s!r} more than once", f"target [stimulus_id={s}]",
                       "DUPLICATE_TRIAL", fix="keep one trial per subject and stimulus (or average per subject)")
        answers[s] = t == c
    return out


def _pair(a: dict[str, bool], b: dict[str, bool], minimum: int = 2) -> float:
    common = sorted(a.keys() & b.keys())
    if len(common) < minimum:
        return float("nan")
    return kappa(np.array([a[s] for s in common]), np.array([b[s] for s in common]))


class ErrorConsistency(Metric):
    """Mean over subjects of Cohen's kappa between the model's and the subject's correct/wrong pattern."""

    name: ClassVar[str] = "error_consistency"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {}

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        source = require_dims(source, ("presentation",), "source")  # the model's choices
        model_choice = dict(zip(require_coord(source, "stimulus_id", "presentation", "source").tolist(),
                                np.asarray(source.values).astype(str).tolist()))
        truth_of = dict(zip(require_coord(target, "stimulus_id", "presentation", "target").tolist(),
                            require_coord(target, "truth", "presentation", "target").astype(str).tolist()))
        missing = sorted(truth_of.keys() - model_choice.keys())
        if missing:
            raise fail(f"the model gave no choice for stimulus_id {preview(missing)}", "source.stimulus_id",
                       "MISSING_STIMULUS", fix="answer every stimulus of the benchmark")
        model = {s: model_choice[s] == t for s, t in truth_of.items()}
        subjects = subject_correctness(target)
        names = sorted(subjects)
        per_subject = np.array([_pair(model, subjects[n]) for n in names])
        if np.isnan(per_subject).any():
            bad = [n for n, v in zip(names, per_subject) if np.isnan(v)]
            raise fail(f"error consistency is undefined for subject {preview(bad)}: model and subject are both always "
                       f"right (or both always wrong), or share fewer than 2 stimuli", "target.subject",
                       "UNDEFINED_KAPPA", fix="score on stimuli that both model and humans sometimes get wrong")
        return Score(value=float(per_subject.mean()), error=standard_error(per_subject), metric=self.name,
                     version=self.version, parameters={}, per_split=per_subject,
                     details={"subjects": names, "model_accuracy": float(np.mean(list(model.values())))})


class ErrorConsistencyHumans(Ceiling):
    """Mean kappa over every pair of subjects (on the stimuli both answered): the human-to-human consistency."""

    name: ClassVar[str] = "error_consistency_humans"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {}

    def __call__(self, assembly: xr.DataArray) -> Score:
        subjects = subject_correctness(assembly)
        pairs = [_pair(subjects[a], subjects[b]) for a, b in combinations(sorted(subjects), 2)]
        values = np.array([v for v in pairs if np.isfinite(v)])
        if values.size == 0:
            raise fail(f"no pair of the {len(subjects)} subject(s) shares 2 or more stimuli with a defined kappa",
                       "target.subject", "TOO_FEW_SUBJECTS", fix="the ceiling needs at least 2 subjects answering the same stimuli")
        return Score(value=float(values.mean()), error=standard_error(values), metric=self.name, version=self.version,
                     parameters={}, per_split=values, details={"subject_pairs": int(values.size)})
