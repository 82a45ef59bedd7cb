"""`braindock validate PATH...`: every problem of datasets, manifests, model descriptions or export folders.

Exit status: 0 valid, 1 invalid, 2 could not run.
"""
from __future__ import annotations

from ..output import add_json_flag, console, print_json

# what --kind accepts (kept here so that building the parser imports no checker)
KINDS = ("stimulus-csv", "stimulus-set", "neural", "behavioral", "manifest", "model", "export")


def add_parser(subparsers):
    parser = subparsers.add_parser("validate", help="check datasets and benchmark exports; report every problem at once")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="stimulus CSV or stimulus_set.json, .nc assembly, manifest.json, model JSON, export folder")
    parser.add_argument("--kind", choices=KINDS, help="what PATH holds (detected by default)")
    parser.add_argument("--config", metavar="YAML", help="severity config: error/warning code lists and ignore rules")
    parser.add_argument("--files", metavar="DIR", help="where a stimulus CSV's files are (default: the CSV's folder)")
    parser.add_argument("--metadata", metavar="YAML", help="metadata sidecar (spec/v1/metadata-sidecar): licence, citation, visual degrees of a CSV")
    parser.add_argument("--all", action="store_true", help="list every problem (default: the first 10 of each code per file, then the count)")
    add_json_flag(parser)
    return parser


def print_report(report, every: bool = False) -> None:
    for style, text in report.render_lines(every):
        console.print(text, style=style or None, markup=False, highlight=False, soft_wrap=True)


def run(args, settings) -> int:
    from ..curation.validation import validate_paths

    report = validate_paths(args.paths, kind=args.kind, config=args.config, files_root=args.files, metadata=args.metadata)
    if args.json:
        print_json(report.to_dict())
    else:
        print_report(report, args.all)
    return report.exit_code
