"""Rerun a score record from its inputs and say whether the same number came out, or exactly what changed."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from . import pipeline
from .config import Settings
from .errors import BraindockError, UsageError
from .execution.engines import Engine, get_engine
from .provenance.records import ScoreRecord

SAME, DIFFERENT, UNAVAILABLE = "same", "different", "unavailable"

# (label, path into the record) of everything compared
COMPARED = (
    ("model image ID", ("inputs", "model", "image_id")),
    ("model version", ("inputs", "model", "version")),
    ("benchmark image ID", ("inputs", "benchmark", "image_id")),
    ("benchmark version", ("inputs", "benchmark", "version")),
    ("stimulus set sha256", ("inputs", "data", "stimulus_set_sha256")),
    ("recordings sha256", ("inputs", "data", "recordings_sha256")),
    ("metric", ("inputs", "metric")),
    ("ceiling", ("inputs", "ceiling")),
    ("normalization", ("inputs", "normalization")),
    ("request", ("inputs", "request")),
    ("runner version", ("environment", "runner_version")),
    ("libraries", ("environment", "libraries")),
    ("engine", ("environment", "engine")),
    ("raw score", ("result", "raw")),
    ("ceiling value", ("result", "ceiling")),
    ("ceiled score", ("result", "score")),
    ("per-split scores", ("result", "per_split")),
    ("cross-validation splits", ("result", "splits_sha256")),
)


@dataclass(frozen=True)
class Difference:
    what: str
    recorded: Any
    now: Any


@dataclass(frozen=True)
class Reproduction:
    status: str  # same | different | unavailable
    record_id: str
    differences: tuple[Difference, ...]
    score_delta: float | None = None
    rerun_record_id: str | None = None
    reason: str = ""

    @property
    def exit_code(self) -> int:
        return {SAME: 0, DIFFERENT: 1, UNAVAILABLE: 2}[self.status]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _get(document: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        document = document.get(key, {}) if isinstance(document, dict) else None
    return document


def compare(recorded: dict, now: dict) -> tuple[Difference, ...]:
    return tuple(
        Difference(label, _get(recorded, path), _get(now, path))
        for label, path in COMPARED
        if _get(recorded, path) != _get(now, path)
    )


def reproduce(record: ScoreRecord, settings: Settings, engine: Engine | None = None, pinned: bool = False) -> Reproduction:
    """Rerun `record` (never from the activation cache, never written to the ledger) and compare.

    By default the images are taken by the references recorded (tags), so a rebuilt image shows up as a changed
    image ID; with `pinned`, by the recorded image IDs themselves.
    """
    engine = engine or get_engine(settings.engine)
    inputs = record.inputs
    model = inputs["model"]["image_id"] if pinned else inputs["model"]["image"]
    benchmark = inputs["benchmark"]["image_id"] if pinned else inputs["benchmark"]["image"]
    for who, reference in (("model", model), ("benchmark", benchmark)):
        try:
            engine.inspect(reference)
        except UsageError:
            return Reproduction(UNAVAILABLE, record.record_id, (Difference(f"{who} image", reference, "not available"),),
                                reason=f"{who} image {reference} is no longer available: `braindock import` a bundle that holds it")
    try:
        rerun = pipeline.score(model, benchmark, settings, engine=engine, seed=inputs["request"]["seed"],
                               use_cache=False, keep=False)
    except BraindockError as error:
        return Reproduction(DIFFERENT, record.record_id, (Difference("outcome", "scored", error.render()),),
                            reason="the rerun failed")
    differences = compare(record.to_dict(), rerun.to_dict())
    delta = rerun.result["score"] - record.result["score"]
    status = SAME if not differences else DIFFERENT
    return Reproduction(status, record.record_id, differences, delta, rerun.record_id)
