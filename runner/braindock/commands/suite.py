"""`braindock suite [status]`: score every model x benchmark pair a model commits to, locally or through Slurm."""
from __future__ import annotations

import json
import time
from argparse import Namespace

from ..output import add_json_flag, console, human_time, print_json, steps


def add_parser(subparsers):
    parser = subparsers.add_parser("suite", help="score many models on many benchmarks (resumable; local pool or Slurm)",
                                   description="Plan every pair the models commit to, run each distinct model request once, "
                                               "score, record and show the leaderboard. Re-running the same suite skips what is done.")
    parser.add_argument("action", nargs="?", choices=["run", "status"], default="run",
                        help="run (default), or status: of the suite these options name, else of the last suite run here")
    parser.add_argument("--model", action="append", metavar="IMAGE", help="a model image (repeat; default: the catalog's models)")
    parser.add_argument("--benchmark", action="append", metavar="IMAGE", help="a benchmark image (repeat; default: the catalog's)")
    parser.add_argument("--executor", default="local", help="local (a worker pool) or slurm (sbatch job arrays)")
    parser.add_argument("--jobs", type=int, default=None, help="jobs at once (local: worker processes, default 1; slurm: array throttle)")
    parser.add_argument("--per-task", type=int, default=None, metavar="N",
                        help="slurm: jobs one array task does in turn (default: each stage in 4 tasks per slot of the partition)")
    parser.add_argument("--seed", type=int, default=0, help="seed handed to the models (default 0)")
    parser.add_argument("--plot", metavar="PNG", help="also draw the leaderboard")
    add_json_flag(parser)
    return parser


def _images(args) -> tuple[list[str], list[str]]:
    from ..catalog import load_catalog

    catalog = load_catalog() if not (args.model and args.benchmark) else []
    models = args.model or [image.tag for image in catalog if image.kind == "model"]
    benchmarks = args.benchmark or [image.tag for image in catalog if image.kind == "benchmark"]
    return models, benchmarks


def run(args, settings) -> int:
    from ..execution.engines import get_engine
    from ..execution.executors import get_executor
    from ..pipeline import suite

    engine = get_engine(settings.engine)
    if args.action == "status":
        planned = suite.prepare(*_images(args), settings, engine, seed=args.seed) if args.model or args.benchmark \
            else suite.latest(settings, engine)
        ran_with = planned.folder / "executor.json"
        executor = get_executor(json.loads(ran_with.read_text())["executor"] if ran_with.exists() else "local")
        states = suite.status(planned, settings, executor)
        if args.json:
            print_json({"suite": planned.suite_id, "pairs": [s.to_dict() for s in states]})
        else:
            _print_states(planned, states)
        return 0
    executor = get_executor(args.executor, args.jobs, args.per_task)
    executor.check()  # an unknown executor, or Slurm missing or down, fails before anything is planned
    models, benchmarks = _images(args)
    with steps(len(models) + len(benchmarks), quiet=args.json) as planning:
        planned = suite.prepare(models, benchmarks, settings, engine, seed=args.seed, step=planning.step)
    if not args.json:
        console.print(f"suite {planned.suite_id}: {len(planned.plan.pairs)} pairs, {len(planned.plan.runs)} distinct model runs, "
                      f"{len(planned.plan.skipped)} pairs not committed to; executor {executor.name}", highlight=False)

    def report(state, k, n):
        if not args.json:
            tail = f"score record {state.record_id[:12]}" if state.record_id else state.reason.splitlines()[0] if state.reason else ""
            console.print(f"[{k}/{n}] {state.pair.label}: {state.state} {tail}", highlight=False, markup=False)

    started = time.monotonic()

    def idle(progress):
        if not args.json:
            console.print(f"[{progress['ended']}/{progress['total']}] ... {progress['runs_ended']}/{progress['runs']} model runs ended; "
                          f"still running after {human_time(time.monotonic() - started)}", highlight=False, markup=False)

    states = suite.run(planned, settings, executor, report, idle)
    failed = [s for s in states if s.state != suite.DONE]
    if args.json:
        print_json({"suite": planned.suite_id, "pairs": [s.to_dict() for s in states],
                    "skipped": [{"model": s.model, "benchmark": s.benchmark, "reason": s.problems[0].message} for s in planned.plan.skipped]})
    else:
        _print_states(planned, states)
        from . import leaderboard

        leaderboard.run(Namespace(benchmark=None, benchmark_version=None, json=False, plot=args.plot), settings)
    return 1 if failed else 0


def _print_states(planned, states) -> None:
    from rich.table import Table

    table = Table(title=f"suite {planned.suite_id}")
    for column in ("model", "benchmark", "state", "record / reason"):
        table.add_column(column, overflow="fold")
    for s in states:
        table.add_row(s.pair.model.image.reference, s.pair.benchmark.image.reference, s.state,
                      (s.record_id or "")[:12] or (s.reason.splitlines()[0] if s.reason else ""))
    console.print(table)
    for s in planned.plan.skipped:
        console.print(f"not scored: {s.model} on {s.benchmark} ({s.problems[0].message}; the model does not commit to it)",
                      highlight=False, markup=False)
    counts = {state: sum(1 for s in states if s.state == state) for state in ("done", "running", "failed", "pending")}
    console.print(", ".join(f"{n} {state}" for state, n in counts.items()) + f"; {len(planned.plan.skipped)} not committed to",
                  highlight=False)
