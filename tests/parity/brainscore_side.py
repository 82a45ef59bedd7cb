"""Run Brain-Score vision 2.4.2's own metrics on the inputs that compare.py wrote; print nothing, write JSON.

    BS_INSTALL_DEPENDENCIES=no python brainscore_side.py INPUT_DIR OUTPUT_JSON
    BS_INSTALL_DEPENDENCIES=no python brainscore_side.py INPUT_DIR --serve   # time the metric keys read from stdin

Runs ONLY inside the Brain-Score venv (brainscore-vision 2.4.2 + brainscore-core, numpy<2, xarray<2022.6);
it never imports braindock. Inputs (see compare.py `write_inputs`):
  neural_source.npy (stimulus x feature), neural_target.npy (stimulus x neuroid, averaged over repetitions),
  neural_repeated.npy (stimulus*repetition x neuroid), behaviour_probabilities.npy (image x object),
  coords.json (stimulus_id, object_name, feature_id, neuroid_id, repeated_stimulus_id, repeated_repetition,
  image_id, objects, trial_stimulus_id, trial_truth, trial_distractor, trial_choice, split (train/test per
  stimulus, for the *_split rows), subject (per target neuroid, for rsa_ceiling));
  options.json (optional): {"cases": [keys] or null (all), "ridgecv_alphas": [alphas] or null (ALPHA_LIST),
  "ceiling_skipna": the I1n/I2n ceilings' skipna (default false, as Rajalingham2018), "memory": whether to
  measure peak memory (default false)}.
Output: {metric key: {"value", "error", "per_split", "splits"?, "seconds", "peak_bytes", "case_seconds"} or
{"failed": traceback, "seconds": null, "case_seconds"}}, plus "_versions" (packages, paths, whether torch got
imported) and "_parameters" (the RidgeCV alphas used, the cases run).
"seconds" is the wall time of the metric call alone (`metric(...)`, `metric.ceiling(...)`; under 1 s, the shortest
of at least 3 calls that take 1 s together, measure.py): the metric object is built before the clock starts, and the splits
are read back after it stops. "peak_bytes" (null without "memory") is the tracemalloc peak of a second, untimed
call of the same metric (measure.py). Rows derived from earlier scores (pls_ceiled, i2n_ceiled) have "seconds":
null and no "peak_bytes". "case_seconds" is the whole case.
"splits" lists each split's (train, test) stimulus_ids (or repetition values) as Brain-Score's own
Split.build_splits produced them, so compare.py can tell whether both sides used the same splits.
"""
from __future__ import annotations

import functools
import json
import os
import sys
import time
import traceback
import warnings
from pathlib import Path

os.environ["BS_INSTALL_DEPENDENCIES"] = "no"  # load_metric would otherwise `pip install` each plugin's requirements
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
from measure import peak_bytes, seconds_of  # noqa: E402  (this folder's, standard library only)
from brainscore_core.supported_data_standards.brainio.assemblies import BehavioralAssembly, NeuroidAssembly  # noqa: E402
from brainscore_vision import load_ceiling, load_metric  # noqa: E402
from brainscore_vision.benchmark_helpers.neural_common import explained_variance  # noqa: E402
from brainscore_vision.benchmarks.rajalingham2018.benchmarks.benchmark import _DicarloRajalingham2018  # noqa: E402
from brainscore_vision.metrics.cka.metric import CKACrossValidated  # noqa: E402
from brainscore_vision.metrics.i1i2.metric import I1n  # noqa: E402
from brainscore_vision.metrics.rsa_ceiling.ceiling import RSACeiling  # noqa: E402
from brainscore_vision.metrics.regression_correlation.metric import (  # noqa: E402
    ALPHA_LIST,
    CrossRegressedCorrelation,
    pearsonr_correlation,
    ridge_cv_regression,
)

STRATIFIED = dict(crossvalidation_kwargs=dict(stratification_coord="object_name"))  # Brain-Score's default, explicit


def load_inputs(folder: Path):
    coords = json.loads((folder / "coords.json").read_text())
    presentation = {"stimulus_id": ("presentation", coords["stimulus_id"]),
                    "object_name": ("presentation", coords["object_name"])}
    # Brain-Score assemblies are MultiIndexed: a dimension with a single coordinate collapses into a plain
    # index its metrics cannot handle, so every dimension gets a second coordinate (as in Brain-Score's tests)
    region = lambda ids: ("neuroid", ["IT"] * len(ids))
    source = NeuroidAssembly(np.load(folder / "neural_source.npy"), coords={
        **presentation, "neuroid_id": ("neuroid", coords["feature_id"]), "region": region(coords["feature_id"])},
        dims=["presentation", "neuroid"])
    target = NeuroidAssembly(np.load(folder / "neural_target.npy"), coords={
        **presentation, "neuroid_id": ("neuroid", coords["neuroid_id"]), "region": region(coords["neuroid_id"])},
        dims=["presentation", "neuroid"])
    object_of = dict(zip(coords["stimulus_id"], coords["object_name"]))
    repeated = NeuroidAssembly(np.load(folder / "neural_repeated.npy"), coords={
        "stimulus_id": ("presentation", coords["repeated_stimulus_id"]),
        "object_name": ("presentation", [object_of[s] for s in coords["repeated_stimulus_id"]]),
        "repetition": ("presentation", coords["repeated_repetition"]),
        "neuroid_id": ("neuroid", coords["neuroid_id"]), "region": region(coords["neuroid_id"])},
        dims=["presentation", "neuroid"])
    probabilities = BehavioralAssembly(np.load(folder / "behaviour_probabilities.npy"), coords={
        "stimulus_id": ("presentation", coords["image_id"]),
        "image_index": ("presentation", list(range(len(coords["image_id"])))),
        "choice": ("choice", coords["objects"])},
        dims=["presentation", "choice"])
    # Rajalingham2018's layout: values are the chosen object; sample_obj (= truth) and dist_obj are offered
    trials = BehavioralAssembly(np.asarray(coords["trial_choice"], dtype=object), coords={
        "stimulus_id": ("presentation", coords["trial_stimulus_id"]),
        "truth": ("presentation", coords["trial_truth"]),
        "sample_obj": ("presentation", coords["trial_truth"]),
        "dist_obj": ("presentation", coords["trial_distractor"]),
        "choice": ("presentation", coords["trial_choice"])}, dims=["presentation"])
    # the fixed split ('train'/'test' per stimulus) of the *_split rows, and each target neuroid's subject (rsa_ceiling)
    split = np.asarray(coords["split"])
    subjects = NeuroidAssembly(np.load(folder / "neural_target.npy"), coords={
        **presentation, "neuroid_id": ("neuroid", coords["neuroid_id"]), "subject": ("neuroid", coords["subject"])},
        dims=["presentation", "neuroid"])
    return source, target, repeated, probabilities, trials, split, subjects


def summary(score) -> dict:
    """value, error and per-split values of a Brain-Score Score (raw values reduced over neuroids by median,
    as its aggregate does)."""
    out = {"value": float(score.values), "error": _float(score.attrs.get("error")), "per_split": []}
    raw = score.attrs.get("raw")
    if raw is not None and hasattr(raw, "dims") and "split" in raw.dims:
        if "neuroid" in raw.dims:
            raw = raw.median("neuroid")
        out["per_split"] = [float(v) for v in raw.transpose("split").values]
    return out


def _float(value):
    return None if value is None else float(np.asarray(value))


def split_ids(split, assembly) -> list:
    """Brain-Score's own splits of `assembly` as (train, test) lists of split-coordinate values."""
    values, splits = split.build_splits(assembly)
    values = np.asarray(values[split._split_coord].values)
    return [[sorted(values[train].tolist()), sorted(values[test].tolist())] for train, test in splits]


def timed(call, memory: bool):
    """(result, {"seconds": wall seconds of the call (measure.seconds_of: under 1 s, the shortest of several),
    "peak_bytes": None, or with `memory` the peak of one more, untimed call}): the timed calls stay untraced, so
    tracing does not change their time."""
    result, seconds = seconds_of(call)
    return result, {"seconds": seconds, "peak_bytes": peak_bytes(call) if memory else None}


def cases_of(folder: Path, options: dict) -> tuple[dict, dict]:
    """({metric key: a call that computes and times it, returning its result entry}, the parameters they use)."""
    source, target, repeated, probabilities, trials, split, subjects = load_inputs(folder)
    alphas = options.get("ridgecv_alphas") or ALPHA_LIST
    skipna = bool(options.get("ceiling_skipna", False))
    measure = functools.partial(timed, memory=bool(options.get("memory", False)))
    scores = {}  # Brain-Score Score objects, each computed once (the ceiled rows reuse them)
    cases = {}

    def predictivity(key, metric):
        scores[key], measured = measure(lambda: metric(source, target))
        return {**summary(scores[key]), "splits": split_ids(metric.cross_validation._split, target), **measured}

    cases["pls"] = lambda: predictivity("pls", load_metric("pls", **STRATIFIED))
    cases["ridge"] = lambda: predictivity("ridge", load_metric("ridge", **STRATIFIED))
    cases["linear"] = lambda: predictivity("linear", load_metric("linear_predictivity", **STRATIFIED))
    # not registered as a cross-validated metric in 2.4.2: Brain-Score's own parts, composed as its `pls`/`ridge`
    cases["ridgecv"] = lambda: predictivity("ridgecv", CrossRegressedCorrelation(
        regression=ridge_cv_regression(alphas=alphas), correlation=pearsonr_correlation(), **STRATIFIED))

    cases["neuron_to_neuron"] = lambda: predictivity("neuron_to_neuron", load_metric("neuron_to_neuron", **STRATIFIED))
    # reverse predictivity: ReverseCrossRegressedCorrelation swaps them itself (recordings -> model)
    cases["reverse_pls"] = lambda: predictivity("reverse_pls", load_metric("reverse_pls", **STRATIFIED))

    def fixed_split(name):  # TrainTestSplitCorrelation on the one given split; ridgecv_split with its ALPHA_LIST
        metric = load_metric(name)
        train, test = split == "train", split == "test"
        parts = dict(source_train=source[train], source_test=source[test], target_train=target[train],
                     target_test=target[test])
        score, measured = measure(lambda: metric(**parts))
        return {**summary(score), **measured}

    for name in ("ridge_split", "ridgecv_split", "dual_ridgecv_split"):
        cases[name] = lambda name=name: fixed_split(name)

    def rsa_ceiling():
        ceiling = RSACeiling()
        score, measured = measure(lambda: ceiling(subjects))
        return {"value": float(score.values), "error": None, "per_split": [],
                "lower_bound_loo": score.attrs["lower_bound_loo"], **measured}

    cases["rsa_ceiling"] = rsa_ceiling

    def plain(metric):
        score, measured = measure(lambda: metric(source, target))
        return {**summary(score), **measured}

    def test_only(metric):
        score, measured = measure(lambda: metric(source, target))
        return {**summary(score), "splits": split_ids(metric._cross_validation._cross_validation._split, target),
                **measured}

    cases["cka"] = lambda: plain(load_metric("cka"))  # unbiased=True by default
    cases["cka_biased"] = lambda: plain(load_metric("cka_biased"))
    cases["cka_cv"] = lambda: test_only(load_metric("cka_cv"))  # unbiased, stratified by object_name
    cases["cka_cv_biased"] = lambda: test_only(CKACrossValidated(unbiased=False))  # not registered; same class
    cases["rdm"] = lambda: plain(load_metric("rdm"))
    cases["rdm_cv"] = lambda: test_only(load_metric("rdm_cv"))

    def internal_consistency():
        ceiling = load_ceiling("internal_consistency")
        scores["internal_consistency"], measured = measure(lambda: ceiling(repeated))
        return {**summary(scores["internal_consistency"]),
                "splits": split_ids(ceiling._consistency._cross_validation._split, repeated), **measured}

    cases["internal_consistency"] = internal_consistency
    # NeuralBenchmark.__call__ (MajajHong2015 etc.): explained_variance(raw, ceiling) = r^2 / ceiling; not timed
    cases["pls_ceiled"] = lambda: {**summary(explained_variance(scores["pls"], scores["internal_consistency"])),
                                   "seconds": None}

    def behaviour(key, metric, ceiling=False):
        # a fresh copy per call (the metric may write into it); a few microseconds of a call of milliseconds or more
        call = (lambda: metric.ceiling(trials, skipna=skipna)) if ceiling else (lambda: metric(probabilities.copy(), trials))
        scores[key], measured = measure(call)
        return {**summary(scores[key]), **measured}

    def i2n_ceiled():  # Rajalingham2018's ceil_score: per split r / sqrt(ceiling), then the metric's aggregate
        benchmark = object.__new__(_DicarloRajalingham2018)  # only ceil_score is used, which needs no data
        benchmark._metric = load_metric("i2n")
        score = benchmark.ceil_score(scores["i2n"], scores["i2n_ceiling"])
        return {"value": float(score.values), "error": _float(score.attrs.get("error")), "per_split": [],
                "seconds": None}  # reuses the two scores above: not timed

    cases["i2n"] = lambda: behaviour("i2n", load_metric("i2n"))
    cases["i2n_ceiling"] = lambda: behaviour("i2n_ceiling", load_metric("i2n"), ceiling=True)
    cases["i2n_ceiled"] = i2n_ceiled
    cases["i1n"] = lambda: behaviour("i1n", I1n())  # in i1i2/metric.py but not registered (`i1` is I1)
    cases["i1"] = lambda: behaviour("i1", load_metric("i1"))
    cases["i1_ceiling"] = lambda: behaviour("i1_ceiling", load_metric("i1"), ceiling=True)
    cases["i1n_ceiling"] = lambda: behaviour("i1n_ceiling", I1n(), ceiling=True)

    return cases, {"ridgecv_alphas": [float(a) for a in alphas], "alpha_list": [float(a) for a in ALPHA_LIST],
                   "ceiling_skipna": skipna}


def run(folder: Path, options: dict) -> dict:
    cases, parameters = cases_of(folder, options)
    wanted = options.get("cases")
    unknown = sorted(set(wanted or ()) - set(cases))
    if unknown:
        raise ValueError(f"unknown cases {unknown}; known: {sorted(cases)}")
    results = {}
    for name, case in cases.items():
        if wanted is not None and name not in wanted:
            continue
        start = time.perf_counter()
        try:
            results[name] = case()
        except Exception:  # report what failed, never a made-up number
            results[name] = {"failed": traceback.format_exc(limit=6), "seconds": None}
        results[name]["case_seconds"] = time.perf_counter() - start
    results["_parameters"] = {**parameters, "cases": list(results)}
    return results


def serve(folder: Path, options: dict) -> None:
    """For each metric key read from stdin, one line of JSON on stdout: {"seconds": its call's time} (measure.py),
    so that compare.py can time Brain-Score's call, ours and the floor one after the other, on the same machine
    state, instead of minutes apart."""
    cases, _ = cases_of(folder, {**options, "memory": False})
    for line in sys.stdin:
        print(json.dumps({"seconds": cases[line.strip()]()["seconds"]}), flush=True)


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[2] == "--serve":
        folder = Path(argv[1])
        serve(folder, json.loads((folder / "options.json").read_text()))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    from importlib.metadata import version

    import brainscore_core
    import brainscore_vision
    folder = Path(argv[1])
    options = json.loads((folder / "options.json").read_text()) if (folder / "options.json").exists() else {}
    results = run(folder, options)
    results["_versions"] = {name: version(name) for name in (
        "brainscore_vision", "brainscore_core", "numpy", "scipy", "scikit-learn", "xarray", "pandas")}
    results["_versions"]["paths"] = [brainscore_vision.__file__, brainscore_core.__file__]
    results["_versions"]["torch_imported"] = "torch" in sys.modules
    Path(argv[2]).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
