"""The ledger: score records in SQLite (one transaction per write; a failed score never touches it).

A record keeps its first computation; scoring the same inputs again adds a confirmation (when, wall time,
computed or cached), never a second record. Workers never write here: they leave record files in the spool
(provenance.spool), and `ingest` takes each file in one transaction, idempotently (a file already taken is skipped).
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ..errors import Problem, UsageError
from .records import ScoreRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    model_identifier TEXT NOT NULL,
    model_version TEXT NOT NULL,
    model_image_id TEXT NOT NULL,
    benchmark_identifier TEXT NOT NULL,
    benchmark_version TEXT NOT NULL,
    score REAL NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS by_benchmark ON records (benchmark_identifier, benchmark_version);
CREATE TABLE IF NOT EXISTS confirmations (
    record_id TEXT NOT NULL REFERENCES records (record_id),
    created TEXT NOT NULL,
    score REAL NOT NULL,
    environment TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ingested (spool_file TEXT PRIMARY KEY, record_id TEXT NOT NULL);
"""

NEW, CONFIRMED = "new", "confirmed"


class Ledger:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.executescript(SCHEMA)
        return connection

    def add(self, record: ScoreRecord) -> str:
        """Store `record`, or confirm the record of the very same inputs already stored; returns NEW or CONFIRMED."""
        with closing(self._connect()) as connection, connection:
            return self._add(connection, record)

    def _add(self, connection: sqlite3.Connection, record: ScoreRecord) -> str:
        document = record.to_dict()
        inputs = record.inputs
        if connection.execute("SELECT 1 FROM records WHERE record_id = ?", (record.record_id,)).fetchone():
            connection.execute("INSERT INTO confirmations VALUES (?, ?, ?, ?)", (
                record.record_id, record.created, record.result["score"], json.dumps(record.environment, sort_keys=True)))
            return CONFIRMED
        connection.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            record.record_id, record.created,
            inputs["model"]["identifier"], inputs["model"]["version"], inputs["model"]["image_id"],
            inputs["benchmark"]["identifier"], inputs["benchmark"]["version"],
            record.result["score"], json.dumps(document, sort_keys=True)))
        return NEW

    def ingest(self, spool_file: Path) -> str | None:
        """Take one spool file in one transaction (skipped if taken before), then remove it; the record's id."""
        name = spool_file.name
        with closing(self._connect()) as connection, connection:
            taken = connection.execute("SELECT record_id FROM ingested WHERE spool_file = ?", (name,)).fetchone()
            if taken is None:
                record = ScoreRecord.from_dict(json.loads(spool_file.read_text()))
                self._add(connection, record)
                connection.execute("INSERT INTO ingested VALUES (?, ?)", (name, record.record_id))
                taken = (record.record_id,)
        spool_file.unlink(missing_ok=True)
        return taken[0]

    def confirmations(self, record_id: str) -> list[dict]:
        """Later computations of a record's inputs, oldest first: when, the score they gave, their environment."""
        with closing(self._connect()) as connection:
            rows = connection.execute("SELECT created, score, environment FROM confirmations WHERE record_id = ? ORDER BY created",
                                      (record_id,)).fetchall()
        return [{"created": c, "score": s, "environment": json.loads(e)} for c, s, e in rows]

    def find(self, model_image_id: str, benchmark_image_id: str, seed: int) -> str | None:
        """The record_id scored for this model image on this benchmark image with this seed, if any."""
        if not self.path.exists():
            return None
        with closing(self._connect()) as connection:
            row = connection.execute(
                "SELECT record_id FROM records WHERE model_image_id = ? AND json_extract(document, '$.inputs.benchmark.image_id') = ? "
                "AND json_extract(document, '$.inputs.request.seed') = ? ORDER BY created LIMIT 1",
                (model_image_id, benchmark_image_id, seed)).fetchone()
        return row[0] if row else None

    def records(self) -> list[ScoreRecord]:
        """Every record, oldest first."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as connection:
            rows = connection.execute("SELECT document FROM records ORDER BY created, record_id").fetchall()
        return [ScoreRecord.from_dict(json.loads(row[0])) for row in rows]

    def get(self, record_id: str) -> ScoreRecord:
        """The record whose id is or starts with `record_id` (a unique prefix of at least 6 characters)."""
        matches = [r for r in self.records() if r.record_id.startswith(record_id)] if len(record_id) >= 6 else []
        if len(matches) != 1:
            reason = "no record has that id" if not matches else f"{len(matches)} records start with it"
            raise UsageError(f"record {record_id!r} not found", [
                Problem(str(self.path), "UNKNOWN_RECORD", reason, "give a unique prefix (>= 6 characters); `braindock leaderboard --json` lists record ids")
            ])
        return matches[0]

    def delete(self, record_id: str) -> None:
        with closing(self._connect()) as connection, connection:
            found = self.get(record_id).record_id
            connection.execute("DELETE FROM confirmations WHERE record_id = ?", (found,))
            connection.execute("DELETE FROM records WHERE record_id = ?", (found,))
