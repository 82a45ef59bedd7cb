import numpy as np
import xarray as xr
from braindock.contract.assemblies import average_repetitions, header


def recordings():
    ids = np.tile(["b", "a", "c"], 2)
    data = np.arange(6 * 2, dtype=np.float32).reshape(6, 2, 1)
    return xr.DataArray(data, dims=("presentation", "neuroid", "time_bin"), coords={
        "stimulus_id": ("presentation", ids), "repetition": ("presentation", np.repeat([0, 1], 3)),
        "object_name": ("presentation", np.tile(["x", "y", "z"], 2)),
        "neuroid_id": ("neuroid", ["n0", "n1"]), "region": ("neuroid", ["IT", "IT"]),
        "time_bin_start": ("time_bin", [70]), "time_bin_end": ("time_bin", [170])})


def test_average_repetitions_keeps_per_stimulus_coords():
    mean = average_repetitions(recordings())
    assert mean.dims == ("presentation", "neuroid")
    by_id = {sid: (obj, row.tolist()) for sid, obj, row in zip(mean["stimulus_id"].values, mean["object_name"].values, mean.values)}
    assert by_id["b"] == ("x", [3.0, 4.0])  # mean of rows 0 and 3
    assert by_id["c"] == ("z", [7.0, 8.0])


def test_header_is_json_for_the_schema():
    document = header(recordings())
    assert document["dims"] == ["presentation", "neuroid", "time_bin"]
    assert document["coords"]["region"] == {"dims": ["neuroid"], "dtype": "<U2", "values": ["IT"]}
