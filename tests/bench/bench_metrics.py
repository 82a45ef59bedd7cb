"""Benchmark braindock's metrics against straightforward scikit-learn/scipy loop implementations.

    python tests/bench/bench_metrics.py [--sizes small,large] [--metrics pls,ridge,...]
                                        [--baseline-splits N] [--repeats N] [--tables speed,streaming,cold]

speed: for every metric and size, our time, the baseline's time (each the best of `--repeats` calls: 3 at the
small size, 1 at the large), their ratio, our peak memory (tracemalloc, measured in a second, untimed run that
also checks bit-identical determinism) and the largest |ours - baseline| over the score and its per-split values.
Single-pass CKA and RDM also print the time of the work no exact method can skip (`floors`) and ours as a
multiple of it. The baselines implement the same definitions the way Brain-Score does: one scikit-learn fit per
split and a scipy.stats.pearsonr loop over neuroids. Every baseline runs all 10 splits except large-size PLS
(~70 s a split): its first 2 splits, time scaled by 10/2, deviation over those splits, and the output says so.
`--baseline-splits N` overrides.
streaming: every metric that reads model activations, with the activations saved as float32 .npy, in memory
and memory-mapped (as responses.py loads them): peak memory of each against the size of one float64 copy of the
activations, and whether the scores are bit-identical.
cold: every metric and ceiling in a fresh process, its first call against the best of the next three.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import platform
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.linalg
import scipy.stats
from braindock.metrics import get_ceiling, get_metric
from braindock.metrics.gram import gram, gram_triangle
from braindock.metrics.rsa import side_by_side, upper_triangle
from braindock.testing import behaviour_pair, neural_assembly
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV
from sklearn.model_selection import ShuffleSplit
from threadpoolctl import ThreadpoolController

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


def machine() -> str:
    """The CPU and the kernels numpy picked on it, for the tables' header: the same code runs at different relative
    speeds on different CPUs (on an AMD Zen 4, numpy's AVX-512 sort took 5x its AVX2 sort's time)."""
    cpu = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            cpu.setdefault(key.strip(), value.strip())
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__  # what np.show_runtime reads
    simd = [feature for feature in __cpu_dispatch__ if __cpu_features__.get(feature)]
    blas = [f"{pool['internal_api']} {pool['version']} {pool['architecture']}" for pool in ThreadpoolController().info()
            if pool["user_api"] == "blas"]
    return (f"CPU {cpu.get('model name', platform.processor() or '?')} (family {cpu.get('cpu family', '?')}, model "
            f"{cpu.get('model', '?')}), {os.cpu_count()} cores; numpy {np.__version__} SIMD up to "
            f"{simd[-1] if simd else 'baseline'}; BLAS {', '.join(sorted(set(blas)))}")


def floors(source: np.ndarray, target: np.ndarray, train: np.ndarray, subject: np.ndarray) -> dict:
    """key -> the work no exact method of that one-pass metric can skip on these inputs (arrays, stimuli sorted
    alike; `train`: the fixed split's training rows as booleans; `subject`: each target column's subject),
    done with the fastest kernels we know (BLAS syrk, LAPACK, numpy's sort; large triangles two at a time):

    cka: the two linear-kernel Grams (the upper triangles syrk computes). rdm: the two stimulus-covariance
    Grams and a sort of each RDM's upper triangle (Spearman needs ranks). rsa_ceiling: each subject's Gram,
    and a sort of every triangle whose Spearman r is taken (each subject's, the mean of all, each leave-one-out
    mean). ridge_split: the training Gram (stimuli^2 x features, or features^2 x stimuli if fewer) and one
    Cholesky solve. ridgecv_split: that Gram and one symmetric eigendecomposition, from which every alpha's
    solution follows (one decomposition for the whole solution path: fewer operations than a factorisation per
    alpha for more than a few alphas).
    """

    def triangle(values):
        return upper_triangle(gram(values, row_means=values.mean(axis=1)))

    def sort_all(*vectors):  # two at a time wherever the metrics rank two at a time
        return side_by_side(np.sort, vectors)

    def rdm():
        sort_all(triangle(source), triangle(target))

    def rsa_ceiling():
        rdms = [triangle(target[:, subject == s]) for s in np.unique(subject)]
        total = np.sum(rdms, axis=0)
        sort_all(*rdms, *((total - one) / (len(rdms) - 1) for one in rdms), total / len(rdms))

    def training_gram():
        """The training rows' centred Gram, stimuli x stimuli, or features x features if there are fewer."""
        x = source[train]
        return gram(x) if x.shape[0] <= x.shape[1] else gram(np.ascontiguousarray(x.T), row_means=x.mean(axis=0))

    def ridge_split():
        k = training_gram()
        k[np.diag_indices_from(k)] += 1.0
        y = target[train] if k.shape[0] == train.sum() else source[train].T @ target[train]
        scipy.linalg.cho_solve(scipy.linalg.cho_factor(k, overwrite_a=True, check_finite=False), y,
                               check_finite=False)

    def ridgecv_split():
        scipy.linalg.eigh(training_gram(), driver="evd", overwrite_a=True, check_finite=False)  # LAPACK's fastest

    return {"cka": lambda: (gram_triangle(source), gram_triangle(target)), "rdm": rdm, "rsa_ceiling": rsa_ceiling,
            "ridge_split": ridge_split, "ridgecv_split": ridgecv_split}


def lower_bounds(size):
    """The floors of the bench's single-pass CKA and RDM at `size` (see `floors`)."""
    source, target = neural_data(*SIZES[size])
    everything = np.ones(source.shape[0], dtype=bool)
    chosen = floors(source.values, target.values, everything, np.zeros(target.shape[1]))
    return {name: chosen[name] for name in ("cka", "rdm")}


# fresh-process cold start, every metric and ceiling: label -> (metric or ceiling, name, parameters, inputs)
COLD = {
    **{f"neural_predictivity[{regression}]": ("metric", "neural_predictivity", {"regression": regression}, "neural")
       for regression in ("pls", "ridge", "ridgecv", "ols", "neuron_to_neuron")},
    "neural_predictivity[pls, recordings -> model]": ("metric", "neural_predictivity", {"regression": "pls"},
                                                      "reversed"),
    **{f"neural_predictivity[{regression}, fixed split]": ("metric", "neural_predictivity",
                                                          {"regression": regression, "split": "fixed"}, "split")
       for regression in ("ridge", "ridgecv")},
    "cka": ("metric", "cka", {}, "neural"),
    "cka[biased]": ("metric", "cka", {"estimator": "biased"}, "neural"),
    "cka[cross_validated]": ("metric", "cka", {"cross_validated": True}, "neural"),
    "rdm": ("metric", "rdm", {}, "neural"),
    "rdm[cross_validated]": ("metric", "rdm", {"cross_validated": True}, "neural"),
    "internal_consistency": ("ceiling", "internal_consistency", {}, "repeated"),
    "rsa_ceiling": ("ceiling", "rsa_ceiling", {}, "subjects"),
    **{name: ("metric", name, {"splits": 2}, "behaviour") for name in ("i2n", "i1n", "i1")},
    **{f"{name}_split_half": ("ceiling", f"{name}_split_half", {"splits": 2}, "trials") for name in ("i2n", "i1n", "i1")},
}


def split_labels(n_stimuli: int) -> np.ndarray:
    """'train'/'test' per stimulus for the fixed-split metrics: a seeded 10 % test set."""
    return np.where(np.random.default_rng(7).permutation(n_stimuli) < n_stimuli // 10, "test", "train")


def cold_call(size: str, label: str):
    """COLD[label] built on the bench's data at `size`, as a call without arguments."""
    kind, name, params, inputs = COLD[label]
    n_stimuli, _, n_neuroids = SIZES[size]
    if inputs in ("behaviour", "trials"):
        objects, images = (24, 10) if size == "small" else (24, 50)
        data = behaviour_pair(n_objects=objects, images_per_object=images, trials_per_cell=4)
        data = data[1:] if inputs == "trials" else data
    elif inputs == "repeated":
        data = (repeated_data(n_stimuli, n_neuroids),)
    else:
        source, target = neural_data(*SIZES[size])
        if inputs == "split":
            target = target.assign_coords(split=("presentation", split_labels(n_stimuli)))
        subject = [f"subject{j % 4}" for j in range(n_neuroids)]
        data = {"neural": (source, target), "split": (source, target), "reversed": (target, source),
                "subjects": (target.assign_coords(subject=("neuroid", subject)),)}[inputs]
    metric = (get_metric if kind == "metric" else get_ceiling)(name, **params)
    return lambda: metric(*data)


COLD_SCRIPT = """
import json, resource, sys, time
start = time.perf_counter()
sys.argv = ["bench_metrics.py"]
import importlib.util
spec = importlib.util.spec_from_file_location("bench", {path!r})
bench = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench)
call = bench.cold_call({size!r}, {label!r})
imported = time.perf_counter() - start
time.sleep(bench.SETTLE)
times, faults = [], []
for _ in range(4):
    f = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    t = time.perf_counter(); call(); times.append(time.perf_counter() - t)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f)
print(json.dumps({{"imported": imported, "times": times, "faults": faults}}))
"""
COLD_LIMIT = 1.5  # the first call in a fresh process within this many times the later ones
# seconds between making the inputs and the first call: numpy's OpenBLAS (the inputs' products) keeps its threads
# spinning for a while after a call (0.1-0.2 s here), against the metric's (scipy's) on the same two cores
SETTLE = 0.5


def run_cold(sizes, only):
    """Each metric and ceiling in a fresh process: its first call, SETTLE seconds after its inputs are made,
    against the best of the next three (same inputs), and the page faults of each (MB of 4 KB pages: memory the
    process touches for the first time, which the later calls reuse); the last line names those above COLD_LIMIT."""
    import json
    import resource
    import subprocess
    import sys
    print(f"\n{'size':6} {'metric (fresh process)':46} {'first s':>8} {'later s':>8} {'first/later':>11} {'import s':>9}"
          f" {'first faults MB':>15} {'later faults MB':>15}")
    above, measured = [], 0
    for size in sizes:
        for label in COLD:
            if only and not any(token in label for token in only):
                continue
            code = COLD_SCRIPT.format(path=__file__, size=size, label=label)
            result = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                               check=True).stdout.splitlines()[-1])
            first, later = result["times"][0], min(result["times"][1:])
            measured += 1
            if first / later > COLD_LIMIT:
                above.append(f"{size} {label} ({first / later:.2f})")
            faults_mb = [count * resource.getpagesize() / 2 ** 20 for count in result["faults"]]
            print(f"{size:6} {label:46} {first:8.3f} {later:8.3f} {first / later:11.2f} {result['imported']:9.2f}"
                  f" {faults_mb[0]:15.1f} {max(faults_mb[1:]):15.1f}", flush=True)
    if measured:
        print(f"cold start: {measured - len(above)} of {measured} first calls within {COLD_LIMIT}x of the later ones"
              + (f"; above: {', '.join(above)}" if above else ""))


def _peak_mb(function, *args):
    tracemalloc.start()
    result = function(*args)
    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    return result, peak


def run_streaming(sizes, only):
    """Every metric that reads model activations (COLD's neural entries), with the activations saved as float32
    .npy and loaded in memory or memory-mapped (as responses.py loads them): peak memory against one float64 copy
    of the activations, and whether the two give bit-identical scores."""
    print(f"\n{'size':6} {'metric (float32 .npy activations)':46} {'in memory MB':>12} {'mmap MB':>8} "
          f"{'float64 copy MB':>15} {'identical':>9}")
    for size in sizes:
        source, target = neural_data(*SIZES[size])
        with tempfile.TemporaryDirectory() as folder:
            np.save(f"{folder}/source.npy", source.values.astype(np.float32))
            in_memory = source.copy(data=np.load(f"{folder}/source.npy"))
            mapped = source.copy(data=np.load(f"{folder}/source.npy", mmap_mode="r"))
            for label, (kind, name, params, inputs) in COLD.items():
                if inputs not in ("neural", "split", "reversed") or (only and not any(t in label for t in only)):
                    continue
                recordings = (target.assign_coords(split=("presentation", split_labels(target.shape[0])))
                              if inputs == "split" else target)
                order = (lambda model: (recordings, model)) if inputs == "reversed" else (lambda model: (model, recordings))
                metric = get_metric(name, **params)
                a, peak_memory = _peak_mb(metric, *order(in_memory))
                b, peak_mapped = _peak_mb(metric, *order(mapped))
                identical = a.value == b.value and np.array_equal(a.per_split, b.per_split)
                print(f"{size:6} {label:46} {peak_memory:12.0f} {peak_mapped:8.0f} "
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
    parser.add_argument("--tables", default="speed,streaming,cold", help="which tables, comma-separated")
    args = parser.parse_args()
    only = [m for m in args.metrics.split(",") if m]
    repeats = {size: args.repeats or REPEATS[size] for size in SIZES}
    sizes, tables = args.sizes.split(","), args.tables.split(",")
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} cores "
          f"(timings are wall-clock; other processes on the machine slow both sides)\n{machine()}")
    if "speed" in tables:
        run(sizes, only, args.baseline_splits, repeats)
    if "streaming" in tables:
        run_streaming(sizes, only)
    if "cold" in tables:
        run_cold(sizes, only)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
