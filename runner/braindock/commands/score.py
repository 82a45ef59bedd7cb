"""`braindock score MODEL_IMAGE BENCHMARK_IMAGE...`: score a model container on benchmark containers (one-pair plans)."""
from __future__ import annotations

from ..output import add_json_flag, console, err_console, print_json, progress


def add_parser(subparsers):
    parser = subparsers.add_parser("score", help="score a model image on one or more benchmark images")
    parser.add_argument("model", metavar="MODEL_IMAGE", help="model container image (e.g. braindock/model-pixels:1.0.0)")
    parser.add_argument("benchmarks", metavar="BENCHMARK_IMAGE", nargs="+", help="benchmark container image(s)")
    parser.add_argument("--seed", type=int, default=0, help="seed handed to the model (default 0)")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    from .. import pipeline

    done = []
    with progress(args.json) as bar:
        for benchmark in args.benchmarks:
            task = bar.add_task(f"{args.model} on {benchmark}", total=None)

            def step(text: str, task=task, benchmark=benchmark) -> None:
                bar.update(task, description=f"{benchmark}: {text}")

            def warn(problem) -> None:
                err_console.print(f"warning: {problem.render()}", highlight=False, markup=False)

            record = pipeline.score(args.model, benchmark, settings, step=step, seed=args.seed, warn=warn)
            bar.remove_task(task)
            done.append(record)
            if not args.json:
                r = record.result
                console.print(
                    f"[bold]{record.model}[/] on [bold]{record.benchmark}[/]: score {r['score']:.3f} ± {r['score_error']:.3f} "
                    f"(raw {r['raw']:.3f}, ceiling {r['ceiling']:.3f}) record {record.record_id[:12]}"
                )
    if args.json:
        print_json([record.to_dict() for record in done])
    return 0
