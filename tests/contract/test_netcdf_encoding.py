"""The netCDF encoding the spec fixes: a file that xarray's default reading (or another netCDF reader) would read
differently from the spec is refused by export validation, each problem at its variable."""
import numpy as np
import pytest
from braindock.contract.netcdf_encoding import encoding_problems
from braindock.curation.validation import validate_path
from validation.builders import neural_array


def write(tmp_path, array=None, encoding=None):
    path = tmp_path / "recordings.nc"
    array = neural_array(["a", "b", "c"]) if array is None else array
    array.to_dataset(name="data", promote_attrs=True).to_netcdf(path, engine="h5netcdf", encoding=encoding)
    return path


def codes(path):
    return {(p.code, p.where.split("#", 1)[1]) for p in validate_path(path, "neural").problems if p.severity == "error"}


def test_plain_and_deflated_files_are_accepted(tmp_path):
    assert encoding_problems(write(tmp_path)) == []
    assert encoding_problems(write(tmp_path, encoding={"data": {"zlib": True, "complevel": 9, "shuffle": True,
                                                                "fletcher32": True}})) == []


def test_a_filter_other_readers_lack_is_refused(tmp_path):
    assert codes(write(tmp_path, encoding={"data": {"compression": "lzf"}})) == {("NETCDF_FILTER", "/variables/data")}


def test_strings_stored_as_bytes_are_refused(tmp_path):
    array = neural_array(["a", "b", "c"])
    array = array.assign_coords(neuroid_id=("neuroid", np.array([v.encode() for v in array["neuroid_id"].values])))
    assert codes(write(tmp_path, array)) == {("NETCDF_STRING_ENCODING", "/coords/neuroid_id")}


def test_integer_with_a_fill_value_reads_as_float_and_is_refused(tmp_path):
    assert codes(write(tmp_path, encoding={"repetition": {"_FillValue": -1}})) == {("NETCDF_DECODED_DTYPE", "/coords/repetition")}


@pytest.mark.parametrize("units,code,where", [("milliseconds", "NETCDF_TIME_UNITS", "/coords/time_bin_start"),
                                               ("ms since stimulus onset", "NETCDF_DEFAULT_DECODING", "/coords")])
def test_time_bins_with_time_units_are_refused(tmp_path, units, code, where):
    array = neural_array(["a", "b", "c"])
    array["time_bin_start"].attrs["units"] = units
    assert (code, where) in codes(write(tmp_path, array))


def test_packed_values_are_refused(tmp_path):
    path = write(tmp_path, encoding={"data": {"dtype": "int16", "scale_factor": 0.01, "_FillValue": -32768}})
    assert ("NETCDF_PACKED", "/variables/data") in codes(path)
