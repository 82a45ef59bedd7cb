"""Activations keyed by content: (model image ID, the full run request: stimuli hashes, regions, time bins, degrees, seed).

A rebuilt image under the same tag has a new image ID and misses; the same stimuli asked of the same image
hit, whichever benchmark asks. An entry holds response.json and the files of the regions (or task answer) that
were valid; the problems of the other regions are kept beside them, so a benchmark of such a region gets the
same refusal without running the model again.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from ..store import Entry, Store, canonical_json, sha256_bytes

NAMESPACE = "activations"


def cache_key(model_image_id: str, request: dict) -> str:
    return sha256_bytes(canonical_json({"model_image_id": model_image_id, "request": request}))


def lookup(store: Store, key: str) -> Path | None:
    """The cached response folder for `key`, if stored and still intact."""
    digest = store.ref(NAMESPACE, key)
    return store.path(digest) / "response" if digest else None


def save(store: Store, key: str, output_dir: Path, files: list[str], request: dict, model: dict,
         invalid: dict[str, list[dict]] | None = None) -> Path:
    """Store response.json and the named `files` of a checked response (with its request and the problems of its
    invalid regions) and point `key` at it."""
    store.root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=store.root, prefix=".cache-"))
    try:
        for relative in ["response.json", *files]:
            target = staging / "response" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(output_dir / relative, target)
        (staging / "request.json").write_bytes(canonical_json(request))
        (staging / "invalid.json").write_bytes(canonical_json(invalid or {}))
        entry = store.put_tree(staging, "activations", {"key": key, **model, "request_id": request["request_id"],
                                                        "regions": request["record"]["regions"],
                                                        "stimuli": len(request["stimuli"])})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    store.set_ref(NAMESPACE, key, entry.digest)
    return entry.path / "response"


def invalid_regions(response_dir: Path) -> dict[str, list[dict]]:
    """The problems of each region that was refused when the entry was made (region -> Problem dicts)."""
    path = response_dir.parent / "invalid.json"
    return json.loads(path.read_text()) if path.exists() else {}


def entries(store: Store) -> list[Entry]:
    return [entry for entry in store.entries() if entry.kind == "activations"]
