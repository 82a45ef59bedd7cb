"""`braindock design` with real containers: gabor-c picks V1 drivers from a small texture pool, the virtual experiment
(the simulated benchmark's own container) records them, the record reproduces; bad input gets clear errors."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from braindock.curation.validation import validate_path
from braindock.design.run import Request, design, reproduce
from braindock.errors import BraindockError

pytestmark = pytest.mark.engine

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY / "benchmarks"))
from pools import generate  # noqa: E402

GABOR = "braindock/model-gabor-c:1.0.0"
HMAX = "braindock/model-hmax-r:1.0.0"
V1_VIRTUAL = "braindock-test/benchmark-freemanziemba2013-v1-virtual:design"
V2 = "braindock/benchmark-freemanziemba2013-v2:1.0.0"
LANGUAGE = "braindock/benchmark-pereira2018-language:1.0.0"


@pytest.fixture(scope="module")
def virtual_v1(engine):
    """The simulated V1 benchmark built from this checkout (with `record`); rebuilt if another session removed it."""
    engine.build(REPOSITORY / "benchmarks", V1_VIRTUAL, build_args={"BENCHMARK": "freemanziemba2013-v1"},
                 dockerfile="simulation/Dockerfile")
    return V1_VIRTUAL


@pytest.fixture(scope="module")
def pools(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pools")
    return {kind: generate.generate(kind, folder / kind, n).parent for kind, n in (("textures", 200), ("sentences", 30))}


def test_design_verifies_and_reproduces(engine, engine_settings, virtual_v1, pools, tmp_path):
    request = Request(GABOR, virtual_v1, pools["textures"], "drive", "region-mean", k=8, seed=0)
    report = design(request, tmp_path / "out", engine_settings, engine, verify=True)
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} >= {"stimulus_set.json", "design.json", "report.json", "report.md", "verify.png", "images"}
    assert not [p for p in validate_path(out, "stimulus-set").problems if p.severity == "error"]
    chosen = json.loads((out / "stimulus_set.json").read_text())["stimuli"]
    assert len(chosen) == 8 and all((out / e["file"]).is_file() for e in chosen)
    predicted = [e["predicted_response"] for e in chosen]
    assert predicted == sorted(predicted, reverse=True) and min(predicted) > report["predicted"]["pool_mean"]
    assert all(e["predicted_sd"] > 0 for e in chosen)  # the CV-split fits disagree a little
    record = json.loads((out / "design.json").read_text())
    assert record["model"]["image_id"] == engine.inspect(GABOR).image_id and record["benchmark"]["image_id"] == engine.inspect(virtual_v1).image_id
    measured = report["verify"]["measured"]
    # the model's drivers drive the virtual V1 more than the opposite selection does
    assert measured["selected"]["sd_units"] > measured["opposite"]["sd_units"]
    assert measured["selected"]["ci95"][0] < measured["selected"]["sd_units"] < measured["selected"]["ci95"][1]
    again = reproduce(out / "design.json", tmp_path / "again", engine_settings, engine)
    assert again["design"]["selected"] == record["selected"]
    with pytest.raises(BraindockError) as exists:
        design(request, out, engine_settings, engine)
    assert exists.value.problems[0].code == "OUTPUT_EXISTS"


@pytest.mark.parametrize("change, code", [
    ({"pool": "sentences"}, "WRONG_MODALITY"),
    ({"k": 100}, "POOL_TOO_SMALL"),
    ({"target": "V1_999"}, "UNKNOWN_SITE"),
    ({"model": HMAX, "benchmark": V2}, "REGION_NOT_COMMITTED"),
    ({"benchmark": LANGUAGE, "pool": "sentences", "model": "braindock/model-ngram-trigram:1.0.0", "verify": True}, "NO_VIRTUAL_EXPERIMENT"),
])
def test_bad_input_is_refused_and_nothing_written(engine, engine_settings, virtual_v1, pools, tmp_path, change, code):
    values = {"model": GABOR, "benchmark": virtual_v1, "pool": "textures", "target": "region-mean", "k": 5, "verify": False, **change}
    request = Request(values["model"], values["benchmark"], pools[values["pool"]], "drive", values["target"], values["k"])
    with pytest.raises(BraindockError) as error:
        design(request, tmp_path / "out", engine_settings, engine, verify=values["verify"])
    assert code in {p.code for p in error.value.problems}, error.value.render()
    if code == "UNKNOWN_SITE":
        assert "V1_000" in error.value.problems[0].expected  # the valid names are listed
    assert not (tmp_path / "out").exists()
