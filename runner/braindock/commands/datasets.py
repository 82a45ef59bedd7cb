"""`braindock datasets`: list the datasets and benchmark exports in the store."""
from __future__ import annotations

from rich.table import Table

from ..output import add_json_flag, console, print_json
from ..store import Store


def add_parser(subparsers):
    parser = subparsers.add_parser("datasets", help="list ingested datasets: identifier, hash, size, summary")
    add_json_flag(parser)
    return parser


def _summary(metadata: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in (metadata.get("summary") or {}).items())


def run(args, settings) -> int:
    from ..curation.importers.ingest import INGESTIBLE

    entries = [e for e in Store(settings.store_dir).entries() if e.kind in INGESTIBLE]
    if args.json:
        print_json([{"identifier": e.metadata.get("identifier"), "digest": e.digest, "kind": e.kind,
                     "bytes": e.metadata.get("bytes"), "files": e.metadata.get("files"), "metadata": e.metadata} for e in entries])
        return 0
    table = Table("identifier", "kind", "sha256", "size", "summary")
    for e in entries:
        table.add_row(str(e.metadata.get("identifier")), e.kind, e.digest[:16], f"{e.metadata.get('bytes', 0):,} B", _summary(e.metadata))
    console.print(table)
    return 0
