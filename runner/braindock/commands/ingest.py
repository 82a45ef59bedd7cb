"""`braindock ingest PATH`: validate, then store content-addressed under the data directory (atomic, idempotent)."""
from __future__ import annotations

from ..output import add_json_flag, console, print_json
from ..store import Store
from .validate import KINDS, print_report


def add_parser(subparsers):
    parser = subparsers.add_parser("ingest", help="validate a dataset or benchmark export and store it by content hash")
    parser.add_argument("path", metavar="PATH", help="stimulus_set.json (or its folder), .nc assembly, or export folder")
    parser.add_argument("--kind", choices=KINDS, help="what PATH holds (detected by default)")
    parser.add_argument("--config", metavar="YAML", help="severity config for validation")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    from ..curation.importers.ingest import ingest

    entry, report = ingest(args.path, Store(settings.store_dir), kind=args.kind, config=args.config)
    if args.json:
        print_json({"digest": entry.digest, "kind": entry.kind, "path": str(entry.path), "metadata": entry.metadata,
                    "report": report.to_dict()})
    else:
        if report.warnings:
            print_report(report)
        console.print(f"stored {entry.kind} [bold]{entry.metadata.get('identifier')}[/] as {entry.digest}", highlight=False)
    return 0
