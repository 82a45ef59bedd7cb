"""The check-benchmark checks: each `check_<property>` takes a BenchmarkSession and returns a CheckResult.

The export is run as the loader runs it; its validation is the loader's own (curation.validation), split so that
each fault fails the one check that concerns it; the ceiling and a stimulus-blind control are computed with the
manifest's own metric, ceiling and normalisation, as scoring would.
"""
from __future__ import annotations

import re

import numpy as np
import xarray as xr

from .. import metrics
from ..contract.assemblies import average_repetitions
from ..errors import BraindockError, Problem
from ..execution.engines.base import TRAPPED_EXIT
from ..metrics import Score
from ..scoring import behavioral, readouts
from .benchmark_session import BenchmarkSession
from .result import CheckResult, SkipCheck, failed, passed, warned
from .sandbox_checks import network_lines

HASH_CODES = {"SHA256_MISMATCH"}
STIMULUS_CODES = {"UNKNOWN_STIMULUS_ID"}
CONTROL_SEEDS = (0, 1, 2, 3, 4)  # the control is averaged over these shuffles
NEAR_ZERO = 0.1  # |mean ceiled score of the control| must stay below this
CONTROL_FEATURES = 64  # random features per stimulus of the behavioural control
PERMISSION_SIGNS = re.compile(r"permission denied|operation not permitted|read-only file system|eacces|eperm", re.IGNORECASE)


def _export_failure(session: BenchmarkSession, outcome) -> list[Problem]:
    result = outcome.result
    if result.timed_out:
        return [Problem(outcome.label, "TIMEOUT", f"ran longer than {session.limits.timeout_s:.0f} s")]
    if result.oom_killed:
        return [Problem(outcome.label, "OUT_OF_MEMORY", f"killed at the memory limit {session.limits.memory}")]
    return [Problem(outcome.label, "CONTAINER_FAILED", f"exit status {result.exit_code}")]


def check_export_exits_zero(session: BenchmarkSession) -> CheckResult:
    """`export /output` exits 0 within the limits (no network, non-root, read-only root filesystem)."""
    outcome = session.export()
    if not outcome.ok:
        return failed("`export /output` failed", "make `export` copy the data to its argument and exit 0; read its log below",
                      _export_failure(session, outcome), outcome.result.tail())
    return passed(f"exited 0 in {outcome.result.duration_s:.1f} s, wrote {len(outcome.files())} file(s)")


def check_runs_as_non_root(session: BenchmarkSession) -> CheckResult:
    """The export needs no root: it runs as the site's non-root user on a read-only root filesystem."""
    outcome = session.export()
    if outcome.ok:
        return passed(f"exported as user {session.limits.user} on a read-only root filesystem")
    lines = [line.strip() for line in outcome.result.tail(50).splitlines() if PERMISSION_SIGNS.search(line)]
    if not lines:
        raise SkipCheck("`export` failed for another reason (see export_exits_zero)")
    return failed("`export` needs rights the sandbox does not give (it runs as a non-root user, root filesystem read-only)",
                  "make the data world-readable at build time (chmod -R a+rX), write only to the /output argument and /tmp, "
                  "and end the Dockerfile with USER 65534:65534 to try it",
                  [Problem(outcome.label, "NEEDS_ROOT", lines[0][:200], found=f"user {session.limits.user}")], outcome.result.tail())


def check_no_network_attempts(session: BenchmarkSession) -> CheckResult:
    """`export` connects or sends to no internet address (network trap), and no log shows an attempt."""
    trapped = session.export(trap_network=True)
    found = []
    if trapped.result.exit_code == TRAPPED_EXIT:
        found.append(Problem(trapped.label, "NETWORK_ATTEMPT", "the export connected or sent to an IPv4/IPv6 address "
                             "(a download, a DNS lookup) and was stopped by the network trap", found=f"exit {TRAPPED_EXIT} (SIGSYS)"))
    for outcome in session.exports():
        lines = network_lines(outcome.result.stdout + "\n" + outcome.result.stderr)
        if lines:
            found.append(Problem(f"{outcome.label} (logs)", "NETWORK_ATTEMPT",
                                 f"{len(lines)} log line(s) show a network attempt; first: {lines[0][:200]!r}"))
    if found:
        return failed("the export tried to use the network (benchmarks export with no network)",
                      "put every file in the image at build time; `export` only copies", found)
    return passed(f"no connection attempt under the network trap, no sign of one in {len(session.exports())} log(s)")


def check_export_meets_spec(session: BenchmarkSession) -> CheckResult:
    """The loader's validation accepts the export: schemas (manifest, metric, ceiling, normalisation, stimulus set,
    recordings), files present, no NaN, time bins and columns the metric needs (hashes and ids: the next checks)."""
    own = [p for p in session.problems if p.code not in HASH_CODES | STIMULUS_CODES]
    errors = [p for p in own if p.severity == "error"]
    if errors:
        return failed(f"the loader would refuse the export: {len(errors)} problem(s)", "fix each problem at its path; "
                      "`braindock validate --kind export FOLDER` repeats this on a local export", own)
    warnings = [p for p in own if p.severity != "error"]
    if warnings:
        return warned(f"accepted, with {len(warnings)} warning(s)", "see each warning's fix", warnings)
    return passed("the loader's validation finds nothing wrong")


def check_manifest_hashes_match(session: BenchmarkSession) -> CheckResult:
    """The sha256 the manifest gives for the stimulus set and recordings, and the stimulus set for each file, match the bytes."""
    found = [p for p in session.problems if p.code in HASH_CODES]
    if found:
        return failed(f"{len(found)} file(s) differ from their recorded sha256", "compute each sha256 from the file as "
                      "exported (sha256sum FILE), after the last write", found)
    return passed(f"every recorded sha256 matches ({len(session.exported().files())} files)")


def check_recorded_stimuli_in_set(session: BenchmarkSession) -> CheckResult:
    """Every stimulus_id in the recordings is in the stimulus set (a model can only answer what it is shown)."""
    found = [p for p in session.problems if p.code in STIMULUS_CODES]
    if found:
        return failed("the recordings use stimuli the stimulus set does not list", "export the stimulus set the "
                      "recordings were made with, or drop those presentations", found)
    return passed("every recorded stimulus_id is in the stimulus set")


def check_export_deterministic(session: BenchmarkSession) -> CheckResult:
    """Two exports of the same image write the same files, byte for byte (the store keys them by content)."""
    first = session.exported().files()
    again = session.export(attempt=1)
    if not again.ok:
        return failed("the second export failed", "`export` must succeed every time", _export_failure(session, again),
                      again.result.tail())
    second = again.files()
    differing = sorted(name for name in set(first) | set(second) if first.get(name) != second.get(name))
    if differing:
        return failed(f"{len(differing)} file(s) differ between two exports", "generate the data at build time (fixed "
                      "seeds, no time stamps); `export` only copies", [
                          Problem(f"/output/{name}", "NOT_DETERMINISTIC", "differs between export #1 and export #2",
                                  expected=first.get(name, "absent"), found=second.get(name, "absent"))
                          for name in differing[:10]])
    return passed(f"two exports wrote the same {len(first)} file(s)")


def check_ceiling_in_range(session: BenchmarkSession) -> CheckResult:
    """The manifest's ceiling is computable on the recordings and lies in (0, 1], above the normalisation's chance."""
    manifest = session.manifest
    spec = manifest["ceiling"]
    try:
        ceiling = session.ceiling
    except BraindockError as error:
        return failed(f"the ceiling {spec['method']!r} cannot be computed on the recordings: {error}",
                      "record enough repetitions (or subjects) with stimulus-driven signal for this ceiling", error.problems)
    chance = metrics.NORMALIZATIONS[manifest["normalization"]].chance
    where = "manifest.json#/ceiling"
    if not (np.isfinite(ceiling.value) and chance < ceiling.value <= 1):
        return failed(f"ceiling {ceiling.value:.4g} is outside ({chance:g}, 1]", "check that repetitions of a stimulus "
                      "share its signal (the recordings may be shuffled or mislabelled), or choose another ceiling",
                      [Problem(where, "CEILING_OUT_OF_RANGE", f"{spec['method']} = {ceiling.value:.4g} ± {ceiling.error:.2g}",
                               expected=f"({chance:g}, 1]", found=f"{ceiling.value:.4g}")])
    return passed(f"{spec['method']} = {ceiling.value:.3f} ± {ceiling.error:.3f}")


def _raw(manifest: dict, source: xr.DataArray, target: xr.DataArray) -> Score:
    spec = manifest["metric"]
    return metrics.get_metric(spec["name"], **spec["parameters"])(source, target)


def _neural_control(session: BenchmarkSession, seed: int) -> Score:
    """Raw score of a model that is the recordings themselves (repetitions averaged), with the stimulus ids shuffled."""
    manifest, recordings = session.manifest, session.recordings
    target = average_repetitions(recordings.isel(neuroid=(recordings["region"] == manifest["region"]).values))
    shuffled = xr.DataArray(target.values, dims=("presentation", "neuroid"),
                            coords={"stimulus_id": ("presentation", np.random.default_rng(seed).permutation(target["stimulus_id"].values)),
                                    "neuroid_id": ("neuroid", target["neuroid_id"].values)})
    return _raw(manifest, shuffled, target)


def _behavioral_control(session: BenchmarkSession, seed: int) -> Score:
    """Ceiled score of the standard readout of random features (the same for a stimulus wherever it appears)."""
    benchmark, manifest = session.benchmark(), session.manifest
    test_ids = [s["stimulus_id"] for s in benchmark.stimulus_set["stimuli"]]
    fitting = behavioral.fitting_stimulus_set(benchmark)[0] if manifest["task"] != "odd_one_out" else None
    ids = test_ids + ([s["stimulus_id"] for s in fitting["stimuli"]] if fitting else [])
    features = xr.DataArray(np.random.default_rng(seed).normal(size=(len(ids), CONTROL_FEATURES)), dims=("presentation", "neuroid"),
                            coords={"stimulus_id": ("presentation", ids)})
    if manifest["task"] == "odd_one_out":
        answer = readouts.readout_odd_one_out(features, behavioral.triplets(session.recordings))
    else:
        read = readouts.readout_choices if manifest["task"] == "label" else readouts.readout_probabilities
        answer = read(features, fitting, test_ids)
    return _raw(manifest, answer, session.recordings)


def check_shuffled_control_near_zero(session: BenchmarkSession) -> CheckResult:
    """A control that knows nothing of the stimuli scores near 0 after ceiling: the recordings with their stimulus ids
    shuffled (neural), or the standard readout of random features (behavioural); mean over 5 seeds. Engineering
    benchmarks score a task, whose chance level is not 0 (accuracy 1/labels, perplexity the vocabulary): skipped."""
    manifest = session.manifest
    if manifest["kind"] == "engineering":
        raise SkipCheck(f"an engineering benchmark scores task {manifest['task']!r} (no brain data, no ceiling): a stimulus-blind "
                        "answer scores chance, not 0")
    control = _neural_control if manifest["kind"] == "neural" else _behavioral_control
    what = "shuffled recordings" if manifest["kind"] == "neural" else "random features through the standard readout"
    try:
        ceiling = session.ceiling
    except BraindockError:
        raise SkipCheck("the ceiling cannot be computed (see ceiling_in_range)") from None
    try:
        values = [metrics.normalize(manifest["normalization"], control(session, seed), ceiling).value for seed in CONTROL_SEEDS]
    except BraindockError as error:
        return failed(f"the control ({what}) cannot be scored: {error}", "make the benchmark score a model whose "
                      "answers are unrelated to the stimuli (see the problems)", error.problems)
    mean = float(np.mean(values))
    shown = ", ".join(f"{v:.3f}" for v in values)
    if abs(mean) >= NEAR_ZERO:
        return failed(f"a control that ignores the stimuli scores {mean:.3f} ({what}; seeds: {shown})",
                      "use more stimuli and held-out splits, an unbiased metric, and a ceiling well above the noise, "
                      "so that only stimulus-driven answers score", [
                          Problem("manifest.json#/metric", "CONTROL_SCORES", f"{manifest['metric']['name']} on {what}: {mean:.3f}",
                                  expected=f"|score| < {NEAR_ZERO}", found=f"{mean:.3f}")])
    return passed(f"{what}: {mean:+.3f} (seeds: {shown})")
