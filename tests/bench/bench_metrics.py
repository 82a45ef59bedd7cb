"""Benchmark braindock's metrics against straightforward scikit-learn/scipy loop implementations.

    python tests/bench/bench_metrics.py [--sizes small,large] [--metrics pls,ridge,...]
                                        [--baseline-splits N] [--repeats N]

For every metric and size it prints our time, the baseline's time (each the best of `--repeats` calls:
3 at the small size, 1 at the large), their ratio, our peak memory (tracemalloc, measured in a second,
untimed run that also checks bit-identical determinism) and the largest |ours - baseline| over the
score and its per-split values. A second table scores the source saved as float32 .npy, in memory and
memory-mapped (as responses.py loads it): peak memory of each against the size of one float64 copy of
the activations, and whether the scores are bit-identical. Single-pass CKA and RDM also print the time of
the work no exact method can skip (`lower_bounds`) and ours as a multiple of it. A last table runs a few
metrics in fresh processes: the first call against the best of the next three (cold start). The baselines implement the same
definitions the way Brain-Score does: one scikit-learn fit per split and a scipy.stats.pearsonr loop
over neuroids. Every baseline runs all 10 splits except large-size PLS (~70 s a split): its first 2 splits,
time scaled by 10/2, deviation over those splits, and the output says so. `--baseline-splits N` overrides.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from collections import Counter

import numpy as np
import scipy.stats
from braindock.metrics import get_ceiling, get_metric
from braindock.metrics.gram import gram
from braindock.testing import behaviour_pair, neural_assembly
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV
from sklearn.model_selection import ShuffleSplit

SIZES = {"small": (640, 2000, 168), "large": (3200, 10000, 256)}
SPLITS = 10
PARTIAL_BASELINES = {("large", "neural_predictivity[pls]"): 2}  # its 10 splits alone would take ~12 min on 2 cores
REPEATS = {"small": 3, "large": 1}  # timed calls per side (best of); the large baselines take minutes each


# ----------------------------------------------------------------------------------------- data
def neural_data(n_stimuli, n_features, n_neuroids, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n_stimuli, 40))
    x = latent @ rng.standard_normal((40, n_features)) + 2.0 * rng.standard_normal((n_stimuli, n_features))
    y = latent @ rng.standard_normal((40, n_neuroids)) / 6 + rng.standard_normal((n_stimuli, n_neuroids))
    return neural_assembly(x.astype(np.float64)), neural_assembly(y)


def repeated_data(n_stimuli, n_neuroids, repetitions=10, seed=0):
    rng = np.random.default_rng(seed)
    signal = rng.standard_normal((n_stimuli, 1, n_neuroids))
    values = (signal + 2.0 * rng.standard_normal((n_stimuli, repetitions, n_neuroids))).reshape(-1, n_neuroids)
    return neural_assembly(values, stimulus_ids=np.repeat([f"stim{i:05d}" for i in range(n_stimuli)], repetitions),
                           repetition=np.tile(np.arange(repetitions), n_stimuli))


# ------------------------------------------------------------------------------------ baselines
def baseline_predictivity(source, target, make_regression, n_splits):
    x, y = source.values, target.values  # ids are generated sorted, as the metric sorts them
    per_split = []
    for train, test in list(ShuffleSplit(SPLITS, train_size=0.9, random_state=1).split(x))[:n_splits]:
        prediction = make_regression().fit(x[train], y[train]).predict(x[test])
        rs = [scipy.stats.pearsonr(prediction[:, j], y[test][:, j])[0] for j in range(y.shape[1])]
        per_split.append(np.median(rs))
    return np.mean(per_split), np.array(per_split)


def _subsets(n, n_splits):
    return [np.sort(t) for _, t in ShuffleSplit(SPLITS, test_size=0.9, random_state=1).split(np.zeros(n))][:n_splits]


def _cka(a, b):
    """Biased linear CKA as Brain-Score's linear_CKA: H K H with the centring matrix H."""
    def centred_gram(v):
        g = v @ v.T
        n = g.shape[0]
        h = np.eye(n) - np.ones((n, n)) / n
        return h @ g @ h
    ka, kb = centred_gram(a), centred_gram(b)
    return np.sum(ka * kb) / np.sqrt(np.sum(ka * ka) * np.sum(kb * kb))


def _rdm_spearman(a, b):
    iu = np.triu_indices(a.shape[0], k=1)
    return scipy.stats.spearmanr((1 - np.corrcoef(a))[iu], (1 - np.corrcoef(b))[iu])[0]


def baseline_subsets(compare, source, target, n_splits):
    """`compare` on each cross-validation subset (None: once on all stimuli), mean over subsets."""
    subsets = [slice(None)] if n_splits is None else _subsets(source.shape[0], n_splits)
    per_split = [compare(source.values[s], target.values[s]) for s in subsets]
    return np.mean(per_split), np.array(per_split)


def baseline_internal_consistency(assembly, n_splits):
    repetitions = assembly["repetition"].values
    values = assembly.values
    distinct = np.unique(repetitions)
    rng = np.random.default_rng(0)
    per_split = []
    for _ in range(n_splits):
        order = distinct[rng.permutation(distinct.size)]
        halves = []
        for half in (order[: distinct.size // 2], order[distinct.size // 2:]):
            rows = np.isin(repetitions, half)
            sub = assembly[rows]
            halves.append(sub.groupby("stimulus_id").mean("presentation").values)
        rs = [scipy.stats.pearsonr(halves[0][:, j], halves[1][:, j])[0] for j in range(values.shape[1])]
        rs = np.array(rs)
        per_split.append(np.median(2 * rs / (1 + rs)))
    return np.mean(per_split), np.array(per_split)


def baseline_i2n(source, target, n_splits):
    """Brain-Score-style loops: Counter-built response matrices, per-cell d'."""
    objects = list(source["choice"].values)
    images = sorted(set(target["stimulus_id"].values))
    truth_of = dict(zip(target["stimulus_id"].values, target["truth"].values))
    p_source = {s: dict(zip(objects, row)) for s, row in zip(source["stimulus_id"].values, source.values)}

    def dprimes(rate):  # rate[(image, object)]
        fa = {}
        for (image, obj), value in rate.items():
            fa.setdefault((truth_of[image], obj), []).append(value)
        out = {}
        for (image, obj), value in rate.items():
            if obj == truth_of[image]:
                continue
            false_alarms = [v for v in fa.get((obj, truth_of[image]), []) if not np.isnan(v)]
            fa_mean = np.mean(false_alarms) if false_alarms else np.nan
            with np.errstate(invalid="ignore"):  # inf - inf where both rates are 0 or 1: NaN, as Brain-Score
                d = scipy.stats.norm.ppf(1 - value) - scipy.stats.norm.ppf(fa_mean)
            out[(image, obj)] = np.clip(d, -5, 5)
        groups = {}
        for (image, obj), d in out.items():
            groups.setdefault((truth_of[image], obj), []).append(d)
        means = {k: np.nanmean(v) if not np.all(np.isnan(v)) else np.nan for k, v in groups.items()}
        return {(image, obj): d - means[(truth_of[image], obj)] for (image, obj), d in out.items()}

    model = {}
    for image in images:
        p = p_source[image]
        for obj in objects:
            model[(image, obj)] = np.nan if obj == truth_of[image] else p[obj] / (p[obj] + p[truth_of[image]])
    model = dprimes(model)
    trials = list(zip(target["stimulus_id"].values, target["truth"].values, target["distractor"].values,
                      target["choice"].values))
    state = np.random.RandomState(0)
    per_split = []
    for _ in range(n_splits):
        indices = list(range(len(trials)))
        state.shuffle(indices)
        half = [trials[i] for i in indices[: len(indices) // 2]]
        chosen = Counter((s, c) for s, t, d, c in half if c != t)
        offered = Counter((s, d) for s, t, d, c in half)
        rate = {(image, obj): (chosen[(image, obj)] / offered[(image, obj)] if offered[(image, obj)] else np.nan)
                for image in images for obj in objects}
        human = dprimes(rate)
        keys = [k for k in human if not np.isnan(human[k])]
        per_split.append(scipy.stats.pearsonr([model[k] for k in keys], [human[k] for k in keys])[0])
    return np.mean(per_split), np.array(per_split)


# ---------------------------------------------------------------------------------------- cases
def cases(size):
    n_stimuli, n_features, n_neuroids = SIZES[size]
    source, target = neural_data(n_stimuli, n_features, n_neuroids)
    regressions = {"pls": lambda: PLSRegression(25, scale=False), "ridge": lambda: Ridge(alpha=1.0),
                   "ridgecv": lambda: RidgeCV(alphas=np.logspace(-3, 3, 7)), "ols": LinearRegression}
    for name, make in regressions.items():
        yield (f"neural_predictivity[{name}]", lambda name=name: get_metric("neural_predictivity", regression=name)(source, target),
               lambda k, make=make: baseline_predictivity(source, target, make, k))
    for cross_validated in (False, True):  # the baselines are Brain-Score's cka_biased and rdm(_cv)
        cka = get_metric("cka", estimator="biased", cross_validated=cross_validated)
        rdm = get_metric("rdm", cross_validated=cross_validated)
        suffix, splits = ("[cross_validated]", lambda k: k) if cross_validated else ("", lambda k: None)
        yield (f"cka{suffix}", lambda cka=cka: cka(source, target),
               lambda k, splits=splits: baseline_subsets(_cka, source, target, splits(k)))
        yield (f"rdm{suffix}", lambda rdm=rdm: rdm(source, target),
               lambda k, splits=splits: baseline_subsets(_rdm_spearman, source, target, splits(k)))
    repeated = repeated_data(n_stimuli, n_neuroids)
    yield ("internal_consistency", lambda: get_ceiling("internal_consistency")(repeated),
           lambda k: baseline_internal_consistency(repeated, k))
    objects, images = (24, 10) if size == "small" else (24, 50)
    behaviour_source, trials = behaviour_pair(n_objects=objects, images_per_object=images, trials_per_cell=4)
    yield ("i2n", lambda: get_metric("i2n", splits=SPLITS)(behaviour_source, trials),
           lambda k: baseline_i2n(behaviour_source, trials, k))


def lower_bounds(size):
    """name -> the work no exact method of that single-pass metric can skip, on both sides: the two Gram matrices
    (n^2 x features multiply-adds each, as BLAS syrk) for CKA; the two stimulus covariance Grams plus one sort of
    each RDM's upper triangle (Spearman needs ranks) for RDM."""
    source, target = neural_data(*SIZES[size])
    triangle = np.triu_indices(SIZES[size][0], k=1)

    def rdm_work():
        for values in (source.values, target.values):
            np.sort(gram(values, row_means=values.mean(axis=1))[triangle])

    return {"cka": lambda: (gram(source.values), gram(target.values)), "rdm": rdm_work}


COLD_METRICS = {  # fresh-process cold start: (metric, parameters)
    "neural_predictivity[ridge, fixed split]": ("neural_predictivity", {"regression": "ridge", "split": "fixed"}),
    "neural_predictivity[ridge]": ("neural_predictivity", {"regression": "ridge"}),
    "neural_predictivity[pls]": ("neural_predictivity", {"regression": "pls"}),
    "cka": ("cka", {}),
    "rdm": ("rdm", {}),
}
COLD_SCRIPT = """
import json, sys, time
start = time.perf_counter()
sys.argv = ["bench_metrics.py"]
import importlib.util
spec = importlib.util.spec_from_file_location("bench", {path!r})
bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)
import numpy as np
source, target = bench.neural_data(*bench.SIZES[{size!r}])
labels = np.where(np.random.default_rng(7).permutation(target.shape[0]) < target.shape[0] // 10, "test", "train")
target = target.assign_coords(split=("presentation", labels))
metric = bench.get_metric({name!r}, **{params!r})
imported = time.perf_counter() - start
times = []
for _ in range(4):
    t = time.perf_counter(); metric(source, target); times.append(time.perf_counter() - t)
print(json.dumps({{"imported": imported, "times": times}}))
"""


def run_cold(sizes, only):
    """Each metric in a fresh process: its first call against the best of the next three (same inputs)."""
    import json
    import subprocess
    import sys
    print(f"\n{'size':6} {'metric (fresh process)':40} {'first s':>8} {'later s':>8} {'first/later':>11} {'import s':>9}")
    for size in sizes:
        for label, (name, params) in COLD_METRICS.items():
            if only and not any(token in label for token in only):
                continue
            code = COLD_SCRIPT.format(path=__file__, size=size, name=name, params=params)
            result = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                               check=True).stdout.splitlines()[-1])
            first, later = result["times"][0], min(result["times"][1:])
            print(f"{size:6} {label:40} {first:8.3f} {later:8.3f} {first / later:11.2f} {result['imported']:9.2f}",
                  flush=True)


def _peak_mb(function, *args):
    tracemalloc.start()
    result = function(*args)
    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    return result, peak


def run_streaming(sizes, only):
    print(f"\n{'size':6} {'metric (float32 .npy source)':34} {'in memory MB':>12} {'mmap MB':>8} "
          f"{'float64 copy MB':>15} {'identical':>9}")
    for size in sizes:
        source, target = neural_data(*SIZES[size])
        with tempfile.TemporaryDirectory() as folder:
            np.save(f"{folder}/source.npy", source.values.astype(np.float32))
            in_memory = source.copy(data=np.load(f"{folder}/source.npy"))
            mapped = source.copy(data=np.load(f"{folder}/source.npy", mmap_mode="r"))
            for label, name, params in [("neural_predictivity[ridge]", "neural_predictivity", {"regression": "ridge"}),
                                        ("cka[cross_validated]", "cka",
                                         {"estimator": "biased", "cross_validated": True}),
                                        ("rdm[cross_validated]", "rdm", {"cross_validated": True})]:
                if only and not any(token in label for token in only):
                    continue
                metric = get_metric(name, **params)
                a, peak_memory = _peak_mb(metric, in_memory, target)
                b, peak_mapped = _peak_mb(metric, mapped, target)
                identical = a.value == b.value and np.array_equal(a.per_split, b.per_split)
                print(f"{size:6} {label:34} {peak_memory:12.0f} {peak_mapped:8.0f} "
                      f"{source.values.nbytes / 2 ** 20:15.0f} {identical!s:>9}", flush=True)


def _best_time(function, repeats):
    """(result, shortest wall time of `repeats` calls), timeit's convention: other processes and the other
    OpenBLAS pool's spinning threads only ever add time, so the minimum is the least disturbed measure."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, min(times)


def run(sizes, only, baseline_splits, repeats):
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} cores "
          f"(timings are wall-clock; other processes on the machine slow both sides)")
    print(f"{'size':6} {'metric':34} {'ours s':>8} {'baseline s':>11} {'ratio':>7} {'peak MB':>8} {'max |dev|':>10}"
          f" {'bound s':>8} {'ours/bound':>10}")
    for size in sizes:
        bounds = lower_bounds(size)
        for name, ours, baseline in cases(size):
            if only and not any(token in name for token in only):
                continue
            score, ours_time = _best_time(ours, repeats[size])
            again, peak = _peak_mb(ours)
            deterministic = again.value == score.value and np.array_equal(again.per_split, score.per_split)
            k = min(baseline_splits or PARTIAL_BASELINES.get((size, name), SPLITS), SPLITS)
            (value, per_split), base_time = _best_time(lambda: baseline(k), repeats[size])
            base_time *= SPLITS / k
            deviation = np.abs(np.asarray(score.per_split)[: per_split.size] - per_split).max()
            if k == SPLITS:
                deviation = max(deviation, abs(score.value - value))
            note = "" if k == SPLITS else f"  (baseline on {k}/{SPLITS} splits, time scaled)"
            note += "" if deterministic else "  NOT DETERMINISTIC"
            bound = f"{'':8} {'':10}"
            if name in bounds:  # single-pass CKA / RDM: the unavoidable work, timed the same way
                _, bound_time = _best_time(bounds[name], repeats[size])
                bound = f"{bound_time:8.2f} {ours_time / bound_time:10.2f}"
            print(f"{size:6} {name:34} {ours_time:8.2f} {base_time:11.2f} {base_time / ours_time:7.1f} "
                  f"{peak:8.0f} {deviation:10.2e} {bound}{note}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--metrics", default="", help="comma-separated substrings of metric names")
    parser.add_argument("--baseline-splits", type=int, default=0,
                        help=f"baseline splits to time (default all {SPLITS}, except {PARTIAL_BASELINES})")
    parser.add_argument("--repeats", type=int, default=0,
                        help=f"timed calls per side, the best reported (default {REPEATS})")
    args = parser.parse_args()
    only = [m for m in args.metrics.split(",") if m]
    repeats = {size: args.repeats or REPEATS[size] for size in SIZES}
    run(args.sizes.split(","), only, args.baseline_splits, repeats)
    run_streaming(args.sizes.split(","), only)
    run_cold(args.sizes.split(","), only)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
