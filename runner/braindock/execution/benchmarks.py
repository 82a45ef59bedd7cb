"""Load a benchmark image: run its `export` once per image ID, validate it against spec/v1, store it by content."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from ..config import Settings
from ..contract.benchmark import Benchmark
from ..curation.validation import validate_benchmark_export
from ..errors import ValidationError
from ..store import Store
from . import containers
from .engines import Engine


def load_benchmark(engine: Engine, settings: Settings, image: str) -> Benchmark:
    """Export, validate and store the benchmark image's data once per image ID; later calls reuse the store."""
    info = engine.inspect(image)
    store = Store(settings.store_dir)
    digest = store.ref("benchmark-exports", info.image_id)
    if digest is None:
        settings.work_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=settings.work_dir, prefix="export-"))
        try:
            containers.export_benchmark(engine, settings, image, staging / "export")
            problems = [p for p in validate_benchmark_export(staging / "export") if p.severity == "error"]
            if problems:
                raise ValidationError(f"benchmark {image}: its export does not meet spec/v1; nothing was stored", problems)
            manifest = json.loads((staging / "export" / "manifest.json").read_text())
            entry = store.put_tree(staging / "export", "benchmark-export", {
                "identifier": manifest["identifier"], "version": manifest["version"], "image": image, "image_id": info.image_id,
            })
            store.set_ref("benchmark-exports", info.image_id, entry.digest)
            digest = entry.digest
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Benchmark(info, digest, store.path(digest))
