"""Brain-Score's historical scales of ceiled neural predictivity (2018: r/ceiling; v1.0: (r/ceiling)^2; 2026:
r^2/ceiling), read from spec/v1/normalizations.schema.json: which scale a manifest or a score record is on."""
from __future__ import annotations

from typing import Any

from . import schemas


def conventions() -> dict[str, str]:
    """convention ('2018', 'v1.0', '2026') -> its normalisation, oldest first."""
    return {name: entry["normalization"] for name, entry in schemas.schema("normalizations")["$defs"]["conventions"].items()}


def history() -> list[dict[str, str]]:
    """Every convention with its normalisation and what it is, oldest first (a manifest's scale.history)."""
    entries = schemas.schema("normalizations")["$defs"]["conventions"]
    return [{"convention": name, "normalization": entry["normalization"], "description": entry["description"]}
            for name, entry in entries.items()]


def scale_of(normalization: str) -> str | None:
    """The convention a normalisation stands for, or None when it is none of the historical scales (e.g. I2n's)."""
    return next((name for name, used in conventions().items() if used == normalization), None)


def record_scale(record_inputs: dict[str, Any]) -> str | None:
    """The scale of a score record (from its inputs' normalisation name); what leaderboards group columns by."""
    return scale_of(record_inputs["normalization"]["name"])
