"""Leaderboard rows from the ledger, keyed by model image ID: latest benchmark version by default, latest record per
model image x benchmark x scale. Two images claiming one identifier@version stay two rows, marked as a conflict; one
benchmark scored on two historical scales is two columns, never one."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..contract import scales
from ..provenance.records import ScoreRecord


def _version_key(version: str) -> tuple:
    core = version.split("+")[0].split("-")[0]
    return tuple(int(p) if p.isdigit() else 0 for p in core.split("."))


def short_id(image_id: str) -> str:
    """The 12 hex digits `docker images` shows."""
    return image_id.removeprefix("sha256:")[:12]


@dataclass(frozen=True)
class Row:
    model: str  # identifier@version, as the image describes itself (a claim, not an identity)
    image_id: str  # the identity: the image's content digest
    benchmark: str
    benchmark_version: str
    record: ScoreRecord
    scale: str | None  # the historical scale of a ceiled neural score (contract.scales); None for other kinds
    column: str  # the leaderboard column: the benchmark, with its scale when the board holds it on more than one


def scale_of(record: ScoreRecord) -> str | None:
    """A record's historical scale, from the normalisation its inputs name (None when it has none)."""
    return scales.record_scale(record.inputs) if record.inputs.get("normalization") else None


def rows(records: list[ScoreRecord], benchmark_version: str | None = None, benchmark: str | None = None) -> list[Row]:
    """One row per (model image, claimed identifier@version, benchmark, scale): the newest record, on the newest (or
    the asked) benchmark version of that scale. Rows of different images are never merged, whatever they claim to be."""
    if benchmark:
        records = [r for r in records if r.benchmark == benchmark]
    versions: dict[tuple[str, str | None], str] = {}
    for r in records:
        v, column = r.inputs["benchmark"]["version"], (r.benchmark, scale_of(r))
        if column not in versions or _version_key(v) > _version_key(versions[column]):
            versions[column] = v
    latest: dict[tuple[str, str, str, str | None], ScoreRecord] = {}
    for r in records:  # oldest first, so later records win
        scale = scale_of(r)
        if r.inputs["benchmark"]["version"] == (benchmark_version or versions[(r.benchmark, scale)]):
            latest[(f"{r.model}@{r.inputs['model']['version']}", r.inputs["model"]["image_id"], r.benchmark, scale)] = r
    shown = defaultdict(set)
    for _, _, b, scale in latest:
        shown[b].add(scale)
    return [Row(m, i, b, r.inputs["benchmark"]["version"], r, scale, b if len(shown[b]) == 1 else f"{b} [{scale or 'no'} scale]")
            for (m, i, b, scale), r in sorted(latest.items(), key=lambda item: (*item[0][:3], item[0][3] or ""))]


def conflicts(table: list[Row]) -> dict[str, list[str]]:
    """identifier@version -> the image IDs claiming it, for every claim made by more than one image."""
    claims: dict[str, set[str]] = defaultdict(set)
    for r in table:
        claims[r.model].add(r.image_id)
    return {label: sorted(ids) for label, ids in sorted(claims.items()) if len(ids) > 1}


def model_key(row: Row, conflicting: dict[str, list[str]]) -> str:
    """A row's model as people read it: identifier@version, plus the short image ID when another image claims it too."""
    return f"{row.model} [{short_id(row.image_id)}]" if row.model in conflicting else row.model


def matrix(table: list[Row]) -> tuple[list[str], list[str], dict[tuple[str, str], float | None]]:
    """models (model_key), columns and ceiled scores; a pair never scored is None (missing), never 0."""
    conflicting = conflicts(table)
    models = sorted({model_key(r, conflicting) for r in table})
    columns = sorted({r.column for r in table})
    scores: dict[tuple[str, str], float | None] = {(m, c): None for m in models for c in columns}
    for r in table:
        scores[(model_key(r, conflicting), r.column)] = r.record.result["score"]
    return models, columns, scores
