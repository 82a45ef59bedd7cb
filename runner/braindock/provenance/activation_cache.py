"""Activations keyed by content: (model image ID, the full run request: stimuli hashes, regions, time bins, degrees, seed).

A rebuilt image under the same tag has a new image ID and misses; the same stimuli asked of the same image
hit, whichever benchmark asks. Entries are whole validated responses, stored in the content-addressed store.
"""
from __future__ import annotations

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


def save(store: Store, key: str, output_dir: Path, request: dict, model: dict) -> Path:
    """Store a validated response folder (with the request that produced it) and point `key` at it."""
    staging = Path(tempfile.mkdtemp(dir=store.root, prefix=".cache-"))
    try:
        shutil.copytree(output_dir, staging / "response")
        (staging / "request.json").write_bytes(canonical_json(request))
        entry = store.put_tree(staging, "activations", {"key": key, **model, "request_id": request["request_id"],
                                                        "regions": request["record"]["regions"],
                                                        "stimuli": len(request["stimuli"])})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    store.set_ref(NAMESPACE, key, entry.digest)
    return entry.path / "response"


def entries(store: Store) -> list[Entry]:
    return [entry for entry in store.entries() if entry.kind == "activations"]
