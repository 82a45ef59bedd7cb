"""End to end on a real Docker engine: score the pixels model on the simulated IT benchmark, and every failure mode."""
from __future__ import annotations

import json
import sqlite3

import pytest
from braindock import pipeline
from braindock.cli import main
from braindock.errors import ContainerError, ResponseError, ValidationError
from braindock.provenance.ledger import Ledger
from conftest import IT_BENCHMARK, PIXELS


def ledger_rows(settings) -> list:
    if not settings.ledger_path.exists():
        return []
    with sqlite3.connect(settings.ledger_path) as connection:
        return connection.execute("SELECT record_id, document FROM records ORDER BY record_id").fetchall()


@pytest.fixture
def scored(engine_settings):
    record = pipeline.score(PIXELS, IT_BENCHMARK, engine_settings)
    return engine_settings, record


def test_score_writes_a_complete_record(scored):
    settings, record = scored
    stored = Ledger(settings.ledger_path).get(record.record_id)
    assert stored.to_dict() == record.to_dict()
    result, inputs = record.result, record.inputs
    assert inputs["model"]["image_id"].startswith("sha256:") and inputs["benchmark"]["image_id"].startswith("sha256:")
    assert inputs["metric"]["parameters"]["n_components"] == 25 and inputs["metric"]["parameters"]["splits"] == 10
    assert inputs["normalization"]["name"] == "r/ceiling"
    assert len(result["per_split"]) == 10 and len(result["per_neuroid"]) == 168
    assert len(result["splits_sha256"]) == 64  # the exact splits are pinned
    assert result["score"] == pytest.approx(result["raw"] / result["ceiling"])
    assert -0.2 < result["raw"] < 0.5  # pixels: a floor, far below the ceiling


def test_simulated_it_ceiling_matches_its_generative_model(scored):
    # neural.trials draws noise with sigma^2 = n * var_s * (1/rho - 1), so the reliability of the n-repetition
    # mean, var_s / (var_s + sigma^2 / n), is rho = 0.822 for every neuron. Split-half + Spearman-Brown
    # estimates exactly that reliability; with 640 stimuli its sampling spread is about 0.005.
    _, record = scored
    assert record.result["ceiling"] == pytest.approx(0.822, abs=0.015)


def test_same_inputs_name_the_same_record(scored):
    settings, first = scored
    second = pipeline.score(PIXELS, IT_BENCHMARK, settings)
    assert second.record_id == first.record_id
    assert second.result["score"] == first.result["score"]
    assert len(ledger_rows(settings)) == 1


def test_leaderboard_cli_shows_the_score(scored, capsys):
    settings, record = scored
    assert main(["--home", str(settings.home), "leaderboard", "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    (row,) = board["rows"]
    assert row["model"] == "pixels@1.0.0" and row["benchmark"] == "sim.MajajHong2015.IT-pls"
    assert {"raw", "ceiling", "score", "error"} <= set(row)
    assert main(["--home", str(settings.home), "leaderboard"]) == 0
    assert "sim.MajajHong2015.IT-pls" in capsys.readouterr().out


def test_dropped_stimulus_is_named_and_ledger_unchanged(scored, faulty_image):
    settings, _ = scored
    before = ledger_rows(settings)
    with pytest.raises(ResponseError) as caught:
        pipeline.score(faulty_image("drop_stimulus"), IT_BENCHMARK, settings)
    problems = caught.value.problems  # the model answers every region it commits to; each one misses the stimulus
    assert {p.code for p in problems} == {"MISSING_STIMULUS"} and all("'chairs_000'" in p.message for p in problems)
    (problem,) = [p for p in problems if "/activations/IT/" in p.where]
    assert problem.code == "MISSING_STIMULUS"
    assert "'chairs_000'" in problem.message  # the 4th stimulus of the request (animals, boats, cars, chairs)
    assert problem.where.endswith("response.json#/activations/IT/stimulus_ids")
    assert ledger_rows(settings) == before


@pytest.mark.parametrize("fault, code", [("wrong_shape", "WRONG_SHAPE"), ("wrong_dtype", "WRONG_DTYPE"),
                                         ("nan", "NAN_IN_ACTIVATIONS"), ("escape_output", "BAD_FORMAT")])
def test_broken_responses_are_refused(engine_settings, faulty_image, fault, code):
    with pytest.raises(ResponseError) as caught:
        pipeline.score(faulty_image(fault), IT_BENCHMARK, engine_settings)
    assert code in {p.code for p in caught.value.problems}
    assert faulty_image(fault) in caught.value.message
    if fault == "escape_output":
        assert caught.value.problems[0].where.endswith("response.json#/activations/IT/file")
    if fault == "nan":
        assert "'boats_000'" in caught.value.problems[0].message  # row 1 of the request
    assert ledger_rows(engine_settings) == []


def test_crash_reports_the_containers_last_log_lines(engine_settings, faulty_image):
    with pytest.raises(ContainerError) as caught:
        pipeline.score(faulty_image("crash"), IT_BENCHMARK, engine_settings)
    assert caught.value.problems[0].code == "CONTAINER_FAILED"
    assert "weights file is corrupt" in caught.value.details
    assert ledger_rows(engine_settings) == []


def test_a_model_that_probes_the_network_while_scored_is_stopped_and_not_recorded(engine_settings, faulty_image):
    # the probe checks uid and writable paths (tests/hostile asserts those one by one), then tries to connect:
    # under `score` the network trap stops it there
    with pytest.raises(ContainerError) as caught:
        pipeline.score(faulty_image("probe"), IT_BENCHMARK, engine_settings)
    assert [p.code for p in caught.value.problems] == ["NETWORK_ATTEMPT"]
    assert ledger_rows(engine_settings) == []


def test_description_that_is_not_json_is_refused(engine_settings, faulty_image):
    with pytest.raises(ValidationError) as caught:
        pipeline.score(faulty_image("bad_describe"), IT_BENCHMARK, engine_settings)
    assert caught.value.problems[0].code == "BAD_JSON"


def test_missing_image_exits_2_and_names_it(engine_settings, capsys):
    status = main(["--home", str(engine_settings.home), "score", "braindock/no-such-model:0", IT_BENCHMARK])
    assert status == 2
    err = capsys.readouterr().err
    assert "braindock/no-such-model:0" in err and "IMAGE_NOT_FOUND" in err
    assert ledger_rows(engine_settings) == []


def test_earlier_records_survive_a_failed_score(scored, faulty_image):
    settings, record = scored
    with pytest.raises(ContainerError):
        pipeline.score(faulty_image("crash"), IT_BENCHMARK, settings)
    assert [row[0] for row in ledger_rows(settings)] == [record.record_id]
