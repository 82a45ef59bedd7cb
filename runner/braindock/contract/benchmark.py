"""The Benchmark noun: a benchmark container's stored export (manifest, stimulus set, recordings), read-only."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xarray as xr

from . import assemblies

STRATIFY_KEYS = ("stratify_by", "group_by")  # metric parameters naming a per-stimulus column

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
        """The recordings, with the stimulus-set columns the metric stratifies or groups by joined on when they lack them."""
        loaded = assemblies.load_neural(self.root / self.manifest["recordings"]["path"])
        return assemblies.join_stimulus_columns(loaded, self.stimulus_set["stimuli"], [c for _, c in stratify_columns(self.manifest)])



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
