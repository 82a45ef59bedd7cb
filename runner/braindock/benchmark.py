"""A benchmark as the runner holds it: its container's export, validated and stored under its content digest."""
from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import xarray as xr

from . import assemblies, containers
from .config import Settings
from .engines import Engine, ImageInfo
from .errors import ValidationError
from .store import Store


@dataclass(frozen=True)
class Benchmark:
    image: ImageInfo
    export_digest: str
    root: Path  # the stored export folder (read-only)

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.root / "manifest.json").read_text())

    @property
    def identifier(self) -> str:
        return self.manifest["identifier"]

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def region(self) -> str:
        return self.manifest["region"]

    @property
    def stimulus_set_path(self) -> Path:
        return self.root / self.manifest["stimulus_set"]["path"]

    @cached_property
    def stimulus_set(self) -> dict[str, Any]:
        return json.loads(self.stimulus_set_path.read_text())

    def recordings(self) -> xr.DataArray:
        return assemblies.load_neural(self.root / self.manifest["recordings"]["path"])


def load_benchmark(engine: Engine, settings: Settings, image: str) -> Benchmark:
    """Export, validate and store the benchmark image's data once per image ID; later calls reuse the store."""
    from .validation import validate_benchmark_export

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
