"""Neural ceilings: split-half internal consistency (Brain-Score vision), subject-pool extrapolation
(Brain-Score language), and the RDM consistency between subjects (Brain-Score's rsa_ceiling)."""
from __future__ import annotations

import itertools
from typing import Any, ClassVar

import numpy as np
import xarray as xr

from .alignment import NEURAL_DIMS, fail, neuroid_ids, preview, require_coord, require_dims, require_finite
from .base import Ceiling, Score
from .rsa import Ranked, centred_ranks, centred_ranks_of, rank_correlation, rdm
from .stats import pearson, pearson_columns, spearman_brown, standard_error


class InternalConsistency(Ceiling):
    """Split-half reliability over repetitions, Spearman-Brown corrected (Brain-Score InternalConsistency).

    assembly: (presentation, neuroid) with presentation coordinates `stimulus_id` and `repetition`
    (time bins already averaged); one row per (stimulus, repetition). Per split the distinct repetition
    values are shuffled (numpy default_rng(seed).permutation) and cut into halves (floor(R/2) and the
    rest); each half is averaged per stimulus; Pearson r per neuroid across stimuli is corrected with
    Spearman-Brown (n=2) per neuroid; the split's ceiling is the median over neuroids. Value: mean over
    splits; error: std over splits (ddof=0) / sqrt(n splits), as Brain-Score. A stimulus missing from
    one half in a split is left out of that split. For signal variance v_s and noise variance s^2 over R
    repetitions the expected value is v_s / (v_s + s^2 / R).
    """

    name: ClassVar[str] = "internal_consistency"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {"splits": 10, "seed": 0}

    def __call__(self, assembly: xr.DataArray) -> Score:
        cube, present, ids = repetition_cube(assembly)
        repetitions = cube.shape[1]
        splits = self.parameters["splits"]
        if not isinstance(splits, (int, np.integer)) or splits < 1:
            raise fail(f"splits must be a positive integer, got {splits!r}", "parameters.splits", "BAD_PARAMETER")
        rng = np.random.default_rng(self.parameters["seed"])
        corrected = np.empty((splits, cube.shape[2]))
        for split in range(splits):
            order = rng.permutation(repetitions)
            halves = order[: repetitions // 2], order[repetitions // 2:]
            means, counts = zip(*(_half_mean(cube, present, half) for half in halves))
            keep = (counts[0] > 0) & (counts[1] > 0)
            if keep.sum() < 3:
                raise fail(f"split {split} leaves {int(keep.sum())} stimuli with repetitions in both halves, "
                           f"need at least 3", "assembly.repetition", "TOO_FEW_STIMULI")
            r = pearson_columns(means[0][keep], means[1][keep])
            if np.isnan(r).any():
                raise fail(f"split-half correlation is undefined in split {split} for neuroid_id "
                           f"{preview(ids[np.isnan(r)])}: a half-average is constant across stimuli",
                           f"assembly.neuroid_id={ids[np.isnan(r)][0]}", "CONSTANT_NEUROID",
                           fix="drop neuroids without stimulus-driven variance")
            corrected[split] = spearman_brown(r, 2)
        per_split = np.median(corrected, axis=1)
        per_neuroid = xr.DataArray(corrected, dims=("split", "neuroid"),
                                   coords={"neuroid_id": ("neuroid", ids)})  # splits by position
        return Score(value=float(per_split.mean()), error=standard_error(per_split), metric=self.name,
                     version=self.version, parameters=dict(self.parameters), per_split=per_split,
                     per_neuroid=per_neuroid)


def repetition_cube(assembly: xr.DataArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(stimulus, repetition, neuroid) values, a (stimulus, repetition) presence mask, and neuroid_ids."""
    assembly = require_dims(assembly, NEURAL_DIMS, "assembly")
    stimuli = require_coord(assembly, "stimulus_id", "presentation", "assembly")
    repetitions = require_coord(assembly, "repetition", "presentation", "assembly",
                                "split-half ceilings split over repetitions")
    values = np.asarray(assembly.values, dtype=np.float64)
    ids = neuroid_ids(assembly)
    require_finite(values, "assembly", stimuli, ids, "stimulus_id", "neuroid_id")
    stimulus_values, stimulus_index = np.unique(stimuli, return_inverse=True)
    repetition_values, repetition_index = np.unique(repetitions, return_inverse=True)
    if repetition_values.size < 2:
        raise fail(f"split-half consistency needs at least 2 distinct repetitions, found "
                   f"{repetition_values.size}: {preview(repetition_values)}", "assembly.repetition",
                   "TOO_FEW_REPETITIONS", fix="pass every repetition, not the repetition average")
    pairs = stimulus_index * repetition_values.size + repetition_index
    unique_pairs, counts = np.unique(pairs, return_counts=True)
    if (counts > 1).any():
        duplicated = stimulus_values[unique_pairs[counts > 1] // repetition_values.size]
        raise fail(f"assembly has several rows for the same (stimulus_id, repetition), e.g. stimulus_id "
                   f"{preview(duplicated)}", "assembly.presentation", "DUPLICATE_REPETITION",
                   fix="average time bins first and number repetitions uniquely per stimulus")
    cube = np.zeros((stimulus_values.size, repetition_values.size, values.shape[1]))
    present = np.zeros(cube.shape[:2], dtype=bool)
    cube[stimulus_index, repetition_index] = values
    present[stimulus_index, repetition_index] = True
    return cube, present, ids


def _half_mean(cube: np.ndarray, present: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    counts = present[:, half].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return cube[:, half].sum(axis=1) / counts[:, None], counts


def saturating(x, v0, tau):
    """Brain-Score language's ceiling curve v(x) = v0 * (1 - exp(-x / tau))."""
    return v0 * (1.0 - np.exp(-np.asarray(x, dtype=np.float64) / tau))


def pooled_reliability(x, v0, c):
    """r of one subject predicted from the mean of x - 1 others when subjects share one signal and have independent
    noise: v0 * sqrt(c m / (1 + c m)), m = x - 1, with v0 = sqrt(reliability) and c = reliability / (1 - reliability)
    (the Spearman-Brown prophecy of the pool's mean). Exact for that generator; v0 is its r at infinitely many."""
    m = np.asarray(x, dtype=np.float64) - 1.0
    return v0 * np.sqrt(c * m / (1.0 + c * m))


CURVES = {"exponential": saturating, "reliability": pooled_reliability}


def fit_saturating(x: np.ndarray, y: np.ndarray, curve: str = "exponential") -> tuple[np.ndarray, np.ndarray]:
    """Least-squares v0 in [0, 1] and shape parameter (tau or c) > 0 of `curve` for every row of y (rows, len(x)).

    Both curves are v0 times a shape function of one parameter, so for a fixed parameter the best v0 is
    linear (clipped to [0, 1]); we scan its logarithm on a grid (1e-2 to 1e4) and refine the best cell by
    golden-section search, vectorised over rows. (Brain-Score calls scipy curve_fit once per row; tau < 0 is
    allowed there but never fits a ceiling curve, so we restrict tau > 0.)
    """
    shape = CURVES[curve]
    x = np.asarray(x, dtype=np.float64)
    y = np.atleast_2d(y)
    grid = np.linspace(np.log(1e-2), np.log(1e4), 241)

    def basis_of(log_parameter):  # (parameters,) -> (parameters, len(x))
        return shape(x[None, :], 1.0, np.exp(log_parameter)[:, None])

    def loss(log_parameter):  # log_parameter: (rows,)
        basis = basis_of(log_parameter)
        v0 = np.clip((basis * y).sum(axis=1) / (basis * basis).sum(axis=1), 0.0, 1.0)
        return ((y - v0[:, None] * basis) ** 2).sum(axis=1), v0

    basis = basis_of(grid)  # (grid, k)
    bb = (basis * basis).sum(axis=1)
    by = y @ basis.T  # (rows, grid)
    v0 = np.clip(by / bb, 0.0, 1.0)
    sse = (y * y).sum(axis=1)[:, None] - 2 * v0 * by + v0 * v0 * bb
    best = np.argmin(sse, axis=1)
    step = grid[1] - grid[0]
    low, high = grid[best] - step, grid[best] + step
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(40):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        left_better = loss(a)[0] < loss(b)[0]
        high = np.where(left_better, b, high)
        low = np.where(left_better, low, a)
    log_parameter = (low + high) / 2
    return loss(log_parameter)[1], np.exp(log_parameter)


class ExtrapolationCeiling(Ceiling):
    """Brain-Score language's ceiling: predict each held-out subject from pools of other subjects and
    extrapolate the per-neuroid score to infinitely many subjects.

    assembly: (presentation, neuroid) with `stimulus_id` (rows sharing a stimulus_id, e.g. repetitions,
    are averaged) and a neuroid coordinate `subject_coord`. For every subset size k = 2..n_subjects and
    every subset of that size (or `max_subsets` random subsets per size, seeded), each subject of the
    subset is predicted from the others with `metric` (default neural_predictivity with its defaults
    unless `metric_params` says otherwise), keeping per-split per-neuroid r. Per neuroid and bootstrap
    (default_rng(seed), indices shared by all neuroids, as Brain-Score re-seeds per neuroid), the scores
    at each k are resampled with replacement and averaged, and v0 * (1 - exp(-k / tau)) is fitted
    (v0 in [0, 1]). A neuroid's ceiling is the median bootstrapped v0; the ceiling is the median over
    neuroids. Error: median over neuroids of the bootstrap std of v0 (Brain-Score reports a confidence
    interval instead; one number fits our Score).

    curve: exponential (Brain-Score language's v0 (1 - exp(-k / tau)), the default) | reliability
    (v0 sqrt(c m / (1 + c m)), m = k - 1: exact when subjects share one signal with independent noise).
    On that generator, whose r at every k is known in closed form (tests/metrics/test_ceilings.py), the
    exponential curve fitted to the exact values at 2..6 subjects extrapolates to 0.475 for a true 0.548
    (reliability 0.3): r approaches its limit like 1/k, not exponentially, so the exponential ceiling sits
    below r at infinitely many subjects; `reliability` recovers it.
    """

    name: ClassVar[str] = "extrapolation"
    version: ClassVar[str] = "1.0"
    defaults: ClassVar[dict[str, Any]] = {"subject_coord": "subject", "metric": "neural_predictivity",
                                          "metric_params": None, "bootstraps": 100, "seed": 0,
                                          "max_subsets": None, "curve": "exponential"}

    def __call__(self, assembly: xr.DataArray) -> Score:
        from . import get_metric  # the registry imports this module

        p = self.parameters
        assembly = _average_stimuli(require_dims(assembly, NEURAL_DIMS, "assembly"))
        subject_of = require_coord(assembly, p["subject_coord"], "neuroid", "assembly",
                                   "the extrapolation ceiling pools subjects")
        subjects = np.unique(subject_of)
        if subjects.size < 3:
            raise fail(f"extrapolation needs at least 3 subjects to fit its 2-parameter curve, found "
                       f"{subjects.size}: {preview(subjects)}", f"assembly.{p['subject_coord']}",
                       "TOO_FEW_SUBJECTS", fix="use the internal_consistency ceiling instead")
        if p["curve"] not in CURVES:
            raise fail(f"unknown extrapolation curve {p['curve']!r}; known curves: {list(CURVES)}", "parameters.curve",
                       "BAD_PARAMETER")
        metric = get_metric(p["metric"], **(p["metric_params"] or {}))
        rng = np.random.default_rng(p["seed"])
        sizes = np.arange(2, subjects.size + 1)
        collected: list[dict[Any, list[np.ndarray]]] = []  # per size: subject -> [(split, neuroid) r]
        for size in sizes:
            per_subject: dict[Any, list[np.ndarray]] = {s: [] for s in subjects}
            for subset in _subsets(subjects, int(size), p["max_subsets"], rng):
                for held_out in subset:
                    target = assembly.isel(neuroid=np.flatnonzero(subject_of == held_out))
                    pool = assembly.isel(neuroid=np.flatnonzero(np.isin(subject_of, subset) & (subject_of != held_out)))
                    score = metric(pool, target)
                    per_subject[held_out].append(np.atleast_2d(np.asarray(score.per_neuroid.values)))
            collected.append(per_subject)
        means = np.full((p["bootstraps"], assembly.sizes["neuroid"], sizes.size), np.nan)
        for subject in subjects:
            columns = np.flatnonzero(subject_of == subject)
            for j, per_subject in enumerate(collected):
                if not per_subject[subject]:
                    continue
                values = np.concatenate(per_subject[subject], axis=0)  # (observations, neuroids of subject)
                draws = rng.integers(0, values.shape[0], size=(p["bootstraps"], values.shape[0]))
                means[:, columns, j] = values[draws].mean(axis=1)
        if np.isnan(means).any():
            raise fail("some subject was never held out at some subset size (max_subsets too small)",
                       "parameters.max_subsets", "TOO_FEW_SUBSETS", fix="raise max_subsets or set it to None")
        v0, _ = fit_saturating(sizes, means.reshape(-1, sizes.size), p["curve"])
        v0 = v0.reshape(means.shape[:2])
        centre = np.median(v0, axis=0)
        spread = v0.std(axis=0, ddof=1) if p["bootstraps"] > 1 else np.zeros_like(centre)
        observed = np.array([np.median([np.median(np.concatenate(per[s], 0)) for s in subjects if per[s]])
                             for per in collected])
        per_neuroid = xr.DataArray(centre, dims=("neuroid",), coords={"neuroid_id": ("neuroid", neuroid_ids(assembly))})
        return Score(value=float(np.median(centre)), error=float(np.median(spread)), metric=self.name,
                     version=self.version, parameters=dict(p), per_split=observed, per_neuroid=per_neuroid)


def _subsets(subjects: np.ndarray, size: int, limit, rng) -> list[tuple]:
    combinations = list(itertools.combinations(subjects.tolist(), size))
    if limit is not None and len(combinations) > limit:
        chosen = np.sort(rng.choice(len(combinations), size=int(limit), replace=False))
        combinations = [combinations[i] for i in chosen]
    return combinations


def _average_stimuli(assembly: xr.DataArray) -> xr.DataArray:
    stimuli = require_coord(assembly, "stimulus_id", "presentation", "assembly")
    ordered = np.sort(stimuli)
    if (ordered[1:] != ordered[:-1]).all():  # every id once (np.unique on strings takes 6x as long)
        return assembly
    neuroid_coords = {name: coord for name, coord in assembly.coords.items() if coord.dims == ("neuroid",)}
    values, index = np.unique(stimuli, return_inverse=True)
    sums = np.zeros((values.size, assembly.sizes["neuroid"]))
    np.add.at(sums, index, np.asarray(assembly.values, dtype=np.float64))
    averaged = sums / np.bincount(index)[:, None]
    return xr.DataArray(averaged, dims=NEURAL_DIMS, coords={"stimulus_id": ("presentation", values), **neuroid_coords})


class RSACeiling(Ceiling):
    """How well one subject's RDM matches the group's (Nili et al. 2014; Brain-Score's `rsa_ceiling`).

    assembly: (presentation, neuroid) with `stimulus_id` (rows sharing one are averaged) and the neuroid
    coordinate `subject_coord`. Each subject's RDM is 1 - Pearson r between stimuli over that subject's
    neuroids (as the `rdm` metric). Value (the upper bound, Brain-Score's score): mean over subjects of
    Spearman r between the subject's RDM and the mean RDM of all subjects, itself included, on the upper
    triangle. details.lower_bound_loo: the same against the mean of the other subjects. per_split holds the
    per-subject upper values; error: their std (ddof=0) / sqrt(subjects) (Brain-Score reports none).
    No Spearman-Brown correction: every subject's RDM already uses all of its data.
    """

    name: ClassVar[str] = "rsa_ceiling"
    # 1.1: Spearman r from dot products of centred ranks (last bits); 1.2: RDMs as rsa.rdm 1.4 (last bits)
    version: ClassVar[str] = "1.2"
    defaults: ClassVar[dict[str, Any]] = {"subject_coord": "subject"}

    def __call__(self, assembly: xr.DataArray) -> Score:
        coord = self.parameters["subject_coord"]
        assembly = _average_stimuli(require_dims(assembly, NEURAL_DIMS, "assembly"))
        subject_of = require_coord(assembly, coord, "neuroid", "assembly", "the RSA ceiling compares subjects")
        stimuli = np.asarray(assembly["stimulus_id"].values)
        values = np.asarray(assembly.values, dtype=np.float64)
        require_finite(values, "assembly", stimuli, neuroid_ids(assembly), "stimulus_id", "neuroid_id")
        subjects = np.unique(subject_of)
        if subjects.size < 2:
            raise fail(f"the RSA ceiling needs at least 2 subjects, found {subjects.size}: {preview(subjects)}",
                       f"assembly.{coord}", "TOO_FEW_SUBJECTS", fix="use the internal_consistency ceiling instead")
        if stimuli.size < 4:
            raise fail(f"the RSA ceiling needs at least 4 stimuli, got {stimuli.size}", "assembly.stimulus_id",
                       "TOO_FEW_STIMULI")
        triangles = np.empty((subjects.size, stimuli.size * (stimuli.size - 1) // 2))
        for triangle, s in zip(triangles, subjects):
            triangle[:] = rdm(values[:, subject_of == s], stimuli, f"assembly ({coord}={s})")
        total = triangles.sum(axis=0)
        own, loo = np.empty(subjects.size), np.empty(subjects.size)
        group = Ranked(centred_ranks(total / subjects.size))
        others = np.empty_like(total)
        for i, triangle in enumerate(triangles):
            np.subtract(total, triangle, out=others)
            others /= subjects.size - 1
            ranks, loo_ranks = map(Ranked, centred_ranks_of(triangle, others))
            own[i] = rank_correlation(ranks, group)
            loo[i] = rank_correlation(ranks, loo_ranks)
        if np.isnan(own).any() or np.isnan(loo).any():
            raise fail("the RSA ceiling is undefined: a subject's RDM is constant", f"assembly.{coord}", "CONSTANT_RDM")
        return Score(value=float(own.mean()), error=standard_error(own), metric=self.name, version=self.version,
                     parameters=dict(self.parameters), per_split=own,
                     details={"lower_bound_loo": float(loo.mean()), "subjects": [str(s) for s in subjects],
                              "per_subject_loo": loo.tolist()})
