"""One benchmark image under check: `export` twice and once more under the network trap, validated once; all cached.

The exports run exactly as the loader runs them (no network, non-root, read-only root, limits), but their failures
are kept as data: each check decides what a failure means for it.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import xarray as xr

from .. import metrics
from ..config import Limits
from ..contract.benchmark import Benchmark
from ..curation.validation import validate_benchmark_export
from ..curation.validation.export import assembly_kind
from ..errors import Problem
from ..execution import containers
from ..execution.engines import ContainerRun, Engine, ImageInfo, Mount, RunResult
from ..metrics import Score
from ..store import sha256_file
from .result import SkipCheck


@dataclass(frozen=True)
class ExportOutcome:
    attempt: int
    result: RunResult
    folder: Path
    trapped: bool = False

    @property
    def label(self) -> str:
        """How reports name this export, e.g. 'export #2', 'export #1 (network trap)'."""
        return f"export #{self.attempt + 1}" + (" (network trap)" if self.trapped else "")

    @property
    def ok(self) -> bool:
        return self.result.exit_code == 0 and not self.result.timed_out

    def files(self) -> dict[str, str]:
        """relative path -> sha256 of every file the export wrote."""
        return {p.relative_to(self.folder).as_posix(): sha256_file(p) for p in sorted(self.folder.rglob("*")) if p.is_file()}


class BenchmarkSession:
    """Constructor stores arguments; containers start only when a check asks for a result."""

    def __init__(self, engine: Engine, image: str, info: ImageInfo, limits: Limits, work_dir: Path):
        self.engine = engine
        self.image = image
        self.info = info
        self.limits = limits
        self.work_dir = Path(work_dir)
        self._exports: dict[tuple[int, bool], ExportOutcome] = {}

    @property
    def who(self) -> str:
        return f"benchmark {self.image}"

    def export(self, attempt: int = 0, trap_network: bool = False) -> ExportOutcome:
        """`export /output` into a fresh folder, as the loader runs it (optionally under the network trap)."""
        key = (attempt, trap_network)
        if key not in self._exports:
            folder = self.work_dir / f"export-{attempt}{'-trapped' if trap_network else ''}"
            shutil.rmtree(folder, ignore_errors=True)
            spec = ContainerRun(image=self.image, command=("export", containers.OUTPUT),
                                mounts=(Mount(containers.writable_dir(folder), containers.OUTPUT, read_only=False),),
                                limits=self.limits, label=self.who, trap_network=trap_network)
            self._exports[key] = ExportOutcome(attempt, self.engine.run(spec), folder, trap_network)
        return self._exports[key]

    def exports(self) -> list[ExportOutcome]:
        return list(self._exports.values())

    def exported(self) -> ExportOutcome:
        """The first export, if it exited 0; SkipCheck otherwise."""
        outcome = self.export()
        if not outcome.ok:
            raise SkipCheck("`export` did not exit 0 (see export_exits_zero)")
        return outcome

    @cached_property
    def problems(self) -> list[Problem]:
        """Every problem the loader's validation finds in the first export (errors and warnings)."""
        return validate_benchmark_export(self.exported().folder)

    def benchmark(self) -> Benchmark:
        """The first export as the Benchmark noun, if the loader would accept it; SkipCheck otherwise."""
        if any(p.severity == "error" for p in self.problems):
            raise SkipCheck("the loader would refuse the export (see export_meets_spec, manifest_hashes_match, "
                            "recorded_stimuli_in_set); nothing can be scored on it")
        return Benchmark(self.info, "", self.exported().folder)

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.benchmark().root / "manifest.json").read_text())

    @cached_property
    def recordings(self) -> xr.DataArray:
        return self.benchmark().recordings()

    @cached_property
    def trials(self) -> xr.DataArray:
        """What the ceiling is computed on: the region's single trials, time bins averaged (neural), or every trial."""
        if assembly_kind(self.manifest) == "behavioral":
            return self.recordings
        return self.recordings.isel(neuroid=(self.recordings["region"] == self.manifest["region"]).values).mean("time_bin")

    @cached_property
    def ceiling(self) -> Score:
        """The manifest's ceiling on the recordings (computed once; its MetricError propagates, uncached)."""
        spec = self.manifest["ceiling"]
        return metrics.get_ceiling(spec["method"], **spec["parameters"])(self.trials)

    def close(self) -> None:
        shutil.rmtree(self.work_dir, ignore_errors=True)
