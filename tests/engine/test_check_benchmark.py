"""check-benchmark on a real engine: a sound small benchmark passes every check; each deliberately broken benchmark
container (tests/containers/broken-benchmarks, one fault each) fails the check that concerns its fault, with the
precise reason (check names and problem codes are asserted)."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import xarray as xr
from braindock.checks import Status
from braindock.checks.benchmark_suite import BENCHMARK_CHECKS, check_benchmark
from braindock.cli import main
from braindock.config import load_settings
from braindock.errors import UsageError
from conftest import TESTS
from validation.builders import sha256, write_manifest, write_netcdf, write_stimulus_set

STIMULI = 100
SOUND = {"metric": {"name": "neural_predictivity", "parameters": {"stratify_by": "category"}},
         "ceiling": {"method": "internal_consistency", "parameters": {}}, "normalization": "r/ceiling"}


def recordings(ids: list[str], anti_correlated: bool = False, extra: tuple[str, ...] = ()) -> xr.DataArray:
    """4 repetitions of 32 IT sites driven by a rank-8 signal per stimulus plus unit noise (ceiling near 0.96);
    `anti_correlated` flips every other repetition (the ceiling turns negative); `extra` ids are recorded too."""
    rng = np.random.default_rng(0)
    recorded = ids + list(extra)
    signal = rng.normal(size=(len(recorded), 8)) @ rng.normal(size=(8, 32))
    trials = signal[None] + rng.normal(size=(4, len(recorded), 32))
    if anti_correlated:
        trials[1::2] *= -1
    array = xr.DataArray(trials.reshape(-1, 32, 1).astype("float32"), dims=("presentation", "neuroid", "time_bin"), coords={
        "stimulus_id": ("presentation", recorded * 4), "repetition": ("presentation", np.repeat(np.arange(4), len(recorded))),
        "category": ("presentation", [f"c{i % 2}" for i in range(len(recorded))] * 4),  # as the stimulus set's column
        "neuroid_id": ("neuroid", [f"n{i}" for i in range(32)]), "region": ("neuroid", ["IT"] * 32),
        "subject": ("neuroid", ["m1"] * 32), "time_bin_start": ("time_bin", [70]), "time_bin_end": ("time_bin", [170])},
        name="data")
    array.attrs.update({"identifier": "test-recordings", "species": "Macaca mulatta", "method": "multi-unit array",
                        "units": "spikes/s", "license": "CC-BY-4.0", "citation": "Doe 2024"})
    return array


def write_export(folder, fault: str) -> None:
    """A small sound neural benchmark export, with `fault` written into its data when the fault is one of data."""
    stimuli = STIMULI if fault != "control_scores" else 12
    ids = [f"s{i:03d}" for i in range(stimuli)]
    stimulus_set = write_stimulus_set(folder / "stimuli", ids, visual_degrees=8)
    data = recordings(ids, anti_correlated=fault == "bad_ceiling", extra=("ghost",) if fault == "unknown_stimulus" else ())
    netcdf = write_netcdf(data, folder / "recordings.nc")
    overrides = dict(SOUND)
    if fault == "bad_metric":
        overrides["metric"] = {"name": "neural_predictivty", "parameters": {"stratify_by": "category"}}
    if fault == "control_scores":  # biased CKA on 12 stimuli: any two representations look alike
        overrides["metric"] = {"name": "cka", "parameters": {"estimator": "biased"}}
    manifest = write_manifest(folder, stimulus_set, netcdf, **overrides)
    if fault == "bad_hash":
        document = json.loads(manifest.read_text())
        document["recordings"]["sha256"] = sha256(stimulus_set)  # the hash of another file
        manifest.write_text(json.dumps(document, indent=1))


@pytest.fixture(scope="module")
def broken_benchmark(engine, tmp_path_factory):
    """broken_benchmark('crash') -> tag of the test benchmark built with that fault; removed after the module."""
    built = {}

    def build(fault: str) -> str:
        if fault not in built or not present(built[fault]):  # another session's cleanup may remove braindock-test/*
            context = tmp_path_factory.mktemp(f"benchmark-{fault}")
            source = TESTS / "containers" / "broken-benchmarks"
            for name in ("Dockerfile", "entry.py"):
                shutil.copy2(source / name, context / name)
            write_export(context / "export", fault)
            tag = f"braindock-test/broken-benchmark:{fault.replace('_', '-')}"
            engine.build(context, tag, build_args={"FAULT": fault})
            built[fault] = tag
        return built[fault]

    def present(tag: str) -> bool:
        try:
            engine.inspect(tag)
        except UsageError:
            return False
        return True

    yield build
    for tag in built.values():
        if present(tag):
            engine.client.images.remove(tag, force=True)


@pytest.fixture(scope="module")
def report_of(engine, broken_benchmark, tmp_path_factory):
    """report_of('crash') -> the CheckReport of the benchmark with that fault (run once per module)."""
    settings = load_settings(tmp_path_factory.mktemp("check-benchmark-home"))
    reports = {}

    def report(fault: str):
        if fault not in reports:
            reports[fault] = check_benchmark(engine, settings, broken_benchmark(fault))
        return reports[fault]

    return report


def test_a_sound_benchmark_passes_every_check(report_of):
    report = report_of("none")
    assert {r.check: (r.status.value, r.reason) for r in report.results if r.status is not Status.PASSED} == {}
    assert [r.check for r in report.results] == list(BENCHMARK_CHECKS)
    assert report.modality == "image" and report.exit_code == 0


# fault -> (check that must fail, problem code it must report, text its problems must name)
FAULTS = {
    "crash": ("export_exits_zero", "CONTAINER_FAILED", "exit status 1"),
    "needs_root": ("runs_as_non_root", "NEEDS_ROOT", "Permission denied"),
    "bad_metric": ("export_meets_spec", "UNKNOWN_METRIC", "/metric/name"),
    "bad_hash": ("manifest_hashes_match", "SHA256_MISMATCH", "/recordings/sha256"),
    "unknown_stimulus": ("recorded_stimuli_in_set", "UNKNOWN_STIMULUS_ID", "'ghost'"),
    "nondeterministic": ("export_deterministic", "NOT_DETERMINISTIC", "/output/manifest.json"),
    "bad_ceiling": ("ceiling_in_range", "CEILING_OUT_OF_RANGE", "internal_consistency = -"),
    "control_scores": ("shuffled_control_near_zero", "CONTROL_SCORES", "cka on shuffled recordings"),
    "network": ("no_network_attempts", "NETWORK_ATTEMPT", "stopped by the network trap"),
}


def test_every_check_has_a_broken_benchmark():
    assert sorted(check for check, _, _ in FAULTS.values()) == sorted(BENCHMARK_CHECKS)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_fails_its_check_with_the_precise_reason(report_of, fault):
    check, code, text = FAULTS[fault]
    report = report_of(fault)
    result = report.by_check()[check]
    assert result.status is Status.FAILED, (result.reason, {r.check: r.status.value for r in report.results})
    assert code in result.codes
    assert any(text in p.message or text in p.where for p in result.problems), [p.render() for p in result.problems]
    assert result.fix
    assert report.exit_code == 1


def test_the_command_prints_each_check_and_exits_1_on_failure(broken_benchmark, tmp_path, capsys):
    code = main(["--home", str(tmp_path / "home"), "check-benchmark", "--json", broken_benchmark("bad_metric")])
    document = json.loads(capsys.readouterr().out)
    assert code == 1 and document["ok"] is False
    assert {r["check"]: r["status"] for r in document["results"]}["export_meets_spec"] == "failed"


def test_a_missing_image_cannot_be_checked(engine, tmp_path, capsys):
    assert main(["--home", str(tmp_path / "home"), "check-benchmark", "braindock-test/never-built:1"]) == 2
    assert "IMAGE_NOT_FOUND" in capsys.readouterr().err


def test_the_loader_refuses_a_misnamed_metric_before_any_model_runs(engine, broken_benchmark, tmp_path):
    from braindock.errors import ValidationError
    from braindock.execution.benchmarks import load_benchmark

    with pytest.raises(ValidationError) as refused:
        load_benchmark(engine, load_settings(tmp_path / "home"), broken_benchmark("bad_metric"))
    problem = next(p for p in refused.value.problems if p.code == "UNKNOWN_METRIC")
    assert problem.where.endswith("manifest.json#/metric/name") and "'neural_predictivity'" in problem.message
    assert not (tmp_path / "home" / "store").exists() or not any((tmp_path / "home" / "store").rglob("manifest.json"))
