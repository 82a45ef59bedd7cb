"""`braindock design MODEL BENCHMARK --pool POOL --goal drive|suppress`: choose the stimuli a model predicts will drive or
suppress a recorded target; `--verify` checks them in a simulated benchmark's virtual experiment."""
from __future__ import annotations

from pathlib import Path

from ..output import add_json_flag, console, print_json, progress


def add_parser(subparsers):
    parser = subparsers.add_parser("design", help="choose stimuli that drive or suppress a brain target, by a model")
    parser.add_argument("model", metavar="MODEL_IMAGE", nargs="?", help="model container image")
    parser.add_argument("benchmark", metavar="BENCHMARK_IMAGE", nargs="?", help="neural benchmark image (its mapping and recordings)")
    parser.add_argument("--pool", type=Path, help="candidate stimuli: a stimulus-set folder or CSV (benchmarks/pools/generate.py)")
    parser.add_argument("--goal", choices=("drive", "suppress"), help="select the stimuli predicted to drive or to suppress the target")
    parser.add_argument("--target", default="region-mean", help="a recorded site (neuroid_id) or region-mean (default)")
    parser.add_argument("-k", type=int, default=20, help="how many stimuli to select (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed handed to the model and drawing the random set (default 0)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="output folder (must not exist)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--verify", action="store_true", help="record selection, random and opposite sets in the virtual experiment")
    parser.add_argument("--reproduce", type=Path, metavar="DESIGN_JSON", help="redo the design of a design.json record")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    from ..design.run import Request, design, reproduce
    from ..errors import Problem, UsageError
    from ..execution.engines import get_engine

    engine = get_engine(settings.engine)
    with progress(args.json) as bar:
        task = bar.add_task("design", total=None)

        def step(text: str) -> None:
            bar.update(task, description=text)

        if args.reproduce:
            report = reproduce(args.reproduce, args.out, settings, engine, args.force, args.verify, step)
        else:
            missing = [name for name, value in (("MODEL_IMAGE", args.model), ("BENCHMARK_IMAGE", args.benchmark),
                                                ("--pool", args.pool), ("--goal", args.goal)) if value is None]
            if missing:
                raise UsageError(f"design needs {', '.join(missing)}", [Problem("braindock design", "MISSING_ARGUMENT",
                                 f"missing {', '.join(missing)}", "braindock design MODEL BENCHMARK --pool POOL --goal drive -o OUT "
                                 "(or --reproduce OUT/design.json -o NEW)")])
            request = Request(args.model, args.benchmark, args.pool, args.goal, args.target, args.k, args.seed)
            report = design(request, args.out, settings, engine, args.force, args.verify, step)
        bar.remove_task(task)
    if args.json:
        print_json(report)
    else:
        console.print((args.out / "report.md").read_text(), highlight=False, markup=False)
    return 0
