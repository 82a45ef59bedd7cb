"""`braindock submit` on a real engine: the gabor-c example builds from its context, passes check-model, is queued once."""
from __future__ import annotations

import json
from pathlib import Path

from braindock.cli import main
from braindock.submissions import Queue

EXAMPLES = Path(__file__).parents[2] / "submissions"


def test_submit_example_builds_checks_and_queues_once(settings, engine, capsys):
    home = ["--home", str(settings.home)]
    assert main([*home, "submit", str(EXAMPLES / "gabor-c")]) == 0
    out = capsys.readouterr().out
    assert "PASS  run_exits_zero" in out and "queued: gabor-c = gabor-c@1.0.0" in out
    image_id = engine.inspect("braindock/model-gabor-c:1.0.0").image_id
    (row,) = Queue.for_settings(settings).list()
    assert row["submission_id"] == image_id and row["status"] == "queued"
    document = json.loads(row["document"])
    assert document["description"]["regions"]["V1"]["layer"] == "c1-4px"
    assert document["check"].startswith("16 passed, 0 failed")
    assert main([*home, "submit", str(EXAMPLES / "gabor-c")]) == 0
    assert "already queued" in capsys.readouterr().out
    assert main([*home, "submit", "--list"]) == 0
    assert "gabor-c@1.0.0" in capsys.readouterr().out
