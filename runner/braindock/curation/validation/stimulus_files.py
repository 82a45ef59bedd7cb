"""Per-stimulus checks shared by stimulus_set.json and brainio CSV: ids unique, files safe, exist, hash, open."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ...errors import Problem
from .checked import Checked
from .files import FORMAT_OF_SUFFIX, inspect_many, unsafe_relative


@dataclass(slots=True)
class Row:
    """One stimulus as listed: `where_id`/`where_file`/`where_hash` locate its fields in the source."""

    stimulus_id: str | None  # None when the source has no id column
    file: str | None
    sha256: str | None
    where_id: str
    where_file: str
    where_hash: str


def _tag(where: str, stimulus_id: str | None) -> str:
    return where if stimulus_id is None else f"{where} [stimulus_id={stimulus_id}]"


def check_rows(rows: list[Row], root: Path, out: Checked, check_hashes: bool = True) -> None:
    """Duplicate ids, unsafe paths, files shared by several ids, missing files, sha256 mismatches, unreadable
    images, images of mixed formats or sizes, suffixes that lie about the format; facts on sizes."""
    first_seen: dict[str, str] = {}
    for row in rows:
        if row.stimulus_id is None:
            continue
        if row.stimulus_id in first_seen:
            out.add(Problem(
                _tag(row.where_id, row.stimulus_id), "DUPLICATE_STIMULUS_ID",
                f"stimulus_id {row.stimulus_id!r} is listed again (first at {first_seen[row.stimulus_id]})",
                "give every stimulus its own stimulus_id; repeated presentations belong in the assembly, not the stimulus set",
            ))
        else:
            first_seen[row.stimulus_id] = row.where_id
    out.stimulus_ids = set(first_seen)
    _shared_files(rows, out)

    to_read: list[tuple[Row, str]] = []
    base = os.fspath(root)
    for row in rows:
        if row.file is None:
            continue
        reason = unsafe_relative(row.file)
        if reason:
            out.add(Problem(
                _tag(row.where_file, row.stimulus_id), "BAD_PATH", f"file {row.file!r} is unusable: {reason}",
                "write the path relative to the stimulus set's folder, without '..'",
            ))
            continue
        posix = row.file.replace("\\", "/")
        to_read.append((row, f"{base}/{posix}"))

    facts = inspect_many([path for _, path in to_read], want_hash=check_hashes)
    found: list[Problem] = []  # appended here, added at once (a dataset may have a problem on every row)
    sizes: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    total_bytes = 0
    for (row, path), fact in zip(to_read, facts):
        where = _tag(row.where_file, row.stimulus_id)
        if not fact.exists:
            found.append(Problem(
                where, "FILE_NOT_FOUND", f"looked for {row.file!r} at {path}; not found" + (f" ({fact.error})" if fact.error else ""),
                f"put the file at {path}, correct the path, or pass --files DIR (the folder the paths start from)",
            ))
            continue
        if fact.error:
            out.add(Problem(where, "FILE_UNREADABLE", f"file {row.file!r} cannot be read: {fact.error}", "check its permissions"))
            continue
        total_bytes += fact.size or 0
        if fact.size == 0:
            out.add(Problem(where, "EMPTY_FILE", f"file {row.file!r} is empty", "replace it with the real stimulus"))
        if check_hashes and row.sha256 is not None and fact.sha256 != row.sha256:
            out.add(Problem(
                _tag(row.where_hash, row.stimulus_id), "SHA256_MISMATCH",
                f"sha256 of {row.file!r} does not match", "re-export the file or update its sha256 (sha256sum FILE)",
                expected=row.sha256, found=fact.sha256,
            ))
        if fact.image_error:
            out.add(Problem(
                where, "IMAGE_UNREADABLE", f"{row.file!r} does not open as an image; the image reader said: {fact.image_error[:200]}",
                "re-save it as PNG or JPEG",
            ))
        elif fact.image_size:
            sizes[f"{fact.image_size[0]}x{fact.image_size[1]}"] += 1
            formats[fact.image_format] += 1
            claimed = FORMAT_OF_SUFFIX.get(os.path.splitext(row.file)[1].lower())
            if claimed and fact.image_format and claimed != fact.image_format:
                out.add(Problem(where, "IMAGE_FORMAT_MISMATCH", f"{row.file!r} is named as {claimed} but holds {fact.image_format}",
                                f"re-save it as {claimed} or rename it with the suffix of {fact.image_format}", severity="warning"))
    out.add(*found)
    out.facts.update(
        stimuli=len(rows),
        files_checked=len(to_read),
        bytes=total_bytes,
        image_sizes=dict(sizes.most_common(10)),
        image_formats=dict(formats.most_common()),
    )
    source = rows[0].where_file.split(":row ")[0].split("#")[0] if rows else str(root)  # the CSV or JSON itself
    if len(sizes) > 1:
        out.facts["image_sizes_distinct"] = len(sizes)
        shown = ", ".join(f"{size} x {n:,}" for size, n in sizes.most_common(5))
        out.add(Problem(f"{source}#/images", "IMAGE_SIZES_DIFFER",
                        f"looked for one image size across the set; found {len(sizes)} ({shown})",
                        "resize every image to one size (models present each image at visual_degrees wide, so different "
                        "sizes change what a pixel spans), or lower this code with --config if intended", severity="warning"))
    if len(formats) > 1:
        shown = ", ".join(f"{fmt} x {n:,}" for fmt, n in formats.most_common())
        out.add(Problem(f"{source}#/images", "IMAGE_FORMATS_MIXED",
                        f"looked for one image format across the set; found {shown}",
                        "re-save every image in one format (PNG for lossless stimuli)", severity="warning"))


def _shared_files(rows: list[Row], out: Checked) -> None:
    """One file named by several stimulus ids: the stimuli are the same image under different ids."""
    keyed = [(_file_key(row.file), row) for row in rows if row.file is not None and row.stimulus_id is not None]
    repeated = {key for key, n in Counter(key for key, _ in keyed).items() if n > 1}  # usually none: one pass, no lists
    ids_of: dict[str, list[Row]] = {}
    for key, row in keyed:
        if key in repeated:
            ids_of.setdefault(key, []).append(row)
    for file, named in ids_of.items():
        ids = sorted({r.stimulus_id for r in named})
        if len(ids) > 1:
            shown = ", ".join(ids[:5]) + (f", ... ({len(ids)} in all)" if len(ids) > 5 else "")
            out.add(Problem(_tag(named[1].where_file, named[1].stimulus_id), "SHARED_FILE",
                            f"file {file!r} is named by {len(ids)} stimulus ids ({shown})",
                            "one id per image: give each stimulus its own file, or merge the ids if they are one stimulus",
                            severity="warning"))


def _file_key(file: str) -> str:
    """The file a path names, so that 'a/./b.png' and 'a/b.png' compare equal (normpath only where it changes something)."""
    file = file.replace("\\", "/")
    return os.path.normpath(file) if "./" in file or "//" in file else file
