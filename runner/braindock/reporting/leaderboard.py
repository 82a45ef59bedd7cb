"""Leaderboard rows from the ledger: latest benchmark version by default, latest record per model x benchmark."""
from __future__ import annotations

from dataclasses import dataclass

from ..provenance.records import ScoreRecord


def _version_key(version: str) -> tuple:
    core = version.split("+")[0].split("-")[0]
    return tuple(int(p) if p.isdigit() else 0 for p in core.split("."))


@dataclass(frozen=True)
class Row:
    model: str
    benchmark: str
    benchmark_version: str
    record: ScoreRecord


def rows(records: list[ScoreRecord], benchmark_version: str | None = None, benchmark: str | None = None) -> list[Row]:
    """One row per (model@version, benchmark): the newest record, on the newest (or the asked) benchmark version."""
    if benchmark:
        records = [r for r in records if r.benchmark == benchmark]
    versions: dict[str, str] = {}
    for r in records:
        v = r.inputs["benchmark"]["version"]
        if r.benchmark not in versions or _version_key(v) > _version_key(versions[r.benchmark]):
            versions[r.benchmark] = v
    latest: dict[tuple[str, str], ScoreRecord] = {}
    for r in records:  # oldest first, so later records win
        wanted = benchmark_version or versions[r.benchmark]
        if r.inputs["benchmark"]["version"] == wanted:
            model = f"{r.model}@{r.inputs['model']['version']}"
            latest[(model, r.benchmark)] = r
    return [Row(m, b, latest[(m, b)].inputs["benchmark"]["version"], latest[(m, b)]) for m, b in sorted(latest)]


def matrix(table: list[Row]) -> tuple[list[str], list[str], dict[tuple[str, str], float | None]]:
    """models, benchmarks and ceiled scores; a pair never scored is None (missing), never 0."""
    models = sorted({r.model for r in table})
    benchmarks = sorted({r.benchmark for r in table})
    scores: dict[tuple[str, str], float | None] = {(m, b): None for m in models for b in benchmarks}
    for r in table:
        scores[(r.model, r.benchmark)] = r.record.result["score"]
    return models, benchmarks, scores
