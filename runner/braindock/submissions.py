"""Submissions: what a lab sends (submission.yaml) and the queue of checked submissions awaiting scoring (SQLite).

A submission names a model image, or a build context to build it from, plus contact, licence and description.
It enters the queue only after check-model passes; the queue is keyed by the image's content digest, so
submitting the same image twice does not queue it twice, and an identifier@version belongs to the first image
that claimed it: another image claiming it is refused unless the submitter asks to supersede the holder.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from .config import Settings
from .contract import schemas
from .errors import Problem, UsageError, ValidationError

SUBMISSION_FILE = "submission.yaml"

QUEUE_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    submission_id TEXT PRIMARY KEY,   -- the model image ID (sha256:...): content, not name
    created TEXT NOT NULL,
    name TEXT NOT NULL,
    image TEXT NOT NULL,
    identifier TEXT NOT NULL,
    version TEXT NOT NULL,
    modality TEXT NOT NULL,
    status TEXT NOT NULL,             -- queued | scored | rejected | superseded (scoring is another step's job)
    document TEXT NOT NULL            -- submission.yaml, the model description and the check summary, as JSON
);
"""


@dataclass(frozen=True)
class Submission:
    path: Path  # the submission.yaml
    document: dict

    @property
    def name(self) -> str:
        return self.document["name"]

    @property
    def image(self) -> str:
        return self.document["image"]

    @property
    def build_context(self) -> Path | None:
        build = self.document.get("build")
        return (self.path.parent / build["context"]).resolve() if build else None


def load_submission(path: Path) -> Submission:
    """A submission folder (or its submission.yaml), validated; every problem located in the file."""
    path = Path(path)
    if path.is_dir():
        path = path / SUBMISSION_FILE
    if not path.is_file():
        raise UsageError(f"no submission at {path}", [Problem(str(path), "FILE_NOT_FOUND", "file does not exist",
                                                              f"give a folder holding {SUBMISSION_FILE} (see submissions/)")])
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ValidationError(f"{path} is not valid YAML", [Problem(str(path), "BAD_YAML", str(exc), "fix the YAML syntax")]) from None
    problems = schemas.problems(document, "submission", str(path))
    if problems:
        raise ValidationError(f"{path} is not a valid submission", problems)
    build = document.get("build")
    if build and not (path.parent / build["context"]).is_dir():
        raise ValidationError(f"{path}: build context not found", [
            Problem(f"{path}#/build/context", "CONTEXT_NOT_FOUND", f"{build['context']} is not a folder next to {path.name}",
                    "give the build context relative to submission.yaml")])
    return Submission(path, document)


def description_problems(submission: Submission, description: dict) -> list[Problem]:
    """Where the model's own description disagrees with its submission (the licence must be the same)."""
    problems = []
    if description["license"] != submission.document["license"]:
        problems.append(Problem(f"{submission.path}#/license", "LICENSE_MISMATCH", "the submission and the model's description name different licences",
                                "make them the same", expected=description["license"], found=submission.document["license"]))
    return problems


class Queue:
    """Checked submissions awaiting scoring; each write is one SQLite transaction (all or nothing)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    def for_settings(cls, settings: Settings) -> "Queue":
        return cls(settings.home / "submissions.sqlite")

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.executescript(QUEUE_SCHEMA)
        return connection

    def holder(self, identifier: str, version: str) -> dict | None:
        """The submission whose image holds identifier@version (superseded ones hold nothing)."""
        if not self.path.exists():
            return None
        with closing(self._connect()) as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM submissions WHERE identifier = ? AND version = ? AND status != 'superseded' "
                                     "ORDER BY created LIMIT 1", (identifier, version)).fetchone()
        return dict(row) if row else None

    def require_free(self, submission: Submission, image_id: str, description: dict, supersede: bool = False) -> dict | None:
        """The submission of another image holding the description's identifier@version (None when free or held by
        this very image); ValidationError IDENTIFIER_TAKEN when there is one and `supersede` is not set."""
        claimed = f"{description['identifier']}@{description['version']}"
        holder = self.holder(description["identifier"], description["version"])
        if holder is None or holder["submission_id"] == image_id:
            return None
        if not supersede:
            raise ValidationError(f"{claimed} is already held by another image; not queued", [Problem(
                f"{submission.path} (model description)", "IDENTIFIER_TAKEN",
                f"{claimed} was submitted on {holder['created']} as {holder['name']} ({holder['image']})",
                "give the model a new version (or identifier) in its description; if you own the earlier submission "
                "and mean to replace it, submit again with --supersede",
                expected=f"image {holder['submission_id']}", found=f"image {image_id}")])
        return holder

    def add(self, submission: Submission, image_id: str, description: dict, check_summary: str,
            supersede: bool = False) -> tuple[dict, bool]:
        """Queue the submission under its image ID; (row, False) when that image is already queued.

        ValidationError (IDENTIFIER_TAKEN) when another image holds the description's identifier@version, unless
        `supersede`: then that image's submission is marked superseded in the same transaction.
        """
        existing = self.get(image_id)
        if existing is not None:
            return existing, False
        holder = self.require_free(submission, image_id, description, supersede)
        document = {"submission": submission.document, "description": description, "check": check_summary}
        row = {"submission_id": image_id, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "name": submission.name, "image": submission.image, "identifier": description["identifier"],
               "version": description["version"], "modality": description["modality"], "status": "queued",
               "document": json.dumps(document, sort_keys=True)}
        with closing(self._connect()) as connection, connection:
            if holder is not None:
                connection.execute("UPDATE submissions SET status = 'superseded' WHERE submission_id = ?", (holder["submission_id"],))
            connection.execute(f"INSERT INTO submissions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
        return row, True

    def get(self, submission_id: str) -> dict | None:
        if not self.path.exists():
            return None
        with closing(self._connect()) as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM submissions WHERE submission_id = ?", (submission_id,)).fetchone()
        return dict(row) if row else None

    def list(self) -> list[dict]:
        """Every submission, oldest first."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(r) for r in connection.execute("SELECT * FROM submissions ORDER BY created, submission_id")]
