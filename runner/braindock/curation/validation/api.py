"""validate_path: detect what a path holds, run its checks, apply the severity config, return a Report."""
from __future__ import annotations

from pathlib import Path

from ...errors import Problem, UsageError
from ..sidecar import absent_dims, load_metadata
from .checked import Checked
from .kinds import KINDS, detect_kind
from .report import Report
from .severity import SeverityConfig, as_config
from .stimulus_sets import check_stimulus_csv, check_stimulus_json


def _resolve(path: Path, kind: str) -> Path:
    """A folder standing for a stimulus set: its stimulus_set.json or its one CSV."""
    if path.is_dir() and kind == "stimulus-set":
        return path / "stimulus_set.json"
    if path.is_dir() and kind == "stimulus-csv":
        csvs = sorted(path.glob("*.csv"))
        if len(csvs) != 1:
            raise UsageError(f"{path} holds {len(csvs)} CSV files", [Problem(str(path), "UNKNOWN_KIND", "cannot pick the stimulus CSV",
                                                                         "pass the CSV file itself")])
        return csvs[0]
    return path


def check(path: Path, kind: str, files_root: Path | None = None, metadata: dict | None = None) -> Checked:
    """The checks of one `kind` on `path`, before the severity config; `metadata` is a loaded sidecar.
    Assembly and export checks (xarray) are imported only when needed, so a CSV validates without them."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", [Problem("--kind", "UNKNOWN_KIND", f"{kind!r} is not a kind",
                                                             f"use one of: {', '.join(KINDS)}")])
    if not path.exists():
        raise UsageError(f"{path} does not exist", [Problem(str(path), "FILE_NOT_FOUND", "looked for this file or folder; not found",
                                                             "check the path")])
    path = _resolve(path, kind)
    if kind == "stimulus-csv":
        return check_stimulus_csv(path, files_root, metadata=metadata)
    if kind == "stimulus-set":
        return check_stimulus_json(path)
    if kind in ("neural", "behavioral"):
        from .netcdf import check_assembly

        return check_assembly(path, kind)
    if kind in ("manifest", "model"):
        from .manifests import check_manifest, check_model

        return check_manifest(path)[0] if kind == "manifest" else check_model(path)
    from .export import check_export

    return check_export(path)


def validate_path(path: str | Path, kind: str | None = None, config: SeverityConfig | str | Path | dict | None = None,
                  files_root: str | Path | None = None, metadata: str | Path | dict | None = None) -> Report:
    """Validate one dataset, manifest, model description or export folder; every problem, sorted.

    `kind` is one of KINDS (detected when None); `config` is a SeverityConfig, a dict or a YAML path;
    `files_root` is where a stimulus CSV's files live (default: the CSV's folder); `metadata` a sidecar (YAML path
    or dict, spec/v1/metadata-sidecar) supplying licence, citation, visual degrees.
    Raises UsageError when the path does not exist or its kind cannot be told.
    """
    return validate_paths([path], kind, config, files_root, metadata)


def validate_paths(paths, kind: str | None = None, config=None, files_root=None, metadata=None) -> Report:
    severity = as_config(config)
    meta = load_metadata(metadata)
    targets, problems, facts = [], [], {}
    for raw in paths:
        path = Path(raw)
        this_kind = kind or detect_kind(path)
        checked = check(path, this_kind, Path(files_root) if files_root else None, meta)
        if meta and this_kind in ("stimulus-csv", "stimulus-set"):
            checked.add(*absent_dims(meta, (), "stimulus-set", str(metadata)))
        targets.append({"path": str(path), "kind": this_kind})
        problems.extend(severity.apply(checked.problems))
        facts[str(path)] = checked.facts
    return Report(targets=targets, problems=problems, facts=facts)
