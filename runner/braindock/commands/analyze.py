"""`braindock analyze`: benchmark x benchmark correlations, brain score against task performance, benchmark n+1."""
from __future__ import annotations

from pathlib import Path

from ..output import add_json_flag, console, print_json
from ..reporting.board import DOMAINS


def add_parser(subparsers):
    parser = subparsers.add_parser("analyze", help="relate benchmarks to one another and to task performance (plots + tables)")
    parser.add_argument("--task", metavar="CSV", help="task values to relate brain scores to: columns model,task,value")
    parser.add_argument("--domain", choices=DOMAINS, default="vision", help="the domain of benchmark n+1 and of --task values (default vision)")
    parser.add_argument("--against", metavar="BENCHMARK",
                        help="correlate every task with this benchmark's score (default: the average brain score of the task's domain)")
    parser.add_argument("-o", "--output", default="braindock-analysis", help="folder for the PNG and SVG plots (default ./braindock-analysis)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples over models for the 95%% intervals")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and of the subset draws")
    add_json_flag(parser)
    return parser


def _r(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _p(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def run(args, settings) -> int:
    from rich.table import Table

    from ..reporting import analysis, board

    found = board.load(settings)
    tasks = analysis.read_task_csv(Path(args.task), found) if args.task else None
    result = analysis.analyse(found, Path(args.output), tasks, args.domain, args.against, args.bootstrap, args.seed)
    if args.json:
        print_json(result)
        return 0
    pairs = Table(title=f"benchmark x benchmark across models ({result['correlations']['interval']})")
    for column in ("benchmark", "benchmark", "n", "Spearman", "95% CI", "Pearson", "95% CI"):
        pairs.add_column(column)
    apart = [p for p in result["correlations"]["pairs"] if p["n"] == 0]
    for p in [p for p in result["correlations"]["pairs"] if p["n"]]:
        cells = [_r(p[m]["r"]) if m in p else p["reason"] for m in ("spearman", "pearson")]
        intervals = [f"[{p[m]['ci95'][0]:.2f}, {p[m]['ci95'][1]:.2f}]" if m in p else "" for m in ("spearman", "pearson")]
        pairs.add_row(p["a"], p["b"], str(p["n"]), cells[0], intervals[0], cells[1], intervals[1])
    console.print(pairs)
    if apart:
        console.print(f"{len(apart)} pair(s) of benchmarks share no model (e.g. vision and language); left out above, kept in --json")
    tasks_table = Table(title=f"brain score against task performance; p corrected: {result['task']['correction']}")
    for column in ("task", "brain score", "r", "95% CI", "p", "p corrected", "n models", "mean task value"):
        tasks_table.add_column(column)
    for t in result["task"]["tasks"]:
        interval = f"[{t['ci95'][0]:.2f}, {t['ci95'][1]:.2f}]" if t["ci95"] else (t["reason"] or "")
        tasks_table.add_row(t["task"], t["against"], _r(t["r"]), interval, _p(t["p"]), _p(t.get("p_corrected")), str(t["n"]), _r(t["mean_task_value"]))
    console.print(tasks_table if result["task"]["tasks"] else result["task"]["reason"])
    curve = Table(title=f"benchmark n+1 ({result['next_benchmark']['domain']})")
    for column in ("k", "mean Spearman with benchmark k+1", "SD", "comparisons"):
        curve.add_column(column)
    for c in result["next_benchmark"]["curve"]:
        curve.add_row(str(c["k"]), _r(c["mean_spearman"]), _r(c["sd"]), str(c["comparisons"]))
    console.print(curve)
    for part in ("correlations", "task", "next_benchmark"):
        if "reason" in result[part]:
            console.print(f"{part}: no plot: {result[part]['reason']}")
    console.print(f"plots (PNG and SVG) in {args.output}")
    return 0
