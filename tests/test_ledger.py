"""Records are named by their inputs, validated before they are stored, and the ledger is a real SQLite file."""
import sqlite3

import pytest
from braindock.errors import UsageError, ValidationError
from braindock.provenance.ledger import Ledger
from braindock.provenance.records import ScoreRecord, environment
from braindock.reporting import leaderboard

SHA = "a" * 64


def make_record(model="pixels", benchmark="b", version="1.0.0", score=0.5, created="2026-01-01T00:00:00+00:00", model_version="1.0.0"):
    inputs = {
        "model": {"identifier": model, "version": model_version, "image": f"{model}:1", "image_id": "sha256:" + SHA},
        "benchmark": {"identifier": benchmark, "version": version, "image": "b:1", "image_id": "sha256:" + "b" * 64},
        "data": {"stimulus_set_sha256": SHA, "recordings_sha256": SHA},
        "metric": {"name": "neural_predictivity", "version": "1", "parameters": {"regression": "pls"}},
        "ceiling": {"method": "internal_consistency", "version": "1", "parameters": {}},
        "normalization": {"name": "r/ceiling", "version": "1"},
        "request": {"seed": 0},
    }
    result = {"raw": score * 0.8, "error": 0.01, "ceiling": 0.8, "ceiling_error": 0.0, "score": score, "score_error": 0.01}
    return ScoreRecord(inputs, result, environment("docker", 1.0), created=created)


def test_record_id_depends_on_inputs_only():
    a, b = make_record(score=0.5), make_record(score=0.6, created="2027-01-01T00:00:00+00:00")
    assert a.record_id == b.record_id
    assert make_record(version="2.0.0").record_id != a.record_id


def test_add_get_by_prefix_delete(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    record = make_record()
    ledger.add(record)
    assert ledger.get(record.record_id[:8]).to_dict() == record.to_dict()
    with sqlite3.connect(tmp_path / "ledger.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM records").fetchone() == (1,)
    ledger.delete(record.record_id)
    with pytest.raises(UsageError):
        ledger.get(record.record_id[:8])


def test_invalid_record_is_refused_and_nothing_written(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.add(make_record())
    bad = make_record(model="other")
    bad.inputs["model"]["image_id"] = "latest"  # not a content digest
    with pytest.raises(ValidationError) as caught:
        ledger.add(bad)
    assert caught.value.problems[0].where.endswith("#/inputs/model/image_id")
    assert len(ledger.records()) == 1


def test_leaderboard_latest_version_and_missing():
    records = [
        make_record("pixels", "it", "1.0.0", 0.1),
        make_record("pixels", "it", "2.0.0", 0.2),
        make_record("alexnet", "it", "1.0.0", 0.3),
        make_record("alexnet", "v1", "1.0.0", 0.4),
    ]
    rows = leaderboard.rows(records)
    assert {(r.model, r.benchmark, r.benchmark_version) for r in rows} == {
        ("pixels@1.0.0", "it", "2.0.0"), ("alexnet@1.0.0", "v1", "1.0.0")}
    old = leaderboard.rows(records, benchmark_version="1.0.0")
    models, benchmarks, scores = leaderboard.matrix(old)
    assert scores[("pixels@1.0.0", "v1")] is None  # missing, not 0
    assert scores[("alexnet@1.0.0", "it")] == 0.3


def scaled(record, version: str, normalization: str):
    record.inputs["benchmark"]["version"], record.inputs["normalization"]["name"] = version, normalization
    return record


def test_two_scales_of_one_benchmark_are_two_columns_never_one():
    """The 2018, v1.0 and 2026 versions share a version core (1.0.0): each keeps its own column, named with its scale."""
    records = [make_record("pixels", "it", "1.0.0", 0.30),
               scaled(make_record("pixels", "it", score=0.09), "1.0.0+scale.v1.0", "(r/ceiling)^2"),
               scaled(make_record("pixels", "it", score=0.07), "1.0.0+scale.2026", "r^2/ceiling"),
               make_record("pixels", "v1", "1.0.0", 0.5)]
    rows = {r.column: r for r in leaderboard.rows(records)}
    assert set(rows) == {"it [2018 scale]", "it [v1.0 scale]", "it [2026 scale]", "v1"}
    assert {c: (r.scale, r.benchmark_version, r.record.result["score"]) for c, r in rows.items()} == {
        "it [2018 scale]": ("2018", "1.0.0", 0.30), "it [v1.0 scale]": ("v1.0", "1.0.0+scale.v1.0", 0.09),
        "it [2026 scale]": ("2026", "1.0.0+scale.2026", 0.07), "v1": ("2018", "1.0.0", 0.5)}
    _, columns, scores = leaderboard.matrix(list(rows.values()))
    assert scores[("pixels@1.0.0", "it [v1.0 scale]")] == 0.09 and len(columns) == 4
