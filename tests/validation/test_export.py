import json

import numpy as np
import pytest
import xarray as xr
from braindock.curation.validation import validate_benchmark_export

from .builders import neural_array, write_export, write_netcdf


def codes_at(problems):
    return {(p.code, p.where) for p in problems}


def test_a_valid_export_has_no_errors(tmp_path):
    problems = validate_benchmark_export(write_export(tmp_path))
    assert [p for p in problems if p.severity == "error"] == []


def test_every_problem_of_a_broken_export_is_reported_at_once(tmp_path):
    ids = ["s0", "s1", "s2", "s3"]
    array = neural_array(ids + ["ghost"]).drop_vars("neuroid_id")
    array[0, 0, 0] = np.nan
    folder = write_export(tmp_path, ids=ids, array=array)
    (folder / "stimuli" / "images" / "s1.png").write_bytes(b"not a png")  # hash and image both wrong now
    (folder / "stimuli" / "images" / "s2.png").unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["metric"]["parameters"]["stratify_by"] = "object_name"
    del manifest["citation"]
    (folder / "manifest.json").write_text(json.dumps(manifest))

    found = codes_at(validate_benchmark_export(folder))
    m, s, r = folder / "manifest.json", folder / "stimuli" / "stimulus_set.json", folder / "recordings.nc"
    assert ("MISSING_FIELD", f"{m}#/citation") in found
    assert ("STRATIFY_COLUMN_MISSING", f"{m}#/metric/parameters/stratify_by") in found
    assert ("SHA256_MISMATCH", f"{s}#/stimuli/1/sha256 [stimulus_id=s1]") in found
    assert ("IMAGE_UNREADABLE", f"{s}#/stimuli/1/file [stimulus_id=s1]") in found
    assert ("FILE_NOT_FOUND", f"{s}#/stimuli/2/file [stimulus_id=s2]") in found
    assert ("MISSING_FIELD", f"{r}#/coords/neuroid_id") in found
    assert ("NAN_IN_DATA", f"{r}#/data [stimulus_id=s0]") in found
    assert ("UNKNOWN_STIMULUS_ID", f"{r}#/coords/stimulus_id [stimulus_id=ghost]") in found


@pytest.mark.parametrize("kind, value, severity", [("reading_times", np.nan, "warning"), ("reading_times", np.inf, "error"),
                                                   ("neural", np.nan, "error")])
def test_a_reader_who_did_not_read_a_word_is_a_warning_and_nothing_else_is(tmp_path, kind, value, severity):
    ids = ["s0", "s1", "s2", "s3"]
    array = neural_array(ids)
    array[0, 1, 0] = value
    reading = {"kind": "reading_times", "task": "next_word", "metric": {"name": "reading_time_predictivity", "parameters": {}},
               "ceiling": {"method": "reading_time_consistency", "parameters": {}}}
    folder = write_export(tmp_path, ids=ids, array=array, **(reading if kind == "reading_times" else {}))
    found = [p for p in validate_benchmark_export(folder) if p.code == "NAN_IN_DATA"]
    assert found and {p.severity for p in found} == {severity}


def test_manifest_hashes_and_missing_files_are_checked(tmp_path):
    folder = write_export(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["recordings"]["sha256"] = "0" * 64
    manifest["stimulus_set"]["path"] = "nowhere/stimulus_set.json"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    found = codes_at(validate_benchmark_export(folder))
    m = folder / "manifest.json"
    assert ("SHA256_MISMATCH", f"{m}#/recordings/sha256") in found
    assert ("FILE_NOT_FOUND", f"{m}#/stimulus_set/path") in found


def test_a_folder_without_manifest_is_one_problem(tmp_path):
    problems = validate_benchmark_export(tmp_path)
    assert [p.code for p in problems] == ["FILE_NOT_FOUND"]


def test_single_repetitions_block_a_split_half_ceiling(tmp_path):
    ids = ["s0", "s1"]
    folder = write_export(tmp_path, ids=ids, array=neural_array(ids, repetitions=1))
    problems = [p for p in validate_benchmark_export(folder) if p.code == "REPETITIONS_TOO_FEW_FOR_CEILING"]
    assert [p.severity for p in problems] == ["error"]


def test_behavioral_exports_check_the_behaviour_assembly(tmp_path):
    from .builders import behavioral_array, sha256, write_manifest, write_stimulus_set

    ids = ["s0", "s1"]
    stimulus_set = write_stimulus_set(tmp_path / "stimuli", ids)
    fitting = write_stimulus_set(tmp_path / "fitting", ["f0", "f1"])
    fitting_entry = {"identifier": "test-fitting", "path": "fitting/stimulus_set.json", "sha256": sha256(fitting)}
    good = write_netcdf(behavioral_array(ids), tmp_path / "behaviour.nc")
    write_manifest(tmp_path, stimulus_set, good, kind="behavioral", task="label", fitting_stimulus_set=fitting_entry)
    assert [p for p in validate_benchmark_export(tmp_path) if p.severity == "error"] == []

    write_netcdf(behavioral_array(ids).drop_vars("truth"), good)
    write_manifest(tmp_path, stimulus_set, good, kind="behavioral", task="label", fitting_stimulus_set=fitting_entry)
    assert ("MISSING_FIELD", f"{good}#/coords/truth") in codes_at(validate_benchmark_export(tmp_path))


def test_a_behavioural_task_must_have_its_data(tmp_path):
    from .builders import behavioral_array, write_manifest, write_stimulus_set

    ids = ["s0", "s1", "s2"]
    stimulus_set = write_stimulus_set(tmp_path / "stimuli", ids)
    recordings = write_netcdf(behavioral_array(ids), tmp_path / "behaviour.nc")
    manifest = write_manifest(tmp_path, stimulus_set, recordings, kind="behavioral", task="label")
    assert ("MISSING_FIELD", f"{manifest}#/fitting_stimulus_set") in codes_at(validate_benchmark_export(tmp_path))
    write_manifest(tmp_path, stimulus_set, recordings, kind="behavioral", task="odd_one_out")
    assert ("TASK_DATA_MISMATCH", f"{manifest}#/task") in codes_at(validate_benchmark_export(tmp_path))
    triplets = xr.DataArray(np.array(["s0", "s2"], dtype=object).astype(str), dims=("presentation",), name="choices", coords={
        "stimulus_id_1": ("presentation", ["s0", "s0"]), "stimulus_id_2": ("presentation", ["s1", "s1"]),
        "stimulus_id_3": ("presentation", ["s2", "s2"]), "choice": ("presentation", ["s0", "s2"]),
        "subject": ("presentation", ["a", "b"])},
        attrs={"identifier": "t", "species": "Homo sapiens", "method": "online", "license": "CC0-1.0", "citation": "Doe 2024"})
    write_netcdf(triplets, recordings)
    write_manifest(tmp_path, stimulus_set, recordings, kind="behavioral", task="odd_one_out")
    assert [p for p in validate_benchmark_export(tmp_path) if p.severity == "error"] == []


def test_a_column_only_the_stimulus_set_has_is_what_scoring_stratifies_by(tmp_path):
    """Validation accepts stratify_by naming a stimulus-set column; scoring then finds it on the recordings too."""
    from braindock import metrics
    from braindock.contract.assemblies import average_repetitions
    from braindock.contract.benchmark import Benchmark

    ids = [f"s{i}" for i in range(40)]
    folder = write_export(tmp_path, ids=ids)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["metric"]["parameters"]["stratify_by"] = "category"  # c0 / c1, in stimulus_set.json only
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert [p for p in validate_benchmark_export(folder) if p.severity == "error"] == []
    benchmark = Benchmark(None, "", folder)
    recordings = benchmark.recordings()
    assert dict(zip(recordings["stimulus_id"].values, recordings["category"].values)) == {s: f"c{i % 2}" for i, s in enumerate(ids)}
    activations = xr.DataArray(np.random.default_rng(1).normal(size=(40, 30, 1)), dims=("presentation", "neuroid", "time_bin"),
                               coords={"stimulus_id": ("presentation", ids)})
    spec = benchmark.manifest["metric"]
    raw = metrics.get_metric(spec["name"], **spec["parameters"])(activations.mean("time_bin"), average_repetitions(recordings))
    assert np.isfinite(raw.value) and raw.parameters["stratify_by"] == "category"
