"""The spool: finished score records as files, written atomically by whoever scored them, taken by the ledger.

SQLite on a cluster file system is unsafe to share between writers; a file per record is not. A file's name is
unique per computation, so taking it twice is harmless (Ledger.ingest skips a name it has taken).
"""
from __future__ import annotations

import uuid
from pathlib import Path

from ..store import atomic_write, canonical_json
from .ledger import Ledger
from .records import ScoreRecord

SUFFIX = ".record.json"


def write(spool: Path, record: ScoreRecord) -> Path:
    """Write `record` into the spool folder atomically (readers never see half a file); its path."""
    path = spool / f"{record.record_id}-{uuid.uuid4().hex[:12]}{SUFFIX}"
    atomic_write(path, canonical_json(record.to_dict()))
    return path


def waiting(spool: Path) -> list[Path]:
    """Record files not yet taken by the ledger, oldest first."""
    return sorted(spool.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime) if spool.exists() else []


def drain(spool: Path, ledger: Ledger) -> list[str]:
    """Take every waiting record file into the ledger; the record_ids taken."""
    return [ledger.ingest(path) for path in waiting(spool)]


def record(spool: Path, ledger: Ledger, score_record: ScoreRecord) -> str:
    """Spool a record and take it into the ledger at once (the single-process path of `score`)."""
    return ledger.ingest(write(spool, score_record))
