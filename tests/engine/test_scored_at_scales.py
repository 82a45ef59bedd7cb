"""A benchmark built at a historical scale scores on that scale, its record says so, and `reproduce` of the record
gives that scale's number again (pixels on MajajHong2015 IT at v1.0, (r/ceiling)^2)."""
from __future__ import annotations

import json

import pytest
from braindock.cli import main
from braindock.contract import scales
from conftest import IT_BENCHMARK, PIXELS, TESTS

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


def test_leaderboard_and_records_show_each_scale_in_its_own_column(scaled_image, tmp_path, capsys):
    """pixels on IT at 2018 (1.0.0) and at v1.0: two columns named with their scales, and `records ls` says each scale."""
    home = str(tmp_path / "home")
    for benchmark in (IT_BENCHMARK, scaled_image):
        assert main(["--home", home, "score", "--json", PIXELS, benchmark]) == 0
        capsys.readouterr()
    code, board = run_json(capsys, "--home", home, "leaderboard", "--json")
    assert code == 0
    assert {(r["benchmark_version"], r["scale"], r["column"]) for r in board["rows"]} == {
        ("1.0.0", "2018", "sim.MajajHong2015.IT-pls [2018 scale]"),
        ("1.0.0+scale.v1.0", "v1.0", "sim.MajajHong2015.IT-pls [v1.0 scale]")}
    assert set(board["matrix"]["pixels@1.0.0"]) == {r["column"] for r in board["rows"]}
    code, listed = run_json(capsys, "--home", home, "records", "ls", "--json")
    assert sorted((r["benchmark_version"], r["scale"]) for r in listed) == [("1.0.0", "2018"), ("1.0.0+scale.v1.0", "v1.0")]
