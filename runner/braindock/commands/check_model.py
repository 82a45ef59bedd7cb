"""`braindock check-model IMAGE`: run the conformance suite on a model container; exit 0 pass, 1 fail, 2 could not run."""
from __future__ import annotations

from rich.markup import escape

from ..execution.engines import get_engine
from ..output import add_json_flag, console, print_json

# by Status value, so that building the parser does not import the checks (xarray)
LABELS = {"passed": "[green]PASS[/]", "warned": "[yellow]WARN[/]", "failed": "[red]FAIL[/]", "skipped": "[dim]SKIP[/]"}


def add_parser(subparsers):
    parser = subparsers.add_parser("check-model", help="check that a model container meets the contract (like a linter)",
                                   description="Run a model image on a tiny bundled stimulus set and check everything the "
                                               "container contract (spec/README.md) demands.")
    return add_suite_arguments(parser, "model container image (e.g. braindock/model-pixels:1.0.0)")


def add_suite_arguments(parser, image_help: str):
    """IMAGE, --timeout, --memory and --json: what check-model and check-benchmark take."""
    parser.add_argument("image", metavar="IMAGE", help=image_help)
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="time limit per container (default: limits.timeout_s of the settings)")
    parser.add_argument("--memory", default=None, help="memory limit per container, e.g. 2g (default: limits.memory)")
    add_json_flag(parser)
    return parser


def render_result(result) -> list[str]:
    """Rich-markup lines: the status label, then the reason, problems, fix and log tail (escaped)."""
    from ..checks import Status

    lines = [f"  {LABELS[Status(result.status).value]}  {escape(f'{result.check:<30} {result.reason}')}"]
    for problem in result.problems:
        lines += [f"        {escape(line)}" for line in problem.render().splitlines()]
    if result.status in (Status.FAILED, Status.WARNED) and result.fix:
        lines.append(f"        {escape('fix: ' + result.fix)}")
    if result.status is Status.FAILED and result.details:
        lines.append("        last log lines:")
        lines += [f"          | {escape(line)}" for line in result.details.splitlines()[-10:]]
    return lines


def render(report, contract: str = "container contract") -> str:
    return f"{report.summary()}: {report.image} {'conforms to' if report.ok else 'does NOT conform to'} the {contract}"


def run_suite(args, settings, command: str, suite, contract: str) -> int:
    """Run `suite` (check_model or check_benchmark) on args.image, each result printed as it comes; the exit code."""
    engine = get_engine(settings.engine)
    if not args.json:
        console.print(escape(f"{command} {args.image}"), highlight=False)

    def show(result) -> None:
        if not args.json:
            for line in render_result(result):
                console.print(line, highlight=False, soft_wrap=True)

    report = suite(engine, settings, args.image, timeout_s=args.timeout, memory=args.memory, on_result=show)
    if args.json:
        print_json(report.to_dict())
    else:
        console.print(escape(render(report, contract)), highlight=False)
    return report.exit_code


def run(args, settings) -> int:
    from ..checks import check_model

    return run_suite(args, settings, "check-model", check_model, "container contract")
