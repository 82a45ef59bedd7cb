"""`braindock export RECORD_ID... -o BUNDLE`: write what is needed to rerun those scores on another machine."""
from __future__ import annotations

from pathlib import Path

from ..execution.engines import get_engine
from ..output import add_json_flag, console, print_json
from ..provenance.bundle import export_bundle
from ..provenance.ledger import Ledger


def add_parser(subparsers):
    parser = subparsers.add_parser("export", help="bundle records with their images and data (docker save, hashes)")
    parser.add_argument("record_ids", nargs="+", metavar="RECORD_ID")
    parser.add_argument("-o", "--output", required=True, metavar="BUNDLE", help="folder to create")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    ledger = Ledger(settings.ledger_path)
    records = [ledger.get(record_id) for record_id in args.record_ids]
    manifest = export_bundle(records, settings, get_engine(settings.engine), Path(args.output))
    if args.json:
        print_json(manifest)
    else:
        console.print(f"wrote {args.output}: {len(manifest['records'])} record(s), {len(manifest['images'])} image(s), "
                      f"{len(manifest['benchmark_exports'])} benchmark export(s), {len(manifest['files'])} files hashed")
    return 0
