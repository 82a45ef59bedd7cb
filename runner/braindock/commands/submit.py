"""`braindock submit PATH`: build (if a context is given), check-model, validate the description, queue for scoring.
`braindock submit --list` shows the queue."""
from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.table import Table

from ..catalog import CatalogImage
from ..errors import BraindockError, Problem, UsageError, ValidationError
from ..execution.engines import get_engine
from ..output import add_json_flag, console, print_json
from ..submissions import Queue, Submission, description_problems, load_submission
from .build import fetch_wheels
from .check_model import render, render_result


def add_parser(subparsers):
    parser = subparsers.add_parser("submit", help="check a model submission and queue it for scoring",
                                   description="PATH is a folder holding submission.yaml (examples: submissions/).")
    parser.add_argument("path", nargs="?", metavar="PATH", help="submission folder or its submission.yaml")
    parser.add_argument("--list", action="store_true", help="list the queued submissions instead")
    parser.add_argument("--supersede", action="store_true",
                        help="replace the submission of another image that claims the same identifier@version")
    add_json_flag(parser)
    return parser


def build_submission(engine, submission: Submission) -> None:
    build = submission.document["build"]
    context = submission.build_context
    if build.get("pip_wheels"):
        fetch_wheels(CatalogImage(submission.image, "model", context, build.get("dockerfile"), (), tuple(build["pip_wheels"])))
    engine.build(context, submission.image, build.get("dockerfile"))


def list_queue(args, queue: Queue) -> int:
    rows = queue.list()
    if args.json:
        print_json([{k: v for k, v in row.items() if k != "document"} for row in rows])
        return 0
    table = Table("name", "model", "image ID", "modality", "status", "submitted")
    for row in rows:
        table.add_row(row["name"], f"{row['identifier']}@{row['version']}", row["submission_id"][:19], row["modality"],
                      row["status"], row["created"])
    console.print(table if rows else "no submissions queued")
    return 0


def run(args, settings) -> int:
    queue = Queue.for_settings(settings)
    if args.list:
        return list_queue(args, queue)
    if not args.path:
        raise UsageError("nothing to submit", [Problem("submit", "NO_PATH", "give PATH or --list", "braindock submit submissions/gabor-c")])
    submission = load_submission(Path(args.path))
    engine = get_engine(settings.engine)
    if submission.build_context:
        if not args.json:
            console.print(escape(f"building {submission.image} from {submission.build_context}"), highlight=False)
        build_submission(engine, submission)

    def show(result) -> None:
        if not args.json:
            for line in render_result(result):
                console.print(line, highlight=False, soft_wrap=True)

    # xarray (check-model, the response contract): only when a submission is checked and described
    from ..checks import check_model
    from ..execution import containers

    image_id = engine.inspect(submission.image).image_id
    try:
        claimed = containers.describe_model(engine, settings, submission.image, image_id)
    except BraindockError:
        claimed = None  # check-model below reports why, check by check
    held = queue.require_free(submission, image_id, claimed, args.supersede) if claimed else None  # before the long check
    report = check_model(engine, settings, submission.image, on_result=show)
    if not report.ok:
        if args.json:
            print_json({"queued": False, "check": report.to_dict()})
        else:
            console.print(escape(render(report) + "; not queued"), highlight=False)
        return 1
    description = containers.describe_model(engine, settings, submission.image, image_id)
    problems = description_problems(submission, description)
    if problems:
        raise ValidationError(f"{submission.path}: the submission and the model's description disagree; not queued", problems)
    row, new = queue.add(submission, report.image_id, description, report.summary(), supersede=args.supersede)
    if args.json:
        print_json({"queued": new, "submission": {k: v for k, v in row.items() if k != "document"}, "check": report.to_dict()})
    else:
        state = "queued" if new else "already queued (same image ID)"
        if new and held is not None:
            state += f", superseding {held['name']} ({held['submission_id'][:19]})"
        console.print(escape(f"{state}: {submission.name} = {description['identifier']}@{description['version']} "
                             f"({row['submission_id'][:19]}) for scoring"), highlight=False)
    return 0
