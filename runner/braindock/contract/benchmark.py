"""The Benchmark noun: a benchmark container's stored export (manifest, stimulus set, recordings), read-only."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xarray as xr

from . import assemblies

if TYPE_CHECKING:
    from ..execution.engines import ImageInfo


@dataclass(frozen=True)
class Benchmark:
    image: ImageInfo  # the image whose export this is
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

