"""Metrics of next-word prediction: perplexity, reading times predicted from surprisal, and their ceilings.

Word-level data have dims ("word",) (model log-probabilities) or ("word", "subject") (reading times), with
`stimulus_id` and `word_index` coordinates on "word"; model and data are aligned by that pair, never by position.
A reading time is NaN where that reader did not read the word (Natural Stories: each reader read some stories);
means over readers skip them, as Brain-Score's xarray mean does, and equal the plain mean when nobody is missing.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from .alignment import fail, require_coord, require_dims
from .base import Ceiling, Metric, Score
from .splits import group_kfold

LN2 = np.log(2)


def word_keys(assembly: xr.DataArray, role: str) -> list[tuple[str, int]]:
    ids = require_coord(assembly, "stimulus_id", "word", role, "words are aligned by stimulus_id and word_index")
    index = require_coord(assembly, "word_index", "word", role, "words are aligned by stimulus_id and word_index")
    return list(zip(ids.astype(str).tolist(), index.astype(int).tolist()))


def align_words(source: xr.DataArray, target: xr.DataArray) -> np.ndarray:
    """Positions in `source` of every word of `target`; MetricError naming the words source lacks."""
    position = {key: i for i, key in enumerate(word_keys(source, "source"))}
    wanted = word_keys(target, "target")
    missing = [key for key in wanted if key not in position]
    if missing:
        raise fail(f"the model has no log-probability for {len(missing)} words, e.g. {missing[0]}", "source.word",
                   "MISSING_WORD", "answer every word of every stimulus", expected=len(wanted), found=len(wanted) - len(missing))
    return np.array([position[key] for key in wanted])


def _finite_log_probabilities(source: xr.DataArray) -> np.ndarray:
    values = np.asarray(require_dims(source, ("word",), "source").values, dtype=np.float64)
    bad = ~np.isfinite(values) | (values > 1e-9)
    if bad.any():
        raise fail(f"{int(bad.sum())} log-probabilities are not finite numbers <= 0", "source", "BAD_LOG_PROBABILITY",
                   "give every word a probability in (0, 1], as a natural log", found=values[bad][:5].tolist())
    return values


class Perplexity(Metric):
    """exp(-mean natural-log probability) over the target's words (lower is better; 1 is perfect)."""

    name = "perplexity"
    version = "1.0"
    higher_is_better = False
    defaults: dict = {}

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        values = _finite_log_probabilities(source)[align_words(source, target)]
        per_stimulus = xr.DataArray(values, dims="word", coords={"stimulus_id": ("word", [k for k, _ in word_keys(target, "target")])})
        mean_by_stimulus = per_stimulus.groupby("stimulus_id").mean().values
        error = float(np.exp(-values.mean()) * mean_by_stimulus.std(ddof=1) / np.sqrt(mean_by_stimulus.size)) if mean_by_stimulus.size > 1 else 0.0
        return Score(float(np.exp(-values.mean())), error, self.name, self.version, dict(self.parameters),
                     details={"words": int(values.size), "bits_per_word": float(-values.mean() / LN2)})


def _readers_mean(values: np.ndarray) -> np.ndarray:
    """Per word (row), the mean over the readers (columns) who read it: NaN cells skipped, an all-NaN row NaN."""
    read = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(read, values, 0.0).sum(1) / read.sum(1)


def _reading_times(target: xr.DataArray, role: str) -> np.ndarray:
    """(word, subject) reading times: finite or NaN (not read); MetricError naming an infinite time or a word nobody read."""
    values = np.asarray(require_dims(target, ("word", "subject"), role).values, dtype=np.float64)
    if np.isinf(values).any():
        raise fail(f"{int(np.isinf(values).sum())} reading times are infinite", role, "BAD_READING_TIME",
                   "store a reader's time for a word in ms, or NaN where the reader did not read it")
    unread = np.flatnonzero(np.isnan(values).all(1))
    if unread.size:
        raise fail(f"{unread.size} words have no reading time from any reader, e.g. {word_keys(target, role)[unread[0]]}",
                   f"{role}.word", "UNREAD_WORD", "drop the words no reader read")
    return values


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denominator = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


class ReadingTimePredictivity(Metric):
    """Pearson r between the subject-mean reading time and its cross-validated linear prediction from the model's
    surprisal (bits) and the word's letters, folds grouped by `group_by` (a word coordinate); mean over folds."""

    name = "reading_time_predictivity"
    version = "1.0"
    defaults = {"group_by": "story", "splits": 5}

    def __call__(self, source: xr.DataArray, target: xr.DataArray) -> Score:
        reading = _readers_mean(_reading_times(target, "target"))
        surprisal = -_finite_log_probabilities(source)[align_words(source, target)] / LN2
        letters = np.array([len(str(w)) for w in require_coord(target, "word", "word", "target", "the letters of each word")], dtype=float)
        groups = require_coord(target, self.parameters["group_by"], "word", "target", "folds keep its values together")
        design = np.column_stack([np.ones_like(surprisal), surprisal, letters])
        per_split = []
        for train, test in group_kfold(groups, self.parameters["splits"], self.parameters["group_by"]):
            weights, *_ = np.linalg.lstsq(design[train], reading[train], rcond=None)
            per_split.append(_pearson(design[test] @ weights, reading[test]))
        per_split = np.array(per_split)
        return Score(float(per_split.mean()), float(per_split.std(ddof=1) / np.sqrt(per_split.size)), self.name, self.version,
                     dict(self.parameters), per_split=per_split, details={"words": int(reading.size)})


class ReadingTimeConsistency(Ceiling):
    """The r a perfect predictor of the subject-mean reading time reaches: sqrt of the Spearman-Brown-corrected
    correlation between the mean RTs of random halves of the subjects (mean over `splits` halvings; a halving
    correlates the words that both halves read)."""

    name = "reading_time_consistency"
    version = "1.0"
    defaults = {"splits": 50, "seed": 0}

    def __call__(self, assembly: xr.DataArray) -> Score:
        values = _reading_times(assembly, "recordings")
        n = values.shape[1]
        if n < 2:
            raise fail(f"a split-half ceiling needs 2 or more subjects, found {n}", "recordings.subject", "TOO_FEW_SUBJECTS")
        rng = np.random.default_rng(self.parameters["seed"])
        per_split = []
        for _ in range(self.parameters["splits"]):
            order = rng.permutation(n)
            first, second = _readers_mean(values[:, order[: n // 2]]), _readers_mean(values[:, order[n // 2:]])
            both = ~np.isnan(first) & ~np.isnan(second)
            if both.sum() < 3:
                raise fail(f"a random half of the {n} readers shares {int(both.sum())} words with the other half", "recordings",
                           "TOO_FEW_SHARED_WORDS", "have more readers read each word (each half needs readers of the same words)")
            r = _pearson(first[both], second[both])
            per_split.append(np.sqrt(max(2 * r / (1 + r), 0.0)))
        per_split = np.array(per_split)
        return Score(float(per_split.mean()), float(per_split.std()), self.name, self.version, dict(self.parameters), per_split=per_split)


class NoCeiling(Ceiling):
    """Engineering benchmarks have none: the unit, which normalisation `none` ignores."""

    name = "none"
    version = "1.0"
    defaults: dict = {}

    def __call__(self, assembly: xr.DataArray) -> Score:
        return Score(1.0, 0.0, self.name, self.version, {})
