"""Image-level behavioural consistency I1n / I2n (Rajalingham, Issa et al. 2018) and its split-half ceiling.

Data (all matched by stimulus_id, never by position):
- source: DataArray dims (presentation, choice) of the model's choice probabilities; `stimulus_id` on
  presentation, the object labels as the `choice` coordinate.
- target: per-trial DataArray dims (presentation,) (values unused) with presentation coordinates
  `stimulus_id`, `truth` (the object shown), `distractor` (the other object offered in the 2AFC trial),
  `choice` (the object chosen) and optionally `subject`.

Definition, following brain-score/vision `metrics/i1i2/metric.py` (only I2n is verified there):
1. Response matrix (image x object, NaN where object == truth). Model: p(o) / (p(o) + p(truth)).
   Humans: fraction of trials offering distractor o in which o was chosen.
2. d' = z(1 - rate[image, o]) - z(mean rate of choosing the image's truth on images of object o),
   clipped at +-5. 3. Normalised (the "n"): subtract, per (truth, distractor), the mean over images (I1 skips this step).
4. I1n and I1 average the distractors per image; I2n keeps image x distractor cells.
5. Per split, the trials are shuffled (numpy RandomState(seed), a fresh state for the metric and for
   the ceiling, so split i uses the same halves in both) and halved; the score is Pearson r between the
   model and the first half over the cells the half defines; the ceiling is r between the two halves.
   Value: mean over splits; error: std over splits (ddof=0), as Brain-Score's behavioural aggregate.
   Brain-Score ceils per split with r / sqrt(ceiling): normalisation "r/sqrt(ceiling)".
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import scipy.stats
import xarray as xr

from .alignment import fail, preview, require_coord, require_dims
from .base import Ceiling, Metric, Score
from .stats import pearson

CAP = 5.0
BEHAVIOUR_DEFAULTS = {"splits": 2, "seed": 0}  # Brain-Score: 2 repetitions, RandomState(0)


@dataclass(frozen=True)
class Trials:
    """Per-trial data as indices into sorted image and object label arrays."""

    images: np.ndarray  # sorted stimulus_ids
    objects: np.ndarray  # object labels (the source's choice labels when scoring a model)
    image: np.ndarray  # per trial
    truth: np.ndarray
    distractor: np.ndarray
    choice: np.ndarray

    @property
    def image_truth(self) -> np.ndarray:
        truth = np.empty(self.images.size, dtype=np.intp)
        truth[self.image] = self.truth
        return truth


def read_trials(target: xr.DataArray, objects: np.ndarray | None = None) -> Trials:
    """Check the per-trial target and index it; MetricError naming missing coordinates or bad labels."""
    if not isinstance(target, xr.DataArray) or target.dims != ("presentation",):
        found = tuple(target.dims) if isinstance(target, xr.DataArray) else type(target).__name__
        raise fail(f"behavioural target must be a DataArray with dims ('presentation',), found {found}",
                   "target", "WRONG_DIMS", expected=("presentation",), found=found)
    stimulus = require_coord(target, "stimulus_id", "presentation", "target")
    truth, distractor, choice = (require_coord(target, name, "presentation", "target", "per-trial behaviour")
                                 for name in ("truth", "distractor", "choice"))
    if objects is None:
        objects = np.unique(np.concatenate([truth, distractor, choice]))
    labels = {label: i for i, label in enumerate(objects.tolist())}
    for name, values in (("truth", truth), ("distractor", distractor), ("choice", choice)):
        unknown = sorted(set(values.tolist()) - set(labels))
        if unknown:
            raise fail(f"target {name} label(s) {preview(unknown)} are not among the choices {preview(objects)}",
                       f"target.{name}", "UNKNOWN_LABEL", fix="make the model's choice labels cover every object")
    invalid = (choice != truth) & (choice != distractor)
    if invalid.any():
        raise fail(f"{int(invalid.sum())} trial(s) chose neither the truth nor the distractor, e.g. stimulus_id "
                   f"{preview(stimulus[invalid])}", "target.choice", "BAD_TRIAL")
    images, image = np.unique(stimulus, return_inverse=True)
    index = lambda values: np.fromiter((labels[v] for v in values.tolist()), dtype=np.intp, count=values.size)
    trials = Trials(images, objects, image, index(truth), index(distractor), index(choice))
    per_image_truth = np.zeros((images.size, objects.size), dtype=bool)
    per_image_truth[trials.image, trials.truth] = True
    ambiguous = per_image_truth.sum(axis=1) > 1
    if ambiguous.any():
        raise fail(f"stimulus_id(s) {preview(images[ambiguous])} have more than one `truth`", "target.truth",
                   "AMBIGUOUS_TRUTH")
    return trials


def human_rates(trials: Trials, rows: np.ndarray) -> np.ndarray:
    """Rate of choosing object o when o was the distractor, per image (image x object; NaN if never offered)."""
    shape = (trials.images.size, trials.objects.size)
    chosen = np.zeros(shape)
    offered = np.zeros(shape)
    errors = rows[trials.choice[rows] != trials.truth[rows]]
    np.add.at(chosen, (trials.image[errors], trials.choice[errors]), 1.0)
    np.add.at(offered, (trials.image[rows], trials.distractor[rows]), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = chosen / offered
    rates[np.arange(shape[0]), trials.image_truth] = np.nan
    return rates


def model_rates(probabilities: np.ndarray, image_truth: np.ndarray) -> np.ndarray:
    """p(o) / (p(o) + p(truth)): the model's 2AFC rate of choosing distractor o (NaN where o is the truth)."""
    truth_p = probabilities[np.arange(image_truth.size), image_truth][:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = probabilities / (probabilities + truth_p)
    rates[np.arange(image_truth.size), image_truth] = np.nan
    return rates


def _group_nanmean(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean over rows within each group, ignoring NaN (NaN where a group has no value)."""
    present = ~np.isnan(values)
    sums = np.zeros((n_groups, values.shape[1]))
    counts = np.zeros((n_groups, values.shape[1]))
    np.add.at(sums, groups, np.where(present, values, 0.0))
    np.add.at(counts, groups, present.astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def normalised_dprimes(rates: np.ndarray, image_truth: np.ndarray, collapse: bool, normalise: bool = True) -> np.ndarray:
    """Clipped d' per image x distractor (or per image if `collapse`), with the mean over the images of each
    (truth, distractor) removed if `normalise` (I1n/I2n) and kept if not (Brain-Score's I1/I2)."""
    n_objects = rates.shape[1]
    # false-alarm rate of object pair: mean over images of object o of choosing truth t: fa[o, t]
    false_alarms = _group_nanmean(rates, image_truth, n_objects)
    with np.errstate(invalid="ignore", divide="ignore"):
        dprime = scipy.stats.norm.ppf(1.0 - rates) - scipy.stats.norm.ppf(false_alarms.T[image_truth])
    dprime = np.clip(dprime, -CAP, CAP)
    if normalise:
        dprime = dprime - _group_nanmean(dprime, image_truth, n_objects)[image_truth]
    if collapse:
        with warnings.catch_warnings():  # images without any defined cell stay NaN ("Mean of empty slice")
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmean(dprime, axis=1)
    return dprime


def _halves(n_trials: int, splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    if not isinstance(splits, (int, np.integer)) or splits < 1:
        raise fail(f"splits must be a positive integer, got {splits!r}", "parameters.splits", "BAD_PARAMETER")
    state = np.random.RandomState(seed)
    halves = []
    for _ in range(splits):
        order = state.permutation(n_trials)
        halves.append((order[: n_trials // 2], order[n_trials // 2:]))
    return halves


def _correlate(model: np.ndarray, data: np.ndarray, split: int, model_role: str) -> float:
    cells = ~np.isnan(data)
    if model_role != "source":
        cells &= ~np.isnan(model)
    elif np.isnan(model[cells]).any():
        raise fail(f"the model's normalised d' is undefined (NaN) in {int(np.isnan(model[cells]).sum())} cell(s) "
                   f"where the human data are defined (split {split}); probabilities of exactly 0 or 1?",
                   "source", "NOT_FINITE", fix="give strictly positive choice probabilities")
    if cells.sum() < 3:
        raise fail(f"only {int(cells.sum())} image cells are defined in split {split}; need at least 3",
                   "target", "TOO_FEW_TRIALS", fix="score on more trials")
    r = pearson(model[cells], data[cells])
    if np.isnan(r):
        raise fail(f"behavioural consistency is undefined in split {split}: one side is constant",
                   "source/target", "UNDEFINED_CORRELATION")
    return r


class _ImageLevel(Metric):
    collapse: ClassVar[bool]
    normalise: ClassVar[bool] = True
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = dict(BEHAVIOUR_DEFAULTS)

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        source = require_dims(source, ("presentation", "choice"), "source")
        objects = require_coord(source, "choice", "choice", "source", "the object labels")
        trials = read_trials(target, objects)
        source_ids = require_coord(source, "stimulus_id", "presentation", "source")
        missing = np.setdiff1d(trials.images, source_ids)
        if missing.size:
            raise fail(f"source lacks {missing.size} of the target's {trials.images.size} stimulus_ids, e.g. "
                       f"{preview(missing)}", f"source.stimulus_id={missing[0]}", "MISSING_STIMULI")
        position = {s: i for i, s in enumerate(source_ids.tolist())}
        probabilities = np.asarray(source.values, dtype=np.float64)[[position[s] for s in trials.images.tolist()]]
        if not np.isfinite(probabilities).all() or (probabilities < 0).any():
            bad = trials.images[~(np.isfinite(probabilities) & (probabilities >= 0)).all(axis=1)]
            raise fail(f"source probabilities must be finite and >= 0; bad at stimulus_id {preview(bad)}",
                       f"source.stimulus_id={bad[0]}", "NOT_FINITE")
        model = normalised_dprimes(model_rates(probabilities, trials.image_truth), trials.image_truth, self.collapse,
                                   self.normalise)
        per_split = np.array([
            _correlate(model, normalised_dprimes(human_rates(trials, half), trials.image_truth, self.collapse,
                                                 self.normalise),
                       split, "source")
            for split, (half, _) in enumerate(_halves(trials.image.size, self.parameters["splits"],
                                                       self.parameters["seed"]))])
        return Score(value=float(per_split.mean()), error=float(per_split.std()), metric=self.name,
                     version=self.version, parameters=dict(self.parameters), per_split=per_split)


class I2n(_ImageLevel):
    """Image-by-distractor normalised d' consistency (Rajalingham et al. 2018); see module docstring."""

    name: ClassVar[str] = "i2n"
    collapse: ClassVar[bool] = False


class I1n(_ImageLevel):
    """Per-image normalised d' consistency (distractors averaged); see module docstring."""

    name: ClassVar[str] = "i1n"
    collapse: ClassVar[bool] = True


class I1(_ImageLevel):
    """Per-image d' consistency without removing each object pair's mean (Brain-Score's registered `i1`):
    it rewards getting the objects' overall difficulty right as well as the images'."""

    name: ClassVar[str] = "i1"
    collapse: ClassVar[bool] = True
    normalise: ClassVar[bool] = False


class _SplitHalf(Ceiling):
    collapse: ClassVar[bool]
    normalise: ClassVar[bool] = True
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = dict(BEHAVIOUR_DEFAULTS)

    def __call__(self, assembly: xr.DataArray) -> Score:
        trials = read_trials(assembly)
        per_split = []
        for split, halves in enumerate(_halves(trials.image.size, self.parameters["splits"], self.parameters["seed"])):
            first, second = (normalised_dprimes(human_rates(trials, half), trials.image_truth, self.collapse,
                                                self.normalise) for half in halves)
            per_split.append(_correlate(first, second, split, "half"))
        per_split = np.array(per_split)
        return Score(value=float(per_split.mean()), error=float(per_split.std()), metric=self.name,
                     version=self.version, parameters=dict(self.parameters), per_split=per_split)


class I2nSplitHalf(_SplitHalf):
    """Split-half consistency of human I2n (no Spearman-Brown; ceil with r/sqrt(ceiling) per split)."""

    name: ClassVar[str] = "i2n_split_half"
    collapse: ClassVar[bool] = False


class I1nSplitHalf(_SplitHalf):
    """Split-half consistency of human I1n (no Spearman-Brown; ceil with r/sqrt(ceiling) per split)."""

    name: ClassVar[str] = "i1n_split_half"
    collapse: ClassVar[bool] = True


class I1SplitHalf(_SplitHalf):
    """Split-half consistency of human I1 (Brain-Score's `i1`.ceiling)."""

    name: ClassVar[str] = "i1_split_half"
    collapse: ClassVar[bool] = True
    normalise: ClassVar[bool] = False
