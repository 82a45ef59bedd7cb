"""The ledger: score records in SQLite (one transaction per write; a failed score never touches it)."""
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
"""


class Ledger:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.executescript(SCHEMA)
        return connection

    def add(self, record: ScoreRecord) -> str:
        """Store `record` (replacing an earlier run of the very same inputs); returns its record_id."""
        document = record.to_dict()
        inputs = record.inputs
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.record_id, record.created,
                    inputs["model"]["identifier"], inputs["model"]["version"], inputs["model"]["image_id"],
                    inputs["benchmark"]["identifier"], inputs["benchmark"]["version"],
                    record.result["score"], json.dumps(document, sort_keys=True),
                ),
            )
        return record.record_id

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
            connection.execute("DELETE FROM records WHERE record_id = ?", (self.get(record_id).record_id,))
