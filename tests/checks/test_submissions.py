"""submission.yaml validation, the queue, and `braindock submit` on a fake engine (no Docker)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from braindock.cli import main
from braindock.commands import submit
from braindock.errors import ValidationError
from braindock.submissions import Queue, load_submission
from fake_model import FakeEngine, FakeModel

EXAMPLES = Path(__file__).parents[2] / "submissions"


@pytest.mark.parametrize("name", ["pixels", "gabor-c", "hmax-r", "alexnet", "minilm"])
def test_examples_are_valid(name):
    submission = load_submission(EXAMPLES / name)
    assert submission.image.startswith("braindock/model-")
    assert (submission.build_context is None) == (name in ("alexnet", "minilm"))


def test_invalid_submission_lists_every_problem(tmp_path):
    (tmp_path / "submission.yaml").write_text("name: bad name\nimage: x\ncontact: {name: a, email: nope}\nlicense: MIT\nsurprise: 1\n")
    with pytest.raises(ValidationError) as caught:
        load_submission(tmp_path)
    found = {(p.where.split("#")[1], p.code) for p in caught.value.problems}
    assert ("/description", "MISSING_FIELD") in found
    assert ("/surprise", "UNEXPECTED_FIELD") in found  # located at the unexpected key itself
    assert ("/name", "BAD_FORMAT") in found and ("/contact/email", "BAD_FORMAT") in found


def test_missing_build_context_is_located(tmp_path):
    shutil.copy(EXAMPLES / "gabor-c" / "submission.yaml", tmp_path / "submission.yaml")
    with pytest.raises(ValidationError) as caught:
        load_submission(tmp_path / "submission.yaml")
    assert caught.value.problems[0].code == "CONTEXT_NOT_FOUND"


@pytest.fixture
def fake_engine(monkeypatch):
    def use(fault="none"):
        engine = FakeEngine({"braindock/model-alexnet:1.0.0": FakeModel(fault)})
        monkeypatch.setattr(submit, "get_engine", lambda name: engine)
        return engine

    return use


def test_submit_queues_once_and_lists(settings, fake_engine, capsys):
    fake_engine()
    home = ["--home", str(settings.home)]
    assert main([*home, "submit", "--json", str(EXAMPLES / "alexnet")]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["queued"] is True and first["check"]["ok"] is True
    assert main([*home, "submit", "--json", str(EXAMPLES / "alexnet")]) == 0
    assert json.loads(capsys.readouterr().out)["queued"] is False  # same image ID: queued once
    assert main([*home, "submit", "--list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == "alexnet-seeded" and row["identifier"] == "fake" and row["status"] == "queued"
    assert row["submission_id"] == "sha256:" + "0" * 64


def test_failing_model_is_not_queued(settings, fake_engine, capsys):
    fake_engine("nan")
    assert main(["--home", str(settings.home), "submit", str(EXAMPLES / "alexnet")]) == 1
    assert "not queued" in capsys.readouterr().out
    assert Queue.for_settings(settings).list() == []


def test_licence_must_match_the_description(settings, fake_engine, tmp_path, capsys):
    fake_engine()
    text = (EXAMPLES / "alexnet" / "submission.yaml").read_text().replace("license: MIT", "license: GPL-3.0-only")
    (tmp_path / "submission.yaml").write_text(text)
    assert main(["--home", str(settings.home), "submit", str(tmp_path)]) == 1
    assert "LICENSE_MISMATCH" in capsys.readouterr().err
    assert Queue.for_settings(settings).list() == []
