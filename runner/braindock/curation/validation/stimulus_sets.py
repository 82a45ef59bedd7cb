"""Stimulus sets: our stimulus_set.json (schema from spec/) and brainio CSVs (stimulus_id, filename, columns)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ...errors import Problem
from .checked import Checked
from .stimulus_files import Row, check_rows
from .text import load_document, read_text

ID_COLUMN = "stimulus_id"
LEGACY_ID_COLUMN = "image_id"
FILE_COLUMN = "filename"
HASH_COLUMN = "sha256"


def check_stimulus_json(path: Path, check_files: bool = True) -> Checked:
    """stimulus_set.json: schema, then unique ids, files inside its folder exist, match sha256, open."""
    path = Path(path)
    out = Checked()
    document = load_document(path, "stimulus-set", out)
    if document is None:
        return out
    stimuli = document.get("stimuli") if isinstance(document, dict) else None
    if not isinstance(stimuli, list):
        return out
    rows = []
    for index, item in enumerate(stimuli):
        if not isinstance(item, dict):
            continue
        out.columns.update(k for k in item if k not in ("file", "sha256"))
        sid, file, sha = item.get("stimulus_id"), item.get("file"), item.get("sha256")
        base = f"{path}#/stimuli/{index}"
        rows.append(Row(
            stimulus_id=sid if isinstance(sid, str) and sid else None,
            file=file if isinstance(file, str) else None,
            sha256=sha if isinstance(sha, str) else None,
            where_id=f"{base}/stimulus_id", where_file=f"{base}/file", where_hash=f"{base}/sha256",
        ))
    if check_files:
        check_rows(rows, path.parent, out)
    else:
        ids = [r.stimulus_id for r in rows if r.stimulus_id is not None]
        out.stimulus_ids = set(ids)
    return out


def _where(path: Path, line: int, column: str | None = None) -> str:
    return f"{path}:row {line}" + (f":column {column}" if column else "")


def check_stimulus_csv(path: Path, files_root: Path | None = None, check_files: bool = True) -> Checked:
    """A brainio stimulus CSV: required columns, one row per stimulus, unique ids; files under `files_root`
    (default: the CSV's folder) exist, match a `sha256` column if there is one, and open as images."""
    path = Path(path)
    root = Path(files_root) if files_root is not None else path.parent
    out = Checked()
    text = read_text(path, out.problems)
    if text is None:
        return out
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        out.add(Problem(_where(path, 1), "BAD_CSV", f"no header row ({exc})", "start with a header: stimulus_id,filename,..."))
        return out
    header = [name.strip() for name in header]
    out.columns = set(header) - {FILE_COLUMN, HASH_COLUMN}
    seen: set[str] = set()
    for name in header:
        if name in seen:
            out.add(Problem(_where(path, 1, name), "DUPLICATE_COLUMN", f"column {name!r} appears twice", "rename or drop one"))
        seen.add(name)
        if not name:
            out.add(Problem(_where(path, 1), "EMPTY_COLUMN_NAME", "a column has no name", "name every column in the header"))
    id_column = ID_COLUMN
    if ID_COLUMN not in header:
        if LEGACY_ID_COLUMN in header:
            id_column = LEGACY_ID_COLUMN
            out.add(Problem(_where(path, 1, LEGACY_ID_COLUMN), "LEGACY_COLUMN", "legacy brainio column 'image_id' stands for stimulus_id",
                            "rename the column to stimulus_id (`braindock import brainio` does this)", severity="warning"))
        else:
            near = [h for h in header if h.lower().replace(" ", "_") in (ID_COLUMN, "stimulusid", "id")]
            out.add(Problem(_where(path, 1, ID_COLUMN), "MISSING_COLUMN", "required column 'stimulus_id' is missing",
                            "add a stimulus_id column with one unique id per row"
                            + (f" (rename {near[0]!r}?)" if near else ""), found=", ".join(header)[:200]))
            id_column = None
    if FILE_COLUMN not in header:
        out.add(Problem(_where(path, 1, FILE_COLUMN), "MISSING_COLUMN", "required column 'filename' is missing",
                        "add a filename column with each stimulus file's path relative to the CSV's folder",
                        found=", ".join(header)[:200]))
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    rows: list[Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                out.add(Problem(_where(path, line), "ROW_LENGTH", f"row has {len(record)} fields, the header {len(header)}",
                                "quote values that contain commas; give every row one value per column"))
            def cell(name):
                i = index.get(name)
                return record[i].strip() if i is not None and i < len(record) else None
            sid = cell(id_column) if id_column else None
            if id_column and not sid:
                out.add(Problem(_where(path, line, id_column), "EMPTY_VALUE", "stimulus_id is empty", "give this row a stimulus_id"))
                sid = None
            file = cell(FILE_COLUMN)
            if FILE_COLUMN in index and not file:
                out.add(Problem(_where(path, line, FILE_COLUMN) + (f" [stimulus_id={sid}]" if sid else ""), "EMPTY_VALUE",
                                "filename is empty", "give this row the stimulus file's path"))
                file = None
            sha = cell(HASH_COLUMN)
            rows.append(Row(sid, file, sha.lower() if sha else None,
                            _where(path, line, id_column or ID_COLUMN), _where(path, line, FILE_COLUMN), _where(path, line, HASH_COLUMN)))
    except csv.Error as exc:
        out.add(Problem(_where(path, reader.line_num), "BAD_CSV", f"cannot parse: {exc}", "fix the quoting on this row"))
    if not rows:
        out.add(Problem(_where(path, 2), "NO_ROWS", "the CSV lists no stimuli", "add one row per stimulus"))
    if check_files:
        check_rows(rows, root, out)
    else:
        out.stimulus_ids = {r.stimulus_id for r in rows if r.stimulus_id is not None}
    if id_column is None:
        out.stimulus_ids = None  # unknown, so cross-checks against it are skipped rather than all failing
    return out
