"""The leaderboard as one object: model images, benchmarks (with their manifests and domains) and the score of each
pair, read from the ledger, the kept model descriptions and the store. What the site, `leaderboard` and `analyze`
all show, so that they agree."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean

from ..config import Settings
from ..contract import scales, schemas
from ..errors import Problem, UsageError
from ..provenance.ledger import Ledger
from ..store import Store
from . import leaderboard
from .leaderboard import Row, short_id

DOMAINS = ("vision", "language")  # brain benchmarks are averaged only within one of these
ENGINEERING = "engineering"  # task benchmarks: no brain data, no ceiling; never in a brain average
MODALITY_DOMAIN = {"image": "vision", "text": "language"}


def slug(text: str) -> str:
    """A file name safe on every system for an identifier like sim.MajajHong2015.IT-pls@1.0.0."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


@dataclass(frozen=True)
class BenchmarkInfo:
    identifier: str
    version: str
    image_id: str
    kind: str  # neural | behavioral | engineering (manifest); "brain" when the manifest is not in this store
    domain: str  # vision | language
    manifest: dict | None
    column: str  # the leaderboard column (the identifier, with the scale when the board shows more than one)
    scale: str | None  # the historical scale of its ceiled scores (None: not a neural benchmark)
    better: str = "higher"  # "lower" for a metric such as perplexity (x-better in spec/v1/metrics.schema.json)

    @property
    def simulated(self) -> bool:
        return self.identifier.startswith("sim.") or bool(self.manifest and "generative_model" in self.manifest)

    @property
    def engineering(self) -> bool:
        return self.kind == ENGINEERING

    @property
    def page(self) -> str:
        return f"benchmarks/{slug(self.identifier + '@' + self.version)}.html"


@dataclass(frozen=True)
class ModelInfo:
    key: str  # identifier@version, plus the short image ID when another image claims the same
    identifier: str
    version: str
    image_id: str
    description: dict | None  # what the image's `describe` printed, if it was described on this machine
    rivals: tuple[str, ...] = ()  # other image IDs claiming this identifier@version

    @property
    def label(self) -> str:
        return f"{self.identifier}@{self.version}"

    @property
    def short_id(self) -> str:
        return short_id(self.image_id)

    @property
    def page(self) -> str:
        return f"models/{slug(self.label)}-{self.short_id}.html"


@dataclass(frozen=True)
class Average:
    """A model's mean over the brain benchmarks of one domain it was scored on; `skipped` of that domain it was not."""

    mean: float | None
    scored: int
    skipped: int


@dataclass
class Board:
    models: list[ModelInfo]
    benchmarks: list[BenchmarkInfo]
    cells: dict[tuple[str, str], Row] = field(default_factory=dict)  # (model key, benchmark column) -> row

    def score(self, model: ModelInfo, benchmark: BenchmarkInfo) -> float | None:
        row = self.cells.get((model.key, benchmark.column))
        return None if row is None else row.record.result["score"]

    def brain_benchmarks(self, domain: str) -> list[BenchmarkInfo]:
        return [b for b in self.benchmarks if b.domain == domain and not b.engineering]

    def one_scale(self, benchmarks: list[BenchmarkInfo]) -> list[BenchmarkInfo]:
        """Each benchmark once: one shown on several historical scales counts on the scale most of `benchmarks` are
        on (ties: the oldest convention), so an average or an analysis never counts a benchmark twice or mixes scales."""
        order = list(scales.conventions())
        counts = Counter(b.scale for b in benchmarks if b.scale is not None)
        chosen = min(counts, key=lambda s: (-counts[s], order.index(s) if s in order else len(order))) if counts else None
        by_identifier = Counter(b.identifier for b in benchmarks)
        return [b for b in benchmarks if by_identifier[b.identifier] == 1 or b.scale == chosen]

    def averaged(self, domain: str) -> list[BenchmarkInfo]:
        """The brain benchmarks a domain average is taken over (each once, one scale)."""
        return self.one_scale(self.brain_benchmarks(domain))

    def engineering_benchmarks(self) -> list[BenchmarkInfo]:
        return [b for b in self.benchmarks if b.engineering]

    def average(self, model: ModelInfo, domain: str) -> Average:
        values = [s for b in self.averaged(domain) if (s := self.score(model, b)) is not None]
        return Average(fmean(values) if values else None, len(values), len(self.averaged(domain)) - len(values))

    def domains_of(self, model: ModelInfo) -> list[str]:
        """The domains a model was scored in (its rows show under these filters)."""
        found = {b.domain for b in self.benchmarks if self.score(model, b) is not None}
        return [d for d in DOMAINS if d in found]

    def records_of(self, model: ModelInfo) -> list[Row]:
        return [self.cells[(model.key, b.column)] for b in self.benchmarks if (model.key, b.column) in self.cells]

    def rows_of(self, benchmark: BenchmarkInfo) -> list[tuple[ModelInfo, Row]]:
        return [(m, self.cells[(m.key, benchmark.column)]) for m in self.models if (m.key, benchmark.column) in self.cells]

    def find_model(self, name: str) -> ModelInfo | None:
        """A model by key, identifier@version, identifier, or image ID (full or a prefix of >= 12 hex digits);
        None when nothing or more than one model matches."""
        bare = name.removeprefix("sha256:")
        matches = [m for m in self.models if name in (m.key, m.label, m.identifier)
                   or (len(bare) >= 12 and m.image_id.removeprefix("sha256:").startswith(bare))]
        return matches[0] if len(matches) == 1 else None


def empty_ledger_error(path: Path) -> UsageError:
    return UsageError("the ledger holds no score records", [Problem(
        str(path), "EMPTY_LEDGER", "nothing to show",
        "score something first: `braindock score MODEL_IMAGE BENCHMARK_IMAGE`, or `braindock reference` for the reference suite")])


def _manifest(store: Store, image_ids: list[str]) -> dict | None:
    for image_id in image_ids:
        digest = store.ref("benchmark-exports", image_id)
        if digest is not None:
            return json.loads((store.path(digest) / "manifest.json").read_text())
    return None


def _description(home: Path, image_id: str) -> dict | None:
    kept = home / "descriptions" / f"{image_id.removeprefix('sha256:')}.json"
    return json.loads(kept.read_text()) if kept.exists() else None


def _benchmark(rows: list[Row], store: Store) -> BenchmarkInfo:
    newest = max(rows, key=lambda r: r.record.created).record
    manifest = _manifest(store, sorted({r.record.inputs["benchmark"]["image_id"] for r in rows}))
    if manifest is not None:
        kind, domain = manifest["kind"], MODALITY_DOMAIN[manifest["modality"]]
    else:  # the record itself says enough: an engineering score has no ceiling, a vision request has visual degrees
        kind = ENGINEERING if newest.inputs["ceiling"]["method"] == "none" else "brain"
        domain = "vision" if newest.inputs["request"].get("visual_degrees") is not None else "language"
    return BenchmarkInfo(newest.benchmark, newest.inputs["benchmark"]["version"], newest.inputs["benchmark"]["image_id"],
                         kind, domain, manifest, rows[0].column, rows[0].scale, better(newest.inputs["metric"]["name"]))


def better(metric: str) -> str:
    """'higher' or 'lower': which way the metric's scores rank, as spec/v1/metrics.schema.json declares it."""
    return schemas.schema("metrics")["$defs"]["parameters"].get(metric, {}).get("x-better", "higher")


def build(table: list[Row], home: Path, store: Store) -> Board:
    """The board of these leaderboard rows; descriptions and manifests are read where this machine kept them."""
    rivals = leaderboard.conflicts(table)
    by_benchmark: dict[str, list[Row]] = {}
    models: dict[str, ModelInfo] = {}
    cells = {}
    for row in table:
        key = leaderboard.model_key(row, rivals)
        inputs = row.record.inputs["model"]
        models.setdefault(key, ModelInfo(key, inputs["identifier"], inputs["version"], row.image_id,
                                         _description(home, row.image_id),
                                         tuple(i for i in rivals.get(row.model, ()) if i != row.image_id)))
        by_benchmark.setdefault(row.column, []).append(row)
        cells[(key, row.column)] = row
    benchmarks = [_benchmark(rows, store) for _, rows in sorted(by_benchmark.items())]
    benchmarks.sort(key=lambda b: (b.engineering, DOMAINS.index(b.domain), b.column))
    return Board(sorted(models.values(), key=lambda m: (m.label, m.image_id)), benchmarks, cells)


def load(settings: Settings, benchmark_version: str | None = None) -> Board:
    """The board of everything in the ledger; an empty ledger is an error that says what to run."""
    records = Ledger(settings.ledger_path).records()
    if not records:
        raise empty_ledger_error(settings.ledger_path)
    return build(leaderboard.rows(records, benchmark_version), settings.home, Store(settings.store_dir))
