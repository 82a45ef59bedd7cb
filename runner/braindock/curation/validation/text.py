"""Read a small text document (JSON, CSV, YAML) as UTF-8, turning every way it can fail into a Problem."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...errors import Problem
from .checked import Checked

MAX_TEXT_BYTES = 1 << 30


def read_text(path: Path, out_problems: list[Problem]) -> str | None:
    """The file's text (UTF-8, BOM dropped) or None with a Problem appended."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            out_problems.append(Problem(where, "FILE_TOO_LARGE", f"{size} bytes is more than {MAX_TEXT_BYTES}",
                                        "split the document"))
            return None
        raw = path.read_bytes()
    except FileNotFoundError:
        out_problems.append(Problem(where, "FILE_NOT_FOUND", "file does not exist", "check the path"))
        return None
    except (IsADirectoryError, NotADirectoryError, PermissionError, OSError) as exc:
        out_problems.append(Problem(where, "FILE_UNREADABLE", f"could not read the file; the system said: {exc.strerror or exc}",
                                    "check the path and permissions"))
        return None
    if not raw.strip():
        out_problems.append(Problem(where, "EMPTY_FILE", "file is empty", "write the document"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        out_problems.append(Problem(
            f"{where}:row {line}", "BAD_ENCODING", f"not UTF-8: byte {raw[exc.start]:#04x} at offset {exc.start}",
            "re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
        ))
        return None


def load_document(path: Path, schema_name: str, out: Checked) -> Any:
    """Read JSON from `path`, append its schema problems to `out`; the document, or None if unreadable."""
    from ...contract import schemas  # jsonschema: not needed for a CSV
    text = read_text(path, out.problems)
    if text is None:
        return None
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        out.add(Problem(str(path), "BAD_JSON", f"not valid JSON; the JSON parser said: {str(exc)[:300]}",
                        "write valid UTF-8 JSON (check quotes and commas)"))
        return None
    out.add(*schemas.problems(document, schema_name, str(path)))
    return document
