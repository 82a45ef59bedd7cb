"""Benchmark manifests (schema from spec/) and model descriptions."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .checked import Checked
from .text import load_document


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
