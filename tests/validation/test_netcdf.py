import numpy as np
from braindock.curation.validation import detect_kind, validate_path

from .builders import behavioral_array, neural_array, write_netcdf


def located(report):
    return {(p.code, p.where) for p in report.problems}


def test_a_good_neural_assembly_is_valid(tmp_path):
    path = write_netcdf(neural_array(["a", "b"]), tmp_path / "r.nc")
    report = validate_path(path)
    assert report.targets == [{"path": str(path), "kind": "neural"}]
    assert report.valid and report.problems == []
    assert report.facts[str(path)]["regions"] == ["IT"]


def test_without_neuroid_id_every_problem_is_reported_at_once(tmp_path):
    array = neural_array(["a", "b"], repetitions=1).drop_vars("neuroid_id")
    array = array.assign_coords(region=("neuroid", ["IT", "MT", "IT", "IT"]))
    array[1, 2, 0] = np.inf
    del array.attrs["license"]
    path = write_netcdf(array, tmp_path / "r.nc")
    found = located(validate_path(path))
    assert found == {
        ("MISSING_FIELD", f"{path}#/coords/neuroid_id"),
        ("MISSING_FIELD", f"{path}#/attrs/license"),
        ("UNKNOWN_REGION", f"{path}#/coords/region/values/1"),
        ("NAN_IN_DATA", f"{path}#/data [stimulus_id=b]"),
        ("REPETITIONS_TOO_FEW_FOR_CEILING", f"{path}#/coords/stimulus_id"),
    }


def test_missing_dims_and_bad_time_bins(tmp_path):
    array = neural_array(["a", "b"]).isel(time_bin=0, drop=True)
    path = write_netcdf(array, tmp_path / "r.nc")
    found = located(validate_path(path))
    assert ("DIM_MISSING", f"{path}#/dims") in found
    array = neural_array(["a", "b"]).assign_coords(time_bin_end=("time_bin", [50]))
    write_netcdf(array, tmp_path / "t.nc")
    assert "BAD_TIME_BIN" in validate_path(tmp_path / "t.nc").codes()


def test_coordinate_stored_along_another_length(tmp_path):
    import xarray as xr
    array = neural_array(["a", "b"]).drop_vars("subject")
    dataset = array.to_dataset(promote_attrs=True)
    dataset["subject"] = xr.DataArray(["m1", "m2"], dims="subject_dim")
    dataset = dataset.set_coords("subject")
    dataset.to_netcdf(tmp_path / "r.nc", engine="h5netcdf")
    assert ("COORD_LENGTH", f"{tmp_path / 'r.nc'}#/coords/subject") in located(validate_path(tmp_path / "r.nc"))


def test_behavioural_assemblies_are_detected_and_checked(tmp_path):
    path = write_netcdf(behavioral_array(["a"]), tmp_path / "b.nc")
    assert detect_kind(path) == "behavioral"
    assert validate_path(path).valid


def test_truncated_and_empty_netcdf_are_problems(tmp_path):
    good = write_netcdf(neural_array(["a"]), tmp_path / "r.nc").read_bytes()
    (tmp_path / "cut.nc").write_bytes(good[: len(good) // 2])
    (tmp_path / "empty.nc").write_bytes(b"")
    assert validate_path(tmp_path / "cut.nc").codes() == ["UNREADABLE_NETCDF"]
    assert validate_path(tmp_path / "empty.nc").codes() == ["EMPTY_FILE"]
