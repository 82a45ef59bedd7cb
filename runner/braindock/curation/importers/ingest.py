"""Ingest: validate a dataset or benchmark export, then put it in the content-addressed store, whole or not at all."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import xarray as xr

from ...errors import Problem, UsageError, ValidationError
from ...store import Entry, Store
from ..validation import Report, detect_kind, validate_path

INGESTIBLE = ("stimulus-set", "neural", "behavioral", "export")
SUMMARY_FACTS = ("stimuli", "presentations", "sizes", "regions", "subjects", "image_sizes", "time_bins")


def _identifier(path: Path, kind: str) -> str | None:
    if kind == "stimulus-set":
        document = json.loads(path.read_text(encoding="utf-8-sig"))
        return document.get("identifier")
    if kind == "export":
        return json.loads((path / "manifest.json").read_text(encoding="utf-8-sig")).get("identifier")
    with xr.open_dataset(path, engine="h5netcdf") as dataset:
        return dataset.attrs.get("identifier") or next(iter(dataset.data_vars.values())).attrs.get("identifier")


def _stage(path: Path, kind: str, staging: Path) -> None:
    """Copy exactly what the entry holds into `staging`."""
    if kind == "export":
        shutil.copytree(path, staging, dirs_exist_ok=True)
    elif kind == "stimulus-set":
        document = json.loads(path.read_text(encoding="utf-8-sig"))
        shutil.copyfile(path, staging / path.name)
        for stimulus in document["stimuli"]:
            target = staging / stimulus["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path.parent / stimulus["file"], target)
    else:
        shutil.copyfile(path, staging / path.name)


def _summary(report: Report, kind: str, identifier: str | None, staging: Path) -> dict[str, Any]:
    files = [p for p in staging.rglob("*") if p.is_file()]
    facts = next(iter(report.facts.values()), {})
    if kind == "export":
        facts = {**facts.get("manifest", {}), **facts.get("recordings", {})}
    return {
        "identifier": identifier, "kind": kind, "files": len(files), "bytes": sum(p.stat().st_size for p in files),
        "warnings": len(report.warnings),
        "summary": {k: facts[k] for k in SUMMARY_FACTS if k in facts},
    }


def ingest(path: str | Path, store: Store, kind: str | None = None, config=None) -> tuple[Entry, Report]:
    """Validate `path`; if it has no errors, store it under its content hash (a second ingest is a no-op).

    Raises ValidationError (nothing stored) when validation finds errors.
    """
    path = Path(path)
    kind = kind or detect_kind(path)
    if kind not in INGESTIBLE:
        hint = "import it first: braindock import brainio ..." if kind == "stimulus-csv" else "ingest a dataset or an export folder"
        raise UsageError(f"cannot ingest a {kind}", [Problem(str(path), "NOT_INGESTIBLE", f"{kind} is not a dataset",
                                                            f"{hint} (ingestible: {', '.join(INGESTIBLE)})")])
    report = validate_path(path, kind=kind, config=config)
    if not report.valid:
        raise ValidationError(f"{path} is not valid; nothing was stored", report.errors)
    source = path / "stimulus_set.json" if kind == "stimulus-set" and path.is_dir() else path
    store.root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=store.root, prefix=".ingest-"))
    try:
        _stage(source, kind, staging)
        metadata = _summary(report, kind, _identifier(source, kind), staging)
        entry = store.put_tree(staging, kind=kind, metadata=metadata)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return entry, report
