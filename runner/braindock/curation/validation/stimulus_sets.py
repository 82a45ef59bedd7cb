"""Stimulus sets: our stimulus_set.json (schema from spec/) and brainio CSVs (stimulus_id, filename, columns)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ...errors import Problem
from ..sidecar import entry
from .checked import Checked
from .layouts import catalog_problem, is_catalog, near_miss, trial_problem
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


def _read_csv(path: Path, out: Checked) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    """(header, [(line, cells)]) with blank rows skipped; None after a Problem when there is no header."""
    text = read_text(path, out.problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error) as exc:
        out.add(Problem(_where(path, 1), "BAD_CSV", f"looked for a header row; the CSV parser said: {exc}",
                        "start with a header: stimulus_id,filename,..."))
        return None
    records = []
    try:
        for record in reader:
            if record and "".join(record).strip():
                records.append((reader.line_num, record))
    except csv.Error as exc:
        out.add(Problem(_where(path, reader.line_num), "BAD_CSV", f"cannot parse this row; the CSV parser said: {exc}",
                        "fix the quoting on this row"))
    return header, records


def _resolve_column(path: Path, wanted: str, header: list[str], sample: dict[str, list[str]], taken: set[str],
                    out: Checked) -> str | None:
    """The column standing for `wanted`: itself, legacy image_id (a warning), or a near miss (an error whose
    fix names the rename; its values are still checked). None when nothing fits."""
    if wanted in header:
        return wanted
    if wanted == ID_COLUMN and LEGACY_ID_COLUMN in header:
        out.add(Problem(_where(path, 1, LEGACY_ID_COLUMN), "LEGACY_COLUMN", "legacy brainio column 'image_id' stands for stimulus_id",
                        "rename the column to stimulus_id (`braindock import brainio` does this)", severity="warning"))
        return LEGACY_ID_COLUMN
    near = near_miss(wanted, header, sample, taken)
    what = "one unique id per stimulus" if wanted == ID_COLUMN else "each stimulus file's path relative to the files folder"
    if near:
        fix = (f"rename column {near!r} to {wanted!r} (`braindock import brainio` does this for you); "
               f"its values were checked as the {wanted} column")
    else:
        fix = f"add a {wanted} column with {what}"
    out.add(Problem(_where(path, 1, wanted), "MISSING_COLUMN", f"looked for column {wanted!r} in the header "
                    f"({', '.join(map(repr, header))[:200]}); not found" + (f"; closest: {near!r}" if near else ""), fix))
    return near


def metadata_problems(where: str, attrs: dict, columns: dict[str, set[str]]) -> list[Problem]:
    """Licence and citation (errors) and visual degrees (warning), from the sidecar's attrs or a constant column."""
    out = []
    for key, severity in (("license", "error"), ("citation", "error"), ("visual_degrees", "warning")):
        if attrs.get(key) not in (None, ""):
            continue
        values = columns.get(key)
        if values and len(values) == 1 and "" not in values:
            continue
        if values and len(values) > 1:
            out.append(Problem(f"{where}#/{key}", "INCONSISTENT_METADATA", f"column {key!r} holds {len(values)} different values",
                               f"one {key} for the whole set: drop the column and put `{entry('attrs', key)}` in a sidecar"))
            continue
        why = {"license": "who may use the stimuli", "citation": "whom to credit",
               "visual_degrees": "the images' width in degrees of visual angle, so models see them at the size subjects did"}[key]
        out.append(Problem(f"{where}#/{key}", "MISSING_METADATA",
                           f"looked for {key} ({why}) in the sidecar's attrs and in a {key!r} column; not found",
                           f"put `{entry('attrs', key)}` in a metadata YAML and pass --metadata meta.yaml "
                           f"(to validate and to `braindock import brainio`)", severity=severity))
    return out


def _varying_columns(header: list[str], records: list[tuple[int, list[str]]], id_index: int) -> list[str]:
    """Columns whose value differs between rows of the same id (per-trial columns)."""
    first: dict[str, list[str]] = {}
    varying = set()
    for _, record in records:
        if id_index >= len(record):
            continue
        seen = first.setdefault(record[id_index].strip(), record)
        for i, name in enumerate(header):
            if name not in varying and i < len(record) and i < len(seen) and record[i] != seen[i]:
                varying.add(name)
    return sorted(varying)


def check_stimulus_csv(path: Path, files_root: Path | None = None, check_files: bool = True,
                       metadata: dict | None = None) -> Checked:
    """A brainio stimulus CSV, every problem in one pass: columns (near misses named and still checked), one row
    per stimulus (a trial-level table recognised), files under `files_root` (default: the CSV's folder) exist,
    match `sha256`, open as images of one format and size; licence, citation and visual degrees from `metadata`
    (a sidecar dict) or constant columns. `facts['columns']` maps stimulus_id/filename to the columns used."""
    path = Path(path)
    root = Path(files_root) if files_root is not None else path.parent
    out = Checked()
    parsed = _read_csv(path, out)
    if parsed is None:
        return out
    header, records = parsed
    if is_catalog(header, [r for _, r in records]):
        out.add(catalog_problem(path, header, [r for _, r in records]))
        out.facts.update(layout="lookup-catalog", rows=len(records))
        out.stimulus_ids = None
        return out
    seen: set[str] = set()
    for name in header:
        if name in seen:
            out.add(Problem(_where(path, 1, name), "DUPLICATE_COLUMN", f"column {name!r} appears twice", "rename or drop one"))
        seen.add(name)
        if not name:
            out.add(Problem(_where(path, 1), "EMPTY_COLUMN_NAME", "a column has no name", "name every column in the header"))
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    sample = {name: [r[i].strip() for _, r in records[:200] if i < len(r)] for name, i in index.items()}
    id_column = _resolve_column(path, ID_COLUMN, header, sample, set(), out)
    file_column = _resolve_column(path, FILE_COLUMN, header, sample, {id_column} if id_column else set(), out)
    out.columns = set(header) - {file_column, HASH_COLUMN}
    out.facts["columns"] = {ID_COLUMN: id_column, FILE_COLUMN: file_column}
    rows: list[Row] = []
    id_i, file_i, hash_i = (index.get(c) if c else None for c in (id_column, file_column, HASH_COLUMN))
    id_name, file_name = id_column or ID_COLUMN, file_column or FILE_COLUMN
    for line, record in records:
        base = f"{path}:row {line}"
        if len(record) != len(header):
            out.add(Problem(base, "ROW_LENGTH", f"row has {len(record)} fields, the header {len(header)}",
                            "quote values that contain commas; give every row one value per column"))
        width = len(record)
        sid = record[id_i].strip() if id_i is not None and id_i < width else None
        if id_i is not None and not sid:
            out.add(Problem(f"{base}:column {id_column}", "EMPTY_VALUE", f"{id_column} is empty", "give this row a stimulus_id"))
            sid = None
        file = record[file_i].strip() if file_i is not None and file_i < width else None
        if file_i is not None and not file:
            out.add(Problem(f"{base}:column {file_column}" + (f" [stimulus_id={sid}]" if sid else ""), "EMPTY_VALUE",
                            f"{file_column} is empty", "give this row the stimulus file's path"))
            file = None
        sha = record[hash_i].strip() if hash_i is not None and hash_i < width else None
        rows.append(Row(sid, file, sha.lower() if sha else None, f"{base}:column {id_name}", f"{base}:column {file_name}",
                        f"{base}:column {HASH_COLUMN}"))
    if not rows:
        out.add(Problem(_where(path, 2), "NO_ROWS", "the CSV lists no stimuli", "add one row per stimulus"))
    trials = None
    if id_column and len({r.stimulus_id for r in rows}) < len(rows):
        trials = trial_problem(path, id_column, [r.stimulus_id or "" for r in rows], [r.file for r in rows], header,
                               _varying_columns(header, records, index[id_column]))
    if trials is not None:
        out.add(trials)
        out.facts["layout"] = "trial-table"
        firsts: dict[str, Row] = {}
        for row in rows:
            firsts.setdefault(row.stimulus_id, row)
        out.facts["rows"] = len(rows)
        rows = list(firsts.values())  # each stimulus checked once; the repeats are what TRIAL_LEVEL_TABLE reports
    else:
        out.facts.setdefault("layout", "stimulus-set")
    if check_files:
        check_rows(rows, root, out)
    else:
        out.stimulus_ids = {r.stimulus_id for r in rows if r.stimulus_id is not None}
    attrs = (metadata or {}).get("attrs") or {}
    constant = {name: set(sample[name]) if len(records) <= 200 else {r[index[name]].strip() for _, r in records if index[name] < len(r)}
                for name in ("license", "citation", "visual_degrees") if name in index}
    out.add(*metadata_problems(str(path), attrs, constant))
    if id_column is None:
        out.stimulus_ids = None  # unknown, so cross-checks against it are skipped rather than all failing
    return out
