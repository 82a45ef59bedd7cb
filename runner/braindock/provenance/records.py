"""The score record: a frozen account of one score and everything that produced it, named by its inputs."""
from __future__ import annotations

import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .. import SPEC_VERSION, __version__
from ..contract import schemas
from ..store import canonical_json, sha256_bytes

LIBRARIES = ("numpy", "scipy", "scikit-learn", "xarray", "h5netcdf", "jsonschema", "docker")


def library_versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


NAMES = ("image", "repo_digests")  # how an input was reached, not what it is: left out of the identity


def record_id(inputs: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of the inputs' content: the same inputs always name the same record.

    Image tags and repository digests are names for content whose ID is already there; a retagged image
    names the same record.
    """
    content = {
        key: {k: v for k, v in value.items() if k not in NAMES} if key in ("model", "benchmark") else value
        for key, value in inputs.items()
    }
    return sha256_bytes(canonical_json(content))


@dataclass(frozen=True)
class ScoreRecord:
    inputs: dict[str, Any]
    result: dict[str, Any]
    environment: dict[str, Any]
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @property
    def record_id(self) -> str:
        return record_id(self.inputs)

    @property
    def model(self) -> str:
        return self.inputs["model"]["identifier"]

    @property
    def benchmark(self) -> str:
        return self.inputs["benchmark"]["identifier"]

    def to_dict(self) -> dict[str, Any]:
        document = {
            "spec_version": SPEC_VERSION,
            "record_id": self.record_id,
            "created": self.created,
            "inputs": self.inputs,
            "result": self.result,
            "environment": self.environment,
        }
        return schemas.require_valid(document, "score-record", f"score record {self.record_id[:12]}")

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> "ScoreRecord":
        schemas.require_valid(document, "score-record", f"score record {document.get('record_id', '?')}")
        return cls(document["inputs"], document["result"], document["environment"], document["created"])


def environment(engine: str, wall_time_s: float) -> dict[str, Any]:
    return {
        "runner_version": __version__,
        "engine": engine,
        "libraries": library_versions(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wall_time_s": round(wall_time_s, 3),
    }
