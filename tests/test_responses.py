"""Each contract rule on a response, checked on files written here (no engine needed)."""
import json

import numpy as np
import pytest
from braindock.contract.responses import read_activations, read_response
from braindock.errors import ResponseError

IDS = ["s0", "s1", "s2", "s3"]
REQUEST = {"request_id": "r1", "stimuli": [{"stimulus_id": i} for i in IDS],
           "record": {"regions": ["IT"], "time_bins": [[70, 170]]}}


def respond(out, array, ids=IDS, file="IT.npy", request_id="r1", **extra):
    out.mkdir(exist_ok=True)
    np.save(out / "IT.npy", array)
    entry = {"file": file, "stimulus_ids": ids, "time_bins": [[70, 170]], **extra}
    (out / "response.json").write_text(json.dumps({"spec_version": "1.0", "request_id": request_id, "activations": {"IT": entry}}))


def activations(out):
    response = read_response(out, REQUEST, "model m")
    return read_activations(out, REQUEST, response, "IT", "model m")


def codes(out):
    with pytest.raises(ResponseError) as caught:
        activations(out)
    return {p.code: p for p in caught.value.problems}


def good():
    return np.arange(4 * 5, dtype=np.float32).reshape(4, 5, 1)


def test_valid_response_becomes_labelled_array(tmp_path):
    respond(tmp_path, good())
    array = activations(tmp_path)
    assert array.dims == ("presentation", "neuroid", "time_bin")
    assert list(array["stimulus_id"].values) == IDS
    assert array.sel(neuroid=array["neuroid_id"] == array["neuroid_id"].values[2]).values.ravel().tolist() == [2, 7, 12, 17]


def test_missing_stimulus_named(tmp_path):
    respond(tmp_path, good()[:3], ids=IDS[:2] + IDS[3:])
    problem = codes(tmp_path)["MISSING_STIMULUS"]
    assert "'s2'" in problem.message and problem.where.endswith("#/activations/IT/stimulus_ids")


def test_order_and_duplicates(tmp_path):
    respond(tmp_path, good(), ids=["s1", "s0", "s2", "s3"])
    problem = codes(tmp_path)["WRONG_ORDER"]
    assert problem.where.endswith("/stimulus_ids/0") and problem.expected == "'s0'"
    respond(tmp_path, np.zeros((5, 5, 1), np.float32), ids=IDS + ["s0"])
    assert "DUPLICATE_STIMULUS" in codes(tmp_path)


def test_shape_dtype_nan(tmp_path):
    respond(tmp_path, good()[:, :, 0])
    assert codes(tmp_path)["WRONG_SHAPE"].expected == "(4, neuroids, 1)"
    respond(tmp_path, good().astype(np.float64))
    assert "WRONG_DTYPE" in codes(tmp_path)
    bad = good()
    bad[3, 1, 0] = np.inf
    respond(tmp_path, bad)
    assert "'s3'" in codes(tmp_path)["NAN_IN_ACTIVATIONS"].message


def test_wrong_request_id_and_missing_response(tmp_path):
    respond(tmp_path, good(), request_id="other")
    assert "WRONG_REQUEST_ID" in codes(tmp_path)
    with pytest.raises(ResponseError) as caught:
        read_response(tmp_path / "nothing", REQUEST, "model m")
    assert caught.value.problems[0].code == "NO_RESPONSE"


def test_symlink_out_of_output_refused(tmp_path):
    outside = tmp_path / "outside.npy"
    np.save(outside, good())
    out = tmp_path / "out"
    respond(out, good(), file="link.npy")
    (out / "link.npy").symlink_to(outside)
    assert "PATH_ESCAPES_OUTPUT" in codes(out)


def test_pickles_refused(tmp_path):
    respond(tmp_path, good())
    np.save(tmp_path / "IT.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert "BAD_NPY" in codes(tmp_path)


def test_neuroid_ids_length(tmp_path):
    respond(tmp_path, good(), neuroid_ids=["a", "b"])
    assert codes(tmp_path)["COORD_LENGTH"].expected == "5"
