"""Parity check: braindock's metrics against Brain-Score vision 2.4.2's own implementations, same inputs.

    python tests/parity/compare.py --brainscore-python PATH [--json] [--keep DIR] [--tolerance 0.005]
                                   [--size {parity,small,large}] [--metrics a,b,...] [--memory] [--rounds N]

Runs in braindock's environment (`nox -s parity` sets everything up). It generates deterministic inputs,
saves them to a folder, runs brainscore_side.py with the Brain-Score venv's python (PATH, or
$BRAINSCORE_PYTHON), scores the same inputs with braindock, and prints per metric: ours, Brain-Score,
|diff|, the largest per-split |diff|, |diff| of the errors, whether both used the same splits, whether
|diff| <= tolerance, and the wall time of the metric call on each side (measure.seconds_of: under 1 s, the
shortest of at least 3 calls that take 1 s together; under 30 s, the shorter of two) with their ratio
(Brain-Score / ours; rows derived from earlier scores are not timed: '-').
For the one-pass rows (no splits to share work across: plain CKA/RDM, the RSA ceiling, the fixed-split ridge
rows) it also times their floor, the work no exact method can skip (bench_metrics.floors), and prints how many
floors each side takes; a row below 10x whose Brain-Score time is under 10 floors cannot reach 10x. Exit 1 when a compared metric differs by more
than the tolerance (statistical rows: and by more than 3 standard errors) or Brain-Score failed to run.

--memory: after each timed call, both sides call the same metric once more under tracemalloc (measure.py)
  and print its peak above the level at the start of that call (Brain-Score, ours, in MB), and which rows peak
  above Brain-Score's. Python objects and numpy buffers count, BLAS/LAPACK workspaces on neither side. The
  timed call stays untraced; the exit code does not depend on memory.

--rounds N: run the two sides in turn N times (Brain-Score's, ours; again) and keep each row's shortest time
  per side: a machine whose speed drifts between one side's run and the other's then slows both. Scores and
  memory come from the first round. The one-pass rows (those with a floor) are timed apart, N times each:
  Brain-Score's call (in a process of its venv that stays up: brainscore_side.py --serve), ours and the floor
  one right after the other, so the three see the same machine (a shared VM's speed moves by 2x within a minute;
  each side's run takes minutes). The header names the CPU and the kernels numpy picked; the last line says how
  much the floors' times moved between rounds.

--size parity (default): small inputs (320 stimuli of 8 objects x 600 features; 40 neuroids x 10
  repetitions; 8 objects x 12 images with 20 2AFC trials per image and distractor); RidgeCV over
  Brain-Score's ALPHA_LIST on both sides.
--size small / large: the sizes of tests/bench/bench_metrics.py (640 x 2,000 x 168 / 3,200 x 10,000 x 256),
  its neural_data, repeated_data (10 repetitions) and behaviour_pair (24 objects x 10 / 50 images, 4 trials
  per cell), with 8 object categories for stratification; RidgeCV over braindock's default alphas
  (logspace(-3, 3, 7)) on both sides; Brain-Score's I1n/I2n ceilings with skipna=True (4 trials per cell
  leave cells undefined in one half, which its skipna=False asserts against; ours drop them, as skipna=True).
--metrics: comma-separated substrings of the row keys, or `=key` for one key alone (pls, ridge, linear, ridgecv,
  neuron_to_neuron, reverse_pls, ridge_split, ridgecv_split, dual_ridgecv_split, cka, cka_biased, cka_cv, cka_cv_biased, rdm, rdm_cv,
  internal_consistency, pls_ceiled, i2n, i2n_ceiling, i2n_ceiled, i1n, i1n_ceiling, i1, i1_ceiling, rsa_ceiling,
  ...); both sides compute only those. The *_split rows use one seeded 10 % test split (`fixed_split`) and
  ridgecv_split / dual_ridgecv_split Brain-Score's own 99-value ALPHA_LIST at every size; rsa_ceiling deals the
  target's neuroids out to 4 subjects. A derived row runs only when its inputs are selected too
  (pls_ceiled: pls and internal_consistency; i2n_ceiled: i2n and i2n_ceiling).

Parameters follow Brain-Score's defaults (10 splits, train 90%, StratifiedShuffleSplit over object_name,
random_state 1; PLS 25 components; ridge alpha 1; CKA unbiased unless `cka_biased`; I1n/I2n 2 split-halves
from RandomState(0)). Brain-Score splits in the target's row order and braindock in stimulus_id order, so
the inputs are written sorted by stimulus_id. `kind` says how a row can agree:
  exact          same definition, same random splits: should agree to rounding;
  splits differ  meant to be exact, but the two drew different splits (see README); compared all the same;
  statistical    Brain-Score draws its halves with another generator (internal consistency: ShuffleSplit
                 over repetitions, random_state 1; ours: numpy default_rng(0).permutation): only the
                 expected value is shared. Passes within the tolerance, or within 3 standard errors of the
                 difference ("noise"). The indented rows below rerun ours on Brain-Score's own halves;
  info           context only, not checked: the formula our benchmark.json files name, against Brain-Score's.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from braindock.metrics import Score, get_ceiling, get_metric, normalize
from braindock.metrics.alignment import align
from braindock.metrics.predictivity import splits_digest
from braindock.metrics.regression import DEFAULT_RIDGECV_ALPHAS
from braindock.metrics.subsets import stimulus_subsets
from braindock.testing import behaviour_pair, neural_assembly
from measure import peak_bytes, seconds_of  # this folder's (run as a script); brainscore_side.py uses the same

HERE = Path(__file__).resolve().parent
TOLERANCE = 0.005
N_OBJECTS, PER_OBJECT, N_FEATURES, N_NEUROIDS, N_REPETITIONS = 8, 40, 600, 40, 10
STRATIFIED = {"stratify_by": "object_name", "splits": 10, "seed": 1}  # Brain-Score's Split defaults
BENCH = HERE.parent / "bench" / "bench_metrics.py"  # --size small/large: its sizes and data generators
BENCH_BEHAVIOUR = {"small": (24, 10), "large": (24, 50)}  # (objects, images per object), as its cases()
BENCH_TRIALS_PER_CELL = 4  # as its cases()
N_SUBJECTS = 4  # rsa_ceiling: the target's neuroids dealt out to this many subjects


# ------------------------------------------------------------------------------------------ inputs
def neural_inputs(seed: int = 0):
    """(source, averaged target, target with every repetition), stimulus_ids sorted, 8 objects of 40."""
    rng = np.random.default_rng(seed)
    n = N_OBJECTS * PER_OBJECT
    ids = np.array([f"stim{i:04d}" for i in range(n)])
    objects = np.array([f"obj{i % N_OBJECTS}" for i in range(n)])
    object_index = np.arange(n) % N_OBJECTS
    latent = 0.7 * rng.standard_normal((N_OBJECTS, 20))[object_index] + rng.standard_normal((n, 20))
    x = latent @ rng.standard_normal((20, N_FEATURES)) + 2.0 * rng.standard_normal((n, N_FEATURES))
    signal = latent @ rng.standard_normal((20, N_NEUROIDS))
    signal /= signal.std(axis=0)
    repeated = signal[:, None, :] + 2.0 * rng.standard_normal((n, N_REPETITIONS, N_NEUROIDS))
    neuroids = [f"n{j:03d}" for j in range(N_NEUROIDS)]
    source = neural_assembly(x, stimulus_ids=ids, neuroid_ids=[f"f{j:04d}" for j in range(N_FEATURES)],
                             object_name=objects)
    target = neural_assembly(repeated.mean(axis=1), stimulus_ids=ids, neuroid_ids=neuroids, object_name=objects)
    every = neural_assembly(repeated.reshape(-1, N_NEUROIDS), stimulus_ids=np.repeat(ids, N_REPETITIONS),
                            neuroid_ids=neuroids, repetition=np.tile(np.arange(N_REPETITIONS), n),
                            object_name=np.repeat(objects, N_REPETITIONS))
    return source, target, every


def behaviour_inputs(seed: int = 0):
    """(model probabilities, per-trial human choices): behaviour_pair's simulation with a model that is
    imperfect (its odds perturbed by log-normal noise), so the scores are not trivially high."""
    source, trials = behaviour_pair(n_objects=8, images_per_object=12, trials_per_cell=20, seed=seed)
    rng = np.random.default_rng(seed + 1)
    probabilities = source.values * np.exp(0.5 * rng.standard_normal(source.shape))
    source = source.copy(data=probabilities / probabilities.sum(axis=1, keepdims=True))
    return source, trials


def load_bench():
    """tests/bench/bench_metrics.py as a module: its sizes, data generators and floors."""
    spec = importlib.util.spec_from_file_location("bench_metrics", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def bench_inputs(size: str):
    """(source, target, every, probabilities, trials) at a size of tests/bench/bench_metrics.py, with its own
    generators: neural_data (40-dim latent + noise, float64) for source and target, repeated_data for the
    repetitions (internal consistency), behaviour_pair as its cases(). Every stimulus gets one of
    N_OBJECTS object_name values (round robin over the sorted stimulus_ids) for stratification."""
    bench = load_bench()
    n, n_features, n_neuroids = bench.SIZES[size]
    x, y = bench.neural_data(n, n_features, n_neuroids)
    every = bench.repeated_data(n, n_neuroids)
    ids = np.unique(every["stimulus_id"].values)  # sorted: row i of x and y is stimulus ids[i]
    if ids.size != n:
        raise ValueError(f"repeated_data gave {ids.size} stimuli, expected {n}")
    objects = np.array([f"obj{i % N_OBJECTS}" for i in range(n)])
    object_of = dict(zip(ids, objects))
    source = neural_assembly(x.values, stimulus_ids=ids, neuroid_ids=[f"f{j:05d}" for j in range(n_features)],
                             object_name=objects)
    target = neural_assembly(y.values, stimulus_ids=ids, neuroid_ids=every["neuroid_id"].values,
                             object_name=objects)
    every = every.assign_coords(object_name=("presentation", [object_of[s] for s in every["stimulus_id"].values]))
    n_objects, images = BENCH_BEHAVIOUR[size]
    probabilities, trials = behaviour_pair(n_objects=n_objects, images_per_object=images,
                                           trials_per_cell=BENCH_TRIALS_PER_CELL)
    return source, target, every, probabilities, trials


def fixed_split(n: int) -> np.ndarray:
    """'train'/'test' per stimulus (sorted by stimulus_id): a seeded 10 % test set, for the *_split rows."""
    labels = np.full(n, "train", dtype=object)
    labels[np.random.default_rng(7).permutation(n)[: n // 10]] = "test"
    return labels


def subjects(n_neuroids: int) -> np.ndarray:
    """Each target neuroid's subject for rsa_ceiling: 4 subjects, neuroids dealt out in turn."""
    return np.array([f"subject{j % N_SUBJECTS}" for j in range(n_neuroids)])


def write_inputs(folder: Path, source, target, every, probabilities, trials, options: dict) -> None:
    np.save(folder / "neural_source.npy", source.values)
    np.save(folder / "neural_target.npy", target.values)
    np.save(folder / "neural_repeated.npy", every.values)
    np.save(folder / "behaviour_probabilities.npy", probabilities.values)
    as_list = lambda a, c: [str(v) if isinstance(v, str) else v.item() for v in a[c].values]
    coords = {
        "stimulus_id": as_list(target, "stimulus_id"), "object_name": as_list(target, "object_name"),
        "feature_id": as_list(source, "neuroid_id"), "neuroid_id": as_list(target, "neuroid_id"),
        "repeated_stimulus_id": as_list(every, "stimulus_id"), "repeated_repetition": as_list(every, "repetition"),
        "image_id": as_list(probabilities, "stimulus_id"), "objects": as_list(probabilities, "choice"),
        **{f"trial_{name}": as_list(trials, name) for name in ("stimulus_id", "truth", "distractor", "choice")},
        "split": fixed_split(target.sizes["presentation"]).tolist(), "subject": subjects(target.sizes["neuroid"]).tolist(),
    }
    (folder / "coords.json").write_text(json.dumps(coords))
    (folder / "options.json").write_text(json.dumps(options))  # brainscore_side.py: cases to run, RidgeCV alphas


def run_brainscore(python: str, folder: Path) -> dict:
    out = folder / "brainscore.json"
    env = {**os.environ, "BS_INSTALL_DEPENDENCIES": "no", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([python, str(HERE / "brainscore_side.py"), str(folder), str(out)], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"brainscore_side.py failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(out.read_text())


# --------------------------------------------------------------------------------------------- ours
def digest(splits) -> str:
    """Brain-Score's (train ids, test ids) lists, each sorted, as braindock's splits_sha256 (splits_digest)."""
    ids = np.array(sorted({stimulus for train, test in splits for stimulus in train + test}))
    return splits_digest(ids, [(np.searchsorted(ids, train), np.searchsorted(ids, test)) for train, test in splits])


def our_subset_ids(metric, source, target) -> list:
    """The stimulus subsets our cross-validated CKA/RDM evaluate, as (other, subset) stimulus_id lists."""
    data = align(source, target, check_constant_target=False)
    ids = data.stimulus_ids
    return [[sorted(np.setdiff1d(ids, ids[rows]).tolist()), ids[rows].tolist()]
            for rows in stimulus_subsets(data, metric.parameters)]


@dataclass(frozen=True)
class OnTheirSplits:
    """Our metric evaluated once per Brain-Score split, aggregated as Brain-Score does (mean, std/sqrt(n))."""

    per_split: np.ndarray

    @property
    def value(self) -> float:
        return float(self.per_split.mean())

    @property
    def error(self) -> float:
        return float(self.per_split.std() / np.sqrt(self.per_split.size))


def on_their_subsets(metric, source, target, their_splits) -> OnTheirSplits:
    """Our (not cross-validated) metric on each stimulus subset Brain-Score's TestOnlyCrossValidation drew."""
    per_split = []
    for _, subset in their_splits:
        rows = np.flatnonzero(np.isin(target["stimulus_id"].values, subset))
        per_split.append(metric(source.isel(presentation=rows), target.isel(presentation=rows)).value)
    return OnTheirSplits(np.array(per_split))


def ceiling_on_their_halves(every, their_splits) -> OnTheirSplits:
    """Our internal consistency on each of Brain-Score's repetition halves. Our ceiling documents its halves as
    default_rng(seed).permutation of the distinct repetitions cut at floor(R/2); relabelling the repetitions so
    that this permutation's first half holds Brain-Score's first half makes one split of ours use its halves."""
    labels = np.unique(every["repetition"].values)
    order = np.random.default_rng(0).permutation(labels.size)
    per_split = []
    for first, second in their_splits:
        if len(first) != labels.size // 2:
            raise ValueError(f"Brain-Score's halves {first} / {second} are not split at floor(R/2)")
        relabel = dict(zip(first + second, labels[order].tolist()))
        repetitions = [relabel[r] for r in every["repetition"].values.tolist()]
        relabelled = every.assign_coords(repetition=("presentation", repetitions))
        per_split.append(get_ceiling("internal_consistency", splits=1, seed=0)(relabelled).value)
    return OnTheirSplits(np.array(per_split))


def ours(source, target, every, probabilities, trials, theirs: dict, selected,
         memory: bool = False) -> tuple[dict, dict, dict]:
    """(key -> (Score, our splits as id lists or a sha256, or None), key -> seconds of the one metric call,
    key -> peak bytes of one more, traced call (with `memory`)), for the selected keys. As on Brain-Score's side,
    the metric is built before the clock starts and only its call is timed; rows derived from earlier scores and
    the reruns on Brain-Score's splits are not timed."""
    out, seconds, peaks = {}, {}, {}
    want = set(selected).__contains__
    alpha_list = theirs.get("_parameters", {}).get("ridgecv_alphas")  # the alphas Brain-Score's RidgeCV used

    def timed(key, metric, *inputs):
        score, seconds[key] = seconds_of(lambda: metric(*inputs))
        if memory:  # after the clock stops, so tracing does not change the time
            peaks[key] = peak_bytes(lambda: metric(*inputs))
        return score

    def predictivity(key, regression, **params):
        metric = get_metric("neural_predictivity", regression=regression, train_size=0.9, **STRATIFIED, **params)
        score = timed(key, metric, source, target)
        out[key] = (score, score.details["splits_sha256"])

    for key, regression, params in (("pls", "pls", {"n_components": 25}), ("ridge", "ridge", {"alphas": 1.0}),
                                    ("linear", "ols", {}), ("ridgecv", "ridgecv", {"alphas": alpha_list})):
        if want(key):
            predictivity(key, regression, **params)
    if want("neuron_to_neuron"):
        predictivity("neuron_to_neuron", "neuron_to_neuron")
    if want("reverse_pls"):  # recordings -> model: source and target swapped, as Brain-Score's reverse_pls
        metric = get_metric("neural_predictivity", regression="pls", n_components=25, train_size=0.9, **STRATIFIED)
        score = timed("reverse_pls", metric, target, source)
        out["reverse_pls"] = (score, score.details["splits_sha256"])
    split_target = target.assign_coords(split=("presentation", fixed_split(target.sizes["presentation"])))
    brainscore_alphas = theirs.get("_parameters", {}).get("alpha_list")  # its ALPHA_LIST: ridgecv_split's default
    for key, regression, params in (("ridge_split", "ridge", {"alphas": 1.0}),
                                    ("ridgecv_split", "ridgecv", {"alphas": brainscore_alphas}),
                                    ("dual_ridgecv_split", "ridgecv", {"alphas": brainscore_alphas})):
        if want(key):
            metric = get_metric("neural_predictivity", regression=regression, split="fixed", **params)
            out[key] = (timed(key, metric, source, split_target), None)
    if want("rsa_ceiling"):
        grouped = target.assign_coords(subject=("neuroid", subjects(target.sizes["neuroid"])))
        ceiling = timed("rsa_ceiling", get_ceiling("rsa_ceiling"), grouped)
        out["rsa_ceiling"] = (ceiling, None)
        out["rsa_ceiling_lower"] = (Score(value=ceiling.details["lower_bound_loo"], error=0.0, metric=ceiling.metric,
                                          version=ceiling.version, parameters={}), None)
    for key, name, params in (("cka", "cka", {"estimator": "unbiased"}), ("cka_biased", "cka", {"estimator": "biased"}),
                              ("rdm", "rdm", {})):
        if want(key):
            out[key] = (timed(key, get_metric(name, **params), source, target), None)
    for key, name, params in (("cka_cv", "cka", {"estimator": "unbiased"}),
                              ("cka_cv_biased", "cka", {"estimator": "biased"}), ("rdm_cv", "rdm", {})):
        if not want(key):
            continue
        metric = get_metric(name, cross_validated=True, subset_size=0.9, **STRATIFIED, **params)
        out[key] = (timed(key, metric, source, target), our_subset_ids(metric, source, target))
        if want(f"{key}_their_splits") and "splits" in theirs.get(key, {}):
            out[f"{key}_their_splits"] = (on_their_subsets(get_metric(name, **params), source, target,
                                                           theirs[key]["splits"]), None)
    if want("internal_consistency"):
        ceiling = timed("internal_consistency", get_ceiling("internal_consistency", splits=10, seed=0), every)
        out["internal_consistency"] = (ceiling, None)
        if want("internal_consistency_their_splits") and "splits" in theirs.get("internal_consistency", {}):
            halves = ceiling_on_their_halves(every, theirs["internal_consistency"]["splits"])
            out["internal_consistency_their_splits"] = (halves, None)
            if want("pls_ceiled_their_splits"):
                as_score = Score(value=halves.value, error=halves.error, metric=ceiling.metric,
                                 version=ceiling.version, parameters={"halves": "Brain-Score's"},
                                 per_split=halves.per_split)
                out["pls_ceiled_their_splits"] = (normalize("r^2/ceiling", out["pls"][0], as_score), None)
        if want("pls_ceiled"):
            out["pls_ceiled"] = (normalize("r^2/ceiling", out["pls"][0], ceiling), None)
        if want("pls_ceiled_r"):
            out["pls_ceiled_r"] = (normalize("r/ceiling", out["pls"][0], ceiling), None)
    for name in ("i2n", "i1n", "i1"):
        if want(name):
            out[name] = (timed(name, get_metric(name, splits=2, seed=0), probabilities, trials), None)
        if want(f"{name}_ceiling"):
            out[f"{name}_ceiling"] = (timed(f"{name}_ceiling", get_ceiling(f"{name}_split_half", splits=2, seed=0),
                                            trials), None)
    if want("i2n_ceiled"):
        out["i2n_ceiled"] = (normalize("r/sqrt(ceiling)", out["i2n"][0], out["i2n_ceiling"][0]), None)
    return out, seconds, peaks


FLOOR_OF = {"cka": "cka", "cka_biased": "cka", "rdm": "rdm", "rsa_ceiling": "rsa_ceiling", "ridge_split": "ridge_split",
            "ridgecv_split": "ridgecv_split", "dual_ridgecv_split": "ridgecv_split"}  # one-pass rows -> their floor


def floor_seconds(source, target, selected) -> dict:
    """key -> seconds of the work no exact method of that row can skip (bench_metrics.floors, timed as the metric
    calls, in our process): the one-pass rows, where nothing is shared across splits for a faster method to save."""
    floors = load_bench().floors(np.asarray(source.values), np.asarray(target.values),
                                 fixed_split(target.sizes["presentation"]) == "train",
                                 subjects(target.sizes["neuroid"]))
    return {key: seconds_of(floors[FLOOR_OF[key]])[1] for key in selected if key in FLOOR_OF}


# Row order, label, how the two can agree, and which Brain-Score key it is compared with.
ROWS = [
    ("pls", "predictivity, PLS 25 (`pls`)", "exact"),
    ("ridge", "predictivity, ridge alpha 1 (`ridge`)", "exact"),
    ("linear", "predictivity, OLS (`linear_predictivity`)", "exact"),
    ("ridgecv", "predictivity, RidgeCV (composed)", "exact"),
    ("neuron_to_neuron", "predictivity, neuron to neuron (`neuron_to_neuron`)", "exact"),
    ("reverse_pls", "reverse predictivity, PLS 25 (`reverse_pls`)", "exact"),
    ("ridge_split", "fixed split, ridge alpha 1 (`ridge_split`)", "exact"),
    ("ridgecv_split", "fixed split, RidgeCV, ALPHA_LIST (`ridgecv_split`)", "exact"),
    ("dual_ridgecv_split", "fixed split, dual RidgeCV (`dual_ridgecv_split`)", "exact"),
    ("cka", "CKA unbiased (`cka`)", "exact"),
    ("cka_biased", "CKA biased (`cka_biased`)", "exact"),
    ("cka_cv", "CKA unbiased, cross-validated (`cka_cv`)", "exact"),
    ("cka_cv_biased", "CKA biased, cross-validated (composed)", "exact"),
    ("rdm", "RDM (`rdm`)", "exact"),
    ("rdm_cv", "RDM, cross-validated (`rdm_cv`)", "exact"),
    ("cka_cv_their_splits", "  cka_cv: ours on Brain-Score's subsets", "exact"),
    ("cka_cv_biased_their_splits", "  biased: ours on Brain-Score's subsets", "exact"),
    ("rdm_cv_their_splits", "  rdm_cv: ours on Brain-Score's subsets", "exact"),
    ("internal_consistency", "internal consistency ceiling", "statistical"),
    ("internal_consistency_their_splits", "  ours on Brain-Score's halves", "exact"),
    ("pls_ceiled", "PLS ceiled r^2/ceiling (NeuralBenchmark)", "statistical"),
    ("pls_ceiled_their_splits", "  ceiling from Brain-Score's halves", "exact"),
    ("pls_ceiled_r", "PLS ceiled r/ceiling (ours) vs r^2/ceiling", "info"),
    ("i2n", "I2n (`i2n`)", "exact"),
    ("i2n_ceiling", "I2n split-half ceiling (`i2n`.ceiling)", "exact"),
    ("i2n_ceiled", "I2n ceiled r/sqrt(ceiling) (Rajalingham2018)", "exact"),
    ("i1n", "I1n (i1i2 `I1n`, unregistered)", "exact"),
    ("i1n_ceiling", "I1n split-half ceiling (`I1n`.ceiling)", "exact"),
    ("i1", "I1 (`i1`)", "exact"),
    ("i1_ceiling", "I1 split-half ceiling (`i1`.ceiling)", "exact"),
    ("rsa_ceiling", "RSA ceiling between subjects (`rsa_ceiling`)", "exact"),
    ("rsa_ceiling_lower", "  its lower bound (leave one subject out)", "exact"),
]
NOISE_FROM = {"pls_ceiled": "internal_consistency"}  # the row whose random halves make this one statistical
BRAINSCORE_KEY = {"pls_ceiled_r": "pls_ceiled", "rsa_ceiling_lower": "rsa_ceiling", "cka_cv_their_splits": "cka_cv",
                  "cka_cv_biased_their_splits": "cka_cv_biased", "rdm_cv_their_splits": "rdm_cv",
                  "internal_consistency_their_splits": "internal_consistency",
                  "pls_ceiled_their_splits": "pls_ceiled"}
BRAINSCORE_FIELD = {"rsa_ceiling_lower": "lower_bound_loo"}  # compared with this field of the Brain-Score result
# --metrics: a row runs only when these rows run too (its inputs), on both sides
CEILED = ("pls", "internal_consistency")
DEPENDS = {"pls_ceiled": CEILED, "pls_ceiled_r": CEILED,
           "pls_ceiled_their_splits": (*CEILED, "internal_consistency_their_splits"),
           "i2n_ceiled": ("i2n", "i2n_ceiling"), "cka_cv_their_splits": ("cka_cv",),
           "cka_cv_biased_their_splits": ("cka_cv_biased",), "rdm_cv_their_splits": ("rdm_cv",),
           "internal_consistency_their_splits": ("internal_consistency",), "rsa_ceiling_lower": ("rsa_ceiling",)}


def select(tokens: list[str]) -> list[str]:
    """Row keys containing any of `tokens` (all rows when there are none; a token `=key` takes that key alone)
    whose inputs are selected too."""
    keys = [key for key, _, _ in ROWS]
    matches = lambda token, key: key == token[1:] if token.startswith("=") else token in key
    chosen = {key for key in keys if not tokens or any(matches(token, key) for token in tokens)}
    return [key for key in keys if key in chosen and all(d in chosen for d in DEPENDS.get(key, ()))]


def brainscore_cases(selected: list[str]) -> list[str]:
    """The Brain-Score cases the selected rows compare with."""
    return list(dict.fromkeys(BRAINSCORE_KEY.get(key, key) for key in selected))


def compare(our_scores: dict, theirs: dict, tolerance: float, our_seconds: dict | None = None,
            our_peaks: dict | None = None, floors: dict | None = None) -> list[dict]:
    rows = []
    for key, label, kind in ROWS:
        bs = theirs.get(BRAINSCORE_KEY.get(key, key), {"failed": "not run"})
        if key not in our_scores:  # not selected, or a row on Brain-Score's splits, which it could not produce
            continue
        score, our_splits = our_scores[key]
        row = {"key": key, "metric": label, "kind": kind, "ours": float(score.value), "ours_error": float(score.error)}
        # timed rows only: an indented row reruns ours on Brain-Score's splits, and its Brain-Score case is timed
        # in the row above it; derived rows (ceiled) reuse earlier scores
        their_seconds = None if key in BRAINSCORE_KEY else bs.get("seconds")
        ours_seconds = (our_seconds or {}).get(key)
        row.update(brainscore_seconds=their_seconds, ours_seconds=ours_seconds,
                   ratio=their_seconds / ours_seconds if their_seconds is not None and ours_seconds else None,
                   brainscore_peak_bytes=None if key in BRAINSCORE_KEY else bs.get("peak_bytes"),
                   ours_peak_bytes=(our_peaks or {}).get(key), floor_seconds=(floors or {}).get(key))
        if row["floor_seconds"] and their_seconds is not None and ours_seconds:
            row.update(brainscore_over_floor=their_seconds / row["floor_seconds"],
                       ours_over_floor=ours_seconds / row["floor_seconds"])
        if "failed" in bs:
            rows.append({**row, "brainscore": None, "failed": bs["failed"], "within": False})
            continue
        if key in BRAINSCORE_FIELD:
            bs = {**bs, "value": bs[BRAINSCORE_FIELD[key]], "error": None}
        row.update(brainscore=bs["value"], brainscore_error=bs.get("error"), diff=abs(score.value - bs["value"]))
        if bs.get("error") is not None:
            row["error_diff"] = abs(score.error - bs["error"])
        ours_split, their_split = np.ravel(score.per_split), np.asarray(bs.get("per_split", []), dtype=float)
        row.update(ours_per_split=ours_split.tolist(), brainscore_per_split=their_split.tolist())
        if ours_split.size and ours_split.size == their_split.size and kind != "info":
            row["max_split_diff"] = float(np.max(np.abs(ours_split - their_split)))
        if "splits" in bs and our_splits is not None:
            their_splits = bs["splits"]
            row["same_splits"] = (digest(their_splits) == our_splits if isinstance(our_splits, str)
                                  else their_splits == our_splits)
            if not row["same_splits"] and kind == "exact":
                row["kind"] = "splits differ"
        elif key.endswith("_their_splits"):
            row["same_splits"] = True
        if row["kind"] in ("statistical", "splits differ") and row.get("brainscore_error") is not None:
            row["spread"] = float(np.hypot(score.error, row["brainscore_error"]))  # SE of the difference
        if key in NOISE_FROM:  # only the ceiling differs: its SE, carried through r^2/c (d/dc = -value/c)
            source_row = next(r for r in rows if r["key"] == NOISE_FROM[key])
            ceiling = our_scores[NOISE_FROM[key]][0]
            row["spread"] = float(abs(score.value) / ceiling.value * source_row.get("spread", np.inf))
        row["within"] = row["diff"] <= tolerance
        # different random halves: a larger |diff| passes while it is within 3 standard errors of the difference
        row["within_noise"] = row["kind"] == "statistical" and row["diff"] <= 3 * row.get("spread", 0.0)
        rows.append(row)
    return rows


def small(value: float) -> str:
    return f"{value:.4f}" if value >= 1e-4 or value == 0 else f"{value:.0e}"


def seconds(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def ratio(value) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def megabytes(value) -> str:
    """Bytes in MB (1e6 bytes), as precise as the time columns."""
    return seconds(None if value is None else value / 1e6)


def memory_summary(rows: list[dict]) -> str:
    """One line: how many measured rows peak at most at Brain-Score's, and which ones peak above it."""
    measured = [r for r in rows if r.get("ours_peak_bytes") is not None and r.get("brainscore_peak_bytes") is not None]
    above = [r for r in measured if r["ours_peak_bytes"] > r["brainscore_peak_bytes"]]
    listed = ", ".join(f"{r['key']} ({megabytes(r['ours_peak_bytes'])} MB > {megabytes(r['brainscore_peak_bytes'])} MB)"
                       for r in above)
    return (f"peak memory: ours <= Brain-Score in {len(measured) - len(above)} of {len(measured)} measured metric calls"
            + (f"; ABOVE Brain-Score: {listed}" if above else "; none above"))


def speed_summary(rows: list[dict]) -> str:
    """The timed rows below 10x, each with what its floor says: when Brain-Score's own time is under 10 floors,
    no exact method can be 10x faster than Brain-Score on these inputs."""
    slow = [r for r in rows if r["ratio"] is not None and r["ratio"] < 10]
    if not slow:
        return "every timed row at least 10x faster than Brain-Score"
    lines = [f"below 10x ({len(slow)}):"]
    for r in slow:
        if r.get("brainscore_over_floor") is None:
            lines.append(f"  {r['key']}: {ratio(r['ratio'])}x, no floor measured")
            continue
        verdict = ("no exact method can reach 10x" if r["brainscore_over_floor"] < 10
                   else "an exact method could reach 10x")
        lines.append(f"  {r['key']}: {ratio(r['ratio'])}x; Brain-Score takes {ratio(r['brainscore_over_floor'])} floors "
                     f"({verdict}), ours {ratio(r['ours_over_floor'])}")
    return "\n".join(lines)


def interleave(server_command: list[str], keys: list[str], rounds: int, ours_of, floor_of) -> list[dict]:
    """Per round, {key: (Brain-Score's seconds, ours, the floor's)}, the three timed one right after the other for
    each one-pass row; Brain-Score's by a process that stays up between calls (`brainscore_side.py --serve`: a key
    in, {"seconds": ...} out, a line each). Timed minutes apart, as the other rows are, a shared VM's speed moved
    those rows' ratios by 2x."""
    if not keys:
        return []
    env = {**os.environ, "BS_INSTALL_DEPENDENCIES": "no", "PYTHONWARNINGS": "ignore"}
    server = subprocess.Popen(server_command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        def theirs(key):
            server.stdin.write(f"{key}\n")
            server.stdin.flush()
            line = server.stdout.readline()
            if not line:
                raise SystemExit(f"{' '.join(server_command)} stopped (exit {server.wait()}) while timing {key}")
            return json.loads(line)["seconds"]

        return [{key: (theirs(key), ours_of(key), floor_of(key)) for key in keys} for _ in range(rounds)]
    finally:
        server.stdin.close()
        server.wait()


def steadiness(floor_rounds: list[dict]) -> str:
    """How much the machine's speed moved during the run: the same floor work, timed once per round, slowest round
    over fastest (1.0 on a steady machine; a shared VM's neighbours move every ratio in the table by as much)."""
    if len(floor_rounds) < 2 or not floor_rounds[0]:
        return ""
    spread = {key: max(r[key] for r in floor_rounds) / min(r[key] for r in floor_rounds) for key in floor_rounds[0]}
    return (f"machine steadiness: each floor's slowest of {len(floor_rounds)} rounds took "
            f"{min(spread.values()):.2f}-{max(spread.values()):.2f}x its fastest")


def table(rows: list[dict], tolerance: float, memory: bool = False) -> str:
    fmt = "{:<45} {:>8} {:>11} {:>8} {:>10} {:>9} {:>6} {:>7}  {:<13} {:>8} {:>11} {:>8} {:>8} {:>8} {:>8} {:>8}"
    fmt += " {:>11} {:>8}" if memory else ""
    peak, unit = (("Brain-Score", "ours"), ("peak MB", "peak MB")) if memory else ((), ())
    lines = [fmt.format("metric", "ours", "Brain-Score", "|diff|", "max split", "error", "same", f"<={tolerance:g}",
                        "kind", "SE diff", "Brain-Score", "ours", "ratio", "floor", "BS/", "ours/", *peak),
             fmt.format("", "", "", "", "|diff|", "|diff|", "splits", "", "", "", "s", "s", "BS/ours", "s", "floor",
                        "floor", *unit)]
    for r in rows:
        timing = (seconds(r.get("brainscore_seconds")), seconds(r.get("ours_seconds")), ratio(r.get("ratio")),
                  seconds(r.get("floor_seconds")), ratio(r.get("brainscore_over_floor")),
                  ratio(r.get("ours_over_floor")))
        if memory:
            timing += (megabytes(r.get("brainscore_peak_bytes")), megabytes(r.get("ours_peak_bytes")))
        if r.get("failed"):
            lines.append(fmt.format(r["metric"], f"{r['ours']:.4f}", "FAILED", "", "", "", "", "NO", r["kind"], "",
                                    *timing))
            continue
        same = {True: "yes", False: "NO"}.get(r.get("same_splits"), "-")
        within = ("(info)" if r["kind"] == "info" else "yes" if r["within"] else "noise" if r["within_noise"]
                  else "NO")
        split = small(r["max_split_diff"]) if "max_split_diff" in r else "-"
        spread = f"{r['spread']:.4f}" if "spread" in r else ""
        error = small(r["error_diff"]) if "error_diff" in r else "-"
        lines.append(fmt.format(r["metric"], f"{r['ours']:.4f}", f"{r['brainscore']:.4f}", small(r["diff"]),
                                split, error, same, within, r["kind"], spread, *timing))
    return "\n".join(lines)


def shortest(measures: list[dict], key: str) -> float | None:
    """The shortest of the rounds' times for `key` (None where a round has none: not timed, or failed)."""
    times = [m.get(key) for m in measures]
    return None if any(t is None for t in times) else min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brainscore-python", default=os.environ.get("BRAINSCORE_PYTHON"),
                        help="python of the venv holding brainscore-vision 2.4.2 (or $BRAINSCORE_PYTHON)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    parser.add_argument("--keep", type=Path, help="keep the inputs and Brain-Score's JSON in this folder")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--size", choices=("parity", "small", "large"), default="parity",
                        help="parity: the small parity inputs (default); small/large: tests/bench/bench_metrics.py's "
                             "sizes, to time both sides")
    parser.add_argument("--metrics", default="", help="comma-separated substrings of the row keys (default: all), "
                                                      "or =key for that key alone, e.g. ridge,cka_cv,=rdm")
    parser.add_argument("--memory", action="store_true", help="also the tracemalloc peak of one more, untimed call "
                                                              "of each metric on both sides")
    parser.add_argument("--rounds", type=int, default=1, help="run both sides this many times in turn and keep each "
                                                              "row's shortest time on each side over the rounds")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds {args.rounds}: give 1 or more")
    if not args.brainscore_python:
        parser.error("--brainscore-python (or $BRAINSCORE_PYTHON) is required: `nox -s parity` sets it up")
    selected = select([token for token in args.metrics.split(",") if token])
    if not selected:
        parser.error(f"--metrics {args.metrics!r} selects no row; keys: {', '.join(key for key, _, _ in ROWS)}")

    if args.size == "parity":
        source, target, every = neural_inputs()
        probabilities, trials = behaviour_inputs()
        # RidgeCV over Brain-Score's ALPHA_LIST; I1n/I2n ceilings with skipna=False, as Rajalingham2018 (its assert
        # passes on these inputs, and then skipna=True would keep the same cells)
        options = {"cases": brainscore_cases(selected), "ridgecv_alphas": None, "ceiling_skipna": False,
                   "memory": args.memory}
    else:
        source, target, every, probabilities, trials = bench_inputs(args.size)
        # RidgeCV over our default alphas on both sides. With 4 trials per cell, a half often leaves a cell
        # undefined: Brain-Score's ceiling with skipna=False then fails its own assert, while skipna=True (its
        # public Rajalingham2018 benchmark's setting) drops cells undefined in either half, as our ceilings do
        options = {"cases": brainscore_cases(selected), "ridgecv_alphas": [float(a) for a in DEFAULT_RIDGECV_ALPHAS],
                   "ceiling_skipna": True, "memory": args.memory}
    load_before, machine = os.getloadavg(), load_bench().machine()
    bs_seconds = our_seconds = 0.0
    their_rounds, our_rounds = [], []
    with tempfile.TemporaryDirectory(prefix="parity-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        write_inputs(folder, source, target, every, probabilities, trials, options)
        # the sides in turn, every row: scores and memory from the first round; later rounds time the rows that
        # share work across splits (one-pass rows are timed below)
        one_pass = [key for key in selected if key in FLOOR_OF]
        for round_ in range(args.rounds):
            keys = selected if not round_ else [key for key in selected
                                                if key not in FLOOR_OF and BRAINSCORE_KEY.get(key) not in FLOOR_OF]
            if round_ and not keys:
                break
            if round_:
                (folder / "options.json").write_text(json.dumps({**options, "memory": False,
                                                                 "cases": brainscore_cases(keys)}))
            start = time.perf_counter()
            their_rounds.append(run_brainscore(args.brainscore_python, folder))
            bs_seconds += time.perf_counter() - start
            start = time.perf_counter()
            our_rounds.append(ours(source, target, every, probabilities, trials, their_rounds[0], keys,
                                   args.memory and not round_))
            our_seconds += time.perf_counter() - start
        (folder / "options.json").write_text(json.dumps({**options, "memory": False}))
        serve = [args.brainscore_python, str(HERE / "brainscore_side.py"), str(folder), "--serve"]
        interleaved = interleave(serve, one_pass, args.rounds,  # one-pass keys are Brain-Score's case names too
                                 lambda key: ours(source, target, every, probabilities, trials, their_rounds[0],
                                                  [key], False)[1][key],
                                 lambda key: floor_seconds(source, target, [key])[key])
    theirs, (our_scores, _, our_peaks) = their_rounds[0], our_rounds[0]
    # times: the one-pass rows' from the interleaved rounds alone, the other rows' from the rounds above
    their_times = [{case: r[case] for case in r if case not in one_pass} for r in their_rounds]
    their_times += [{key: {"seconds": times[0]} for key, times in one_round.items()} for one_round in interleaved]
    our_times = [{key: t for key, t in timings.items() if key not in one_pass} for _, timings, _ in our_rounds]
    our_times += [{key: times[1] for key, times in one_round.items()} for one_round in interleaved]
    floor_rounds = [{key: times[2] for key, times in one_round.items()} for one_round in interleaved]
    theirs = {case: {**result, "seconds": shortest([r[case] for r in their_times if case in r], "seconds")}
              if isinstance(result, dict) and "seconds" in result else result for case, result in theirs.items()}
    our_timings = {key: shortest([r for r in our_times if key in r], key) for key in our_rounds[0][1]}
    floors = {key: shortest(floor_rounds, key) for key in one_pass}
    load_after = os.getloadavg()
    rows = compare(our_scores, theirs, args.tolerance, our_timings, our_peaks, floors)
    checked = [r for r in rows if r["kind"] != "info"]
    failed = [r for r in checked if not (r["within"] or r.get("within_noise"))]
    timed_rows = [r for r in rows if r["ratio"] is not None]
    shape = (f"{source.shape[0]} stimuli x {source.shape[1]} features x {target.shape[1]} neuroids, "
             f"{np.unique(every['repetition'].values).size} repetitions; {probabilities.shape[0]} images of "
             f"{probabilities.shape[1]} objects, {trials.shape[0]} trials")
    if args.json:
        print(json.dumps({"tolerance": args.tolerance, "size": args.size, "inputs": shape, "selected": selected,
                          "ridgecv_alphas": theirs.get("_parameters", {}).get("ridgecv_alphas"), "rows": rows,
                          "versions": theirs.get("_versions"),
                          "seconds": {"brainscore": bs_seconds, "braindock": our_seconds},
                          "load_average": {"before": load_before, "after": load_after, "cores": os.cpu_count()}, "machine": machine,
                          "floor_rounds": floor_rounds,
                          "rounds": args.rounds, "ok": not failed}, indent=1))
    else:
        versions = theirs.get("_versions", {})
        print(f"braindock vs brainscore_vision {versions.get('brainscore_vision')} "
              f"(brainscore_core {versions.get('brainscore_core')}); Brain-Score side {bs_seconds:.1f} s, "
              f"ours {our_seconds:.1f} s" + (f" ({args.rounds} rounds)" if args.rounds > 1 else ""))
        print(f"size {args.size}: {shape}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, "
              f"{os.cpu_count()} cores\n{machine}")
        print(table(rows, args.tolerance, args.memory))
        for r in rows:
            if r.get("failed"):
                print(f"\n{r['metric']}: Brain-Score failed:\n{r['failed']}")
        noise = sum(1 for r in checked if not r["within"] and r.get("within_noise"))
        print(f"\n{sum(r['within'] for r in checked)} of {len(checked)} compared metrics within {args.tolerance:g}"
              + (f"; {noise} statistical one(s) outside it but within 3 standard errors of the difference"
                 if noise else "")
              + (f"; FAILED: {', '.join(r['key'] for r in failed)}" if failed else ""))
        if timed_rows:
            total_theirs, total_ours = (sum(r[k] for r in timed_rows) for k in ("brainscore_seconds", "ours_seconds"))
            print(f"timed metric calls ({len(timed_rows)}): Brain-Score {total_theirs:.1f} s, ours {total_ours:.1f} s, "
                  f"ratio {total_theirs / total_ours:.1f}")
            print(speed_summary(rows))
            if steady := steadiness(floor_rounds):
                print(steady)
        if args.memory:
            print(memory_summary(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
