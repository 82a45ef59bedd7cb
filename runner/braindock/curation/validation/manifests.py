"""Benchmark manifests (schema from spec/) and model descriptions; plus the metric's stratification columns."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .checked import Checked
from .text import load_document

STRATIFY_KEYS = ("stratify_by", "group_by")


def check_manifest(path: Path) -> tuple[Checked, Any]:
    out = Checked()
    document = load_document(Path(path), "benchmark-manifest", out)
    if isinstance(document, dict):
        out.facts.update({k: document.get(k) for k in ("identifier", "version", "kind", "region") if k in document})
    return out, document


def check_model(path: Path) -> Checked:
    out = Checked()
    document = load_document(Path(path), "model-description", out)
    if isinstance(document, dict):
        out.facts.update({k: document.get(k) for k in ("identifier", "version", "modality") if k in document})
        if isinstance(document.get("regions"), dict):
            out.facts["regions"] = sorted(map(str, document["regions"]))
    return out


def stratify_columns(manifest: Any) -> list[tuple[str, str]]:
    """(JSON path, column) for every column the metric's parameters stratify or group by."""
    try:
        parameters = manifest["metric"]["parameters"]
    except (KeyError, TypeError):
        return []
    if not isinstance(parameters, dict):
        return []
    found = []
    for key in STRATIFY_KEYS:
        value = parameters.get(key)
        if isinstance(value, str):
            found.append((f"/metric/parameters/{key}", value))
        elif isinstance(value, list):
            found.extend((f"/metric/parameters/{key}/{i}", v) for i, v in enumerate(value) if isinstance(v, str))
    return found
