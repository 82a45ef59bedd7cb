"""A benchmark built at a historical scale scores on that scale, its record says so, and `reproduce` of the record
gives that scale's number again (pixels on MajajHong2015 IT at v1.0, (r/ceiling)^2)."""
from __future__ import annotations

import json

import pytest
from braindock.cli import main
from braindock.contract import scales
from conftest import PIXELS, TESTS

SCALED = "braindock/benchmark-majajhong2015-it:1.0.0-scale.v1.0"


@pytest.fixture(scope="module")
def scaled_image(engine):
    """The catalog's v1.0-scale IT benchmark (built through the layer cache when missing) and pixels."""
    engine.build(TESTS.parent / "benchmarks", SCALED, "simulation/Dockerfile", {"BENCHMARK": "majajhong2015-it", "SCALE": "v1.0"})
    engine.build(TESTS.parent / "containers" / "models" / "pixels", PIXELS)
    return SCALED


def run_json(capsys, *args) -> tuple[int, object]:
    code = main(list(args))
    return code, json.loads(capsys.readouterr().out)


def test_a_record_on_the_v1_scale_reproduces_that_scale(scaled_image, tmp_path, capsys):
    home = str(tmp_path / "home")
    code, scored = run_json(capsys, "--home", home, "score", "--json", PIXELS, scaled_image)
    assert code == 0
    record_id = scored[0]["record_id"]
    code, record = run_json(capsys, "--home", home, "records", "show", record_id)
    inputs, result = record["inputs"], record["result"]
    assert inputs["benchmark"]["version"] == "1.0.0+scale.v1.0" and scales.record_scale(inputs) == "v1.0"
    raw, ceiling = result["raw"], result["ceiling"]
    assert result["score"] == pytest.approx(raw * abs(raw) / ceiling ** 2, rel=1e-9)  # (r/ceiling)^2, sign kept
    code, reproduced = run_json(capsys, "--home", home, "reproduce", "--json", record_id)
    assert code == 0 and reproduced["status"] == "same" and reproduced["score_delta"] == 0
