"""The static site: leaderboard, model, benchmark, compare and analysis pages plus each record's JSON, written into
a fresh folder that replaces the old site at once (opens from file://, no server)."""
from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from ... import __version__
from ...errors import Problem, UsageError
from .. import analysis
from ..board import Board
from . import pages

MARK = ".braindock-site"  # a folder holding this file is a site we may replace


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARK).exists())):
        raise UsageError(f"{out} exists and is not a braindock site; nothing was written", [Problem(
            str(out), "NOT_A_SITE", "the folder holds other files", "give a new or empty folder, or a folder `braindock site` made before")])


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build(board: Board, out: Path, tasks: dict[str, dict[str, float]] | None = None, source: str = "", n_boot: int = 1000) -> dict:
    """Write the whole site for `board` into `out`; returns what was written (pages, and why an analysis is absent)."""
    out = Path(out)
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-staging-"))
    try:
        built = f"built {datetime.now(timezone.utc).isoformat(timespec='seconds')} from {source} · braindock {__version__}"
        (staging / MARK).write_text("made by `braindock site`; replaced whole on the next build\n")
        shutil.copytree(resources.files(__package__) / "assets", staging / "assets")
        for row in board.cells.values():
            _write(staging / "records" / f"{row.record.record_id}.json", json.dumps(row.record.to_dict(), indent=2, sort_keys=True))
        try:
            result, reason = analysis.analyse(board, staging / "analysis", tasks, n_boot=n_boot), None
        except UsageError as error:  # too few models: the page says so, with no plot
            result, reason = None, error.render()
        written = {"index.html": pages.leaderboard_page(board, built), "compare.html": pages.compare_page(board, built),
                   "analysis.html": pages.analysis_page(result, reason, built)}
        written |= {m.page: pages.model_page(board, m, built) for m in board.models}
        written |= {b.page: pages.benchmark_page(board, b, built) for b in board.benchmarks}
        for name, text in written.items():
            _write(staging / name, text)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"site": str(out), "pages": sorted(written), "records": len(board.cells), "analysis": reason or "written"}
