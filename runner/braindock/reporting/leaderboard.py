"""Leaderboard rows from the ledger, keyed by model image ID: latest benchmark version by default, latest record per
model image x benchmark. Two images claiming one identifier@version stay two rows, marked as a conflict."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

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


def rows(records: list[ScoreRecord], benchmark_version: str | None = None, benchmark: str | None = None) -> list[Row]:
    """One row per (model image, claimed identifier@version, benchmark): the newest record, on the newest (or the
    asked) benchmark version. Rows of different images are never merged, whatever they claim to be."""
    if benchmark:
        records = [r for r in records if r.benchmark == benchmark]
    versions: dict[str, str] = {}
    for r in records:
        v = r.inputs["benchmark"]["version"]
        if r.benchmark not in versions or _version_key(v) > _version_key(versions[r.benchmark]):
            versions[r.benchmark] = v
    latest: dict[tuple[str, str, str], ScoreRecord] = {}
    for r in records:  # oldest first, so later records win
        wanted = benchmark_version or versions[r.benchmark]
        if r.inputs["benchmark"]["version"] == wanted:
            latest[(f"{r.model}@{r.inputs['model']['version']}", r.inputs["model"]["image_id"], r.benchmark)] = r
    return [Row(m, i, b, latest[(m, i, b)].inputs["benchmark"]["version"], latest[(m, i, b)]) for m, i, b in sorted(latest)]


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
    """models (model_key), benchmarks and ceiled scores; a pair never scored is None (missing), never 0."""
    conflicting = conflicts(table)
    models = sorted({model_key(r, conflicting) for r in table})
    benchmarks = sorted({r.benchmark for r in table})
    scores: dict[tuple[str, str], float | None] = {(m, b): None for m in models for b in benchmarks}
    for r in table:
        scores[(model_key(r, conflicting), r.benchmark)] = r.record.result["score"]
    return models, benchmarks, scores
