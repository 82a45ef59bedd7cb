"""The spool and the ledger: a record keeps its first computation, a file is taken once, a kill loses nothing."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

from braindock.provenance import spool
from braindock.provenance.ledger import CONFIRMED, NEW, Ledger
from test_ledger import make_record


def test_scoring_the_same_inputs_again_keeps_the_first_computation_and_lists_the_confirmation(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    first = make_record(created="2026-01-01T00:00:00+00:00")
    again = make_record(created="2026-02-01T00:00:00+00:00", score=0.5)
    assert ledger.add(first) == NEW and ledger.add(again) == CONFIRMED
    (kept,) = ledger.records()
    assert kept.created == "2026-01-01T00:00:00+00:00"
    (confirmation,) = ledger.confirmations(first.record_id)
    assert confirmation["created"] == "2026-02-01T00:00:00+00:00" and confirmation["score"] == 0.5
    ledger.delete(first.record_id)
    assert ledger.records() == [] and ledger.confirmations(first.record_id) == []


def test_a_spool_file_is_taken_once_even_when_it_comes_back(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    path = spool.write(tmp_path / "spool", make_record())
    copy = tmp_path / "copy.json"
    shutil.copy(path, copy)
    assert spool.drain(tmp_path / "spool", ledger) == [make_record().record_id]
    assert not path.exists()
    shutil.copy(copy, path)  # as if the process died between the commit and the unlink
    spool.drain(tmp_path / "spool", ledger)
    assert len(ledger.records()) == 1 and ledger.confirmations(make_record().record_id) == []
    assert not path.exists()


WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_ledger import make_record
from braindock.provenance import spool
from braindock.provenance.ledger import Ledger
ledger = Ledger(Path({home!r}) / "ledger.sqlite")
for k in range(100000):
    spool.record(Path({home!r}) / "spool", ledger, make_record(model=f"m{{k}}"))
"""


def test_sigkill_during_ledger_writes_leaves_a_whole_ledger_and_no_half_record(tmp_path):
    code = WRITER.format(tests=os.path.dirname(__file__), home=str(tmp_path))
    writer = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if (tmp_path / "ledger.sqlite").exists() and sqlite3.connect(tmp_path / "ledger.sqlite").execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'ingested'").fetchone()[0]:
            if sqlite3.connect(tmp_path / "ledger.sqlite").execute("SELECT count(*) FROM ingested").fetchone()[0] > 20:
                break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    connection = sqlite3.connect(tmp_path / "ledger.sqlite")
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    records = connection.execute("SELECT count(*) FROM records").fetchone()[0]
    assert records > 20 and records == connection.execute("SELECT count(*) FROM ingested").fetchone()[0]
    for (document,) in connection.execute("SELECT document FROM records"):
        assert json.loads(document)["record_id"]  # every stored record is whole JSON
    left = spool.waiting(tmp_path / "spool")  # at most the one being written when the kill came
    assert len(left) <= 1
    ledger = Ledger(tmp_path / "ledger.sqlite")
    spool.drain(tmp_path / "spool", ledger)
    assert len(ledger.records()) == records + len(left)
