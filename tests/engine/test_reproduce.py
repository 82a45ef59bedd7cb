"""A score reruns from its record alone: same number, or a diff naming what changed; bundles carry it elsewhere."""
from __future__ import annotations

import json
import shutil

import pytest
from braindock import pipeline
from braindock.cli import main
from braindock.config import load_settings
from braindock.provenance.ledger import Ledger
from braindock.reproduce import reproduce
from conftest import IT_BENCHMARK, PIXELS, TESTS


@pytest.fixture
def own_pixels(engine, tmp_path):
    """A private copy of the pixels model, so that rebuilding it cannot disturb other tests."""
    context = tmp_path / "pixels"
    shutil.copytree(TESTS.parent / "containers" / "models" / "pixels", context)
    tag = f"braindock-test/pixels-{tmp_path.name.lower()[-20:]}:1"
    engine.build(context, tag)
    yield context, tag
    from docker.errors import ImageNotFound

    try:
        engine.client.images.remove(tag, force=True)
    except ImageNotFound:  # the test removed it itself
        pass


def test_deleted_score_reproduces_bit_identically(engine_settings, own_pixels, capsys, tmp_path):
    _, tag = own_pixels
    record = pipeline.score(tag, IT_BENCHMARK, engine_settings)
    home = str(engine_settings.home)
    assert main(["--home", home, "records", "show", record.record_id[:10]]) == 0
    saved = tmp_path / "record.json"
    saved.write_text(capsys.readouterr().out)
    assert main(["--home", home, "records", "rm", record.record_id]) == 0
    assert Ledger(engine_settings.ledger_path).records() == []
    capsys.readouterr()
    status = main(["--home", home, "reproduce", "--record", str(saved), "--json"])
    outcome = json.loads(capsys.readouterr().out)
    assert (status, outcome["status"], outcome["differences"]) == (0, "same", [])
    assert outcome["score_delta"] == 0.0 and outcome["rerun_record_id"] == record.record_id


def test_rebuilt_image_reports_digest_change_and_delta(engine_settings, engine, own_pixels):
    context, tag = own_pixels
    record = pipeline.score(tag, IT_BENCHMARK, engine_settings)
    source = (context / "model.py").read_text()
    assert "SIDE = 32" in source
    (context / "model.py").write_text(source.replace("SIDE = 32", "SIDE = 31"))  # one byte
    engine.build(context, tag)
    outcome = reproduce(record, engine_settings)
    assert outcome.status == "different" and outcome.exit_code == 1
    changed = {d.what: d for d in outcome.differences}
    assert changed["model image ID"].recorded == record.inputs["model"]["image_id"]
    assert changed["model image ID"].now == engine.inspect(tag).image_id
    assert "ceiled score" in changed and outcome.score_delta != 0.0
    assert "benchmark image ID" not in changed and "recordings sha256" not in changed


def test_missing_image_is_unavailable(engine_settings, engine, own_pixels):
    _, tag = own_pixels
    record = pipeline.score(tag, IT_BENCHMARK, engine_settings)
    engine.client.images.remove(tag, force=True)
    outcome = reproduce(record, engine_settings)
    assert outcome.status == "unavailable" and outcome.exit_code == 2
    assert tag in outcome.reason


def test_export_import_into_empty_home_reproduces(engine_settings, tmp_path, capsys):
    record = pipeline.score(PIXELS, IT_BENCHMARK, engine_settings)
    bundle = tmp_path / "bundle"
    assert main(["--home", str(engine_settings.home), "export", record.record_id, "-o", str(bundle)]) == 0
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert {i["image_id"] for i in manifest["images"]} == {record.inputs["model"]["image_id"], record.inputs["benchmark"]["image_id"]}
    fresh = load_settings(tmp_path / "fresh")
    assert main(["--home", str(fresh.home), "import", "bundle", str(bundle)]) == 0
    assert [r.record_id for r in Ledger(fresh.ledger_path).records()] == [record.record_id]
    outcome = reproduce(Ledger(fresh.ledger_path).get(record.record_id), fresh)
    assert outcome.status == "same", outcome.differences


def test_damaged_bundle_is_refused_with_every_bad_file(engine_settings, tmp_path, capsys):
    record = pipeline.score(PIXELS, IT_BENCHMARK, engine_settings)
    bundle = tmp_path / "bundle"
    assert main(["--home", str(engine_settings.home), "export", record.record_id, "-o", str(bundle)]) == 0
    (bundle / "records" / f"{record.record_id}.json").write_text("{}")
    fresh = load_settings(tmp_path / "fresh")
    capsys.readouterr()
    assert main(["--home", str(fresh.home), "import", "bundle", str(bundle)]) == 1
    assert "SHA256_MISMATCH" in capsys.readouterr().err
    assert not fresh.ledger_path.exists()
