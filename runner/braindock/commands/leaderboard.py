"""`braindock leaderboard`: raw, ceiling, ceiled score and error per model image and benchmark; a matrix across
benchmarks with averages taken within a domain only (vision, language)."""
from __future__ import annotations

from pathlib import Path

from ..errors import BraindockError, Problem
from ..output import add_json_flag, console, err_console, print_json
from ..provenance.ledger import Ledger


def add_parser(subparsers):
    parser = subparsers.add_parser("leaderboard", help="show the scores in the ledger")
    parser.add_argument("--benchmark", help="only this benchmark identifier")
    parser.add_argument("--benchmark-version", help="show this benchmark version instead of the latest")
    parser.add_argument("--plot", metavar="PNG", help="also draw the leaderboard as bars with error bars")
    add_json_flag(parser)
    return parser


def _fmt(value: float | None) -> str:
    return "missing" if value is None else f"{value:.3f}"


def _nothing_selected(records, benchmark: str | None, version: str | None) -> BraindockError:
    """--benchmark / --benchmark-version matched no score: say so, with the benchmarks and versions that exist."""
    if benchmark and not any(r.benchmark == benchmark for r in records):
        scored = sorted({r.benchmark for r in records})
        return BraindockError(f"no scores for benchmark {benchmark!r}", [Problem(
            "--benchmark", "NO_SUCH_BENCHMARK", f"the ledger has no score on {benchmark}",
            f"use one of: {', '.join(scored)}" if scored else "score one first: braindock score MODEL_IMAGE BENCHMARK_IMAGE")])
    existing = sorted({r.inputs["benchmark"]["version"] for r in records if not benchmark or r.benchmark == benchmark})
    return BraindockError(f"no scores at benchmark version {version}", [Problem(
        "--benchmark-version", "NO_SUCH_VERSION", f"the ledger has no score on version {version}" + (f" of {benchmark}" if benchmark else ""),
        f"use one of: {', '.join(existing)} (or leave the option out for the latest)" if existing
        else "score one first: braindock score MODEL_IMAGE BENCHMARK_IMAGE")])


def run(args, settings) -> int:
    from rich.table import Table

    from ..reporting import board, leaderboard
    from ..store import Store

    records = Ledger(settings.ledger_path).records()
    table_rows = leaderboard.rows(records, args.benchmark_version, args.benchmark)
    if not table_rows and (args.benchmark or args.benchmark_version):
        raise _nothing_selected(records, args.benchmark, args.benchmark_version)
    if not table_rows:
        if args.json:
            print_json({"rows": [], "matrix": {}, "averages": {}, "conflicts": {}})
        else:
            console.print(f"The ledger ({settings.ledger_path}) is empty: run `braindock score MODEL_IMAGE BENCHMARK_IMAGE` first"
                          + ("; no plot drawn." if args.plot else "."), highlight=False)
        return 0
    found = board.build(table_rows, settings.home, Store(settings.store_dir))
    conflicts = leaderboard.conflicts(table_rows)
    if args.plot:
        from ..reporting.plots import plot_leaderboard

        saved = plot_leaderboard(table_rows, Path(args.plot))
        (err_console if args.json else console).print(f"plot saved to {saved.resolve()}", highlight=False)
    domains = [d for d in board.DOMAINS if found.brain_benchmarks(d)]
    if args.json:
        print_json({
            "rows": [{"model": leaderboard.model_key(r, conflicts), "image_id": r.image_id, "benchmark": r.benchmark,
                      "benchmark_version": r.benchmark_version, "scale": r.scale, "column": r.column, "record_id": r.record.record_id, **r.record.result} for r in table_rows],
            "matrix": {m.key: {b.column: found.score(m, b) for b in found.benchmarks} for m in found.models},
            "averages": {m.key: {d: vars(found.average(m, d)) for d in domains} for m in found.models},
            "conflicts": conflicts,
        })
        return 0
    detail = Table(title="braindock leaderboard")
    for column in ("model", "image", "benchmark", "scale", "raw", "ceiling", "ceiled score", "error", "record"):
        detail.add_column(column, justify="right" if column in ("raw", "ceiling", "ceiled score", "error") else "left")
    lower = {b.column for b in found.benchmarks if b.better == "lower"}  # e.g. perplexity: best is lowest
    for r in sorted(table_rows, key=lambda r: (r.column, r.record.result["score"] * (1 if r.column in lower else -1))):
        res = r.record.result
        detail.add_row(leaderboard.model_key(r, conflicts), leaderboard.short_id(r.image_id), f"{r.benchmark}@{r.benchmark_version}", r.scale or "—",
                       _fmt(res["raw"]), _fmt(res["ceiling"]), f"[bold]{_fmt(res['score'])}[/]", _fmt(res["score_error"]), r.record.record_id[:12])
    console.print(detail)
    for label, images in conflicts.items():
        console.print(f"[red]conflict[/]: {len(images)} images claim {label} ({', '.join(leaderboard.short_id(i) for i in images)}); shown apart")
    if len(found.benchmarks) > 1:
        grid = Table(title="ceiled scores; averages within a domain over the benchmarks scored (missing is not 0)")
        grid.add_column("model", overflow="fold")
        for b in found.benchmarks:
            grid.add_column(b.column + (" (task)" if b.engineering else ""), justify="right", overflow="fold")
        for d in domains:
            grid.add_column(f"{d} average (skipped)", justify="right")
        for m in found.models:
            averages = [found.average(m, d) for d in domains]
            grid.add_row(m.key, *[_fmt(found.score(m, b)) for b in found.benchmarks],
                         *[f"{_fmt(a.mean)} ({a.skipped})" if a.mean is not None else "missing" for a in averages])
        console.print(grid)
    return 0
