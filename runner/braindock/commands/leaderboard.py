"""`braindock leaderboard`: raw, ceiling, ceiled score and error per model and benchmark; a matrix across benchmarks."""
from __future__ import annotations

from pathlib import Path

from rich.table import Table

from ..errors import BraindockError, Problem
from ..output import add_json_flag, console, err_console, print_json
from ..provenance.ledger import Ledger
from ..reporting import leaderboard


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
    records = Ledger(settings.ledger_path).records()
    table_rows = leaderboard.rows(records, args.benchmark_version, args.benchmark)
    if not table_rows and (args.benchmark or args.benchmark_version):
        raise _nothing_selected(records, args.benchmark, args.benchmark_version)
    models, benchmarks, scores = leaderboard.matrix(table_rows)
    if args.plot and table_rows:
        from ..reporting.plots import plot_leaderboard  # matplotlib: only when a plot is asked for

        saved = plot_leaderboard(table_rows, Path(args.plot))
        (err_console if args.json else console).print(f"plot saved to {saved.resolve()}", highlight=False)
    if args.json:
        print_json({
            "rows": [{"model": r.model, "benchmark": r.benchmark, "benchmark_version": r.benchmark_version,
                      "record_id": r.record.record_id, **r.record.result} for r in table_rows],
            "matrix": {m: {b: scores[(m, b)] for b in benchmarks} for m in models},
        })
        return 0
    if not table_rows:
        console.print(f"The ledger ({settings.ledger_path}) is empty: run `braindock score MODEL_IMAGE BENCHMARK_IMAGE` first"
                      + ("; no plot drawn." if args.plot else "."), highlight=False)
        return 0
    detail = Table(title="braindock leaderboard")
    for column in ("model", "benchmark", "raw", "ceiling", "ceiled score", "error", "record"):
        detail.add_column(column, justify="right" if column in ("raw", "ceiling", "ceiled score", "error") else "left")
    for r in sorted(table_rows, key=lambda r: (r.benchmark, -r.record.result["score"])):
        res = r.record.result
        detail.add_row(r.model, f"{r.benchmark}@{r.benchmark_version}", _fmt(res["raw"]), _fmt(res["ceiling"]),
                       f"[bold]{_fmt(res['score'])}[/]", _fmt(res["score_error"]), r.record.record_id[:12])
    console.print(detail)
    if len(benchmarks) > 1:
        grid = Table(title="ceiled scores (mean over benchmarks scored; missing is not 0)")
        grid.add_column("model", overflow="fold")
        for b in benchmarks:
            grid.add_column(b, justify="right", overflow="fold")
        grid.add_column("mean", justify="right")
        for m in models:
            present = [scores[(m, b)] for b in benchmarks if scores[(m, b)] is not None]
            grid.add_row(m, *[_fmt(scores[(m, b)]) for b in benchmarks], _fmt(sum(present) / len(present)))
        console.print(grid)
    return 0
