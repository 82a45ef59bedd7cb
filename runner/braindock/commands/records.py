"""`braindock records ls | show ID | rm ID`: the score records in the ledger."""
from __future__ import annotations

from rich.table import Table

from ..output import add_json_flag, console, print_json
from ..provenance.ledger import Ledger
from ..reporting.leaderboard import scale_of


def add_parser(subparsers):
    parser = subparsers.add_parser("records", help="list, show or remove score records")
    parser.add_argument("action", choices=["ls", "show", "rm"])
    parser.add_argument("record_id", nargs="?", metavar="RECORD_ID", help="record id or a unique prefix (show, rm)")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    ledger = Ledger(settings.ledger_path)
    if args.action == "ls":
        records = ledger.records()
        if args.json:
            print_json([{"record_id": r.record_id, "created": r.created, "model": r.model, "benchmark": r.benchmark,
                         "benchmark_version": r.inputs["benchmark"]["version"], "scale": scale_of(r), "score": r.result["score"]} for r in records])
            return 0
        table = Table(title="score records")
        for column in ("record", "created", "model", "benchmark", "scale", "score"):
            table.add_column(column)
        for r in records:
            table.add_row(r.record_id[:12], r.created, f"{r.model}@{r.inputs['model']['version']}",
                          f"{r.benchmark}@{r.inputs['benchmark']['version']}", scale_of(r) or "—", f"{r.result['score']:.4f}")
        console.print(table)
        return 0
    if not args.record_id:
        console.print(f"records {args.action} needs a RECORD_ID")
        return 2
    record = ledger.get(args.record_id)
    if args.action == "rm":
        ledger.delete(record.record_id)
        console.print(f"removed {record.record_id}")
        return 0
    print_json(record.to_dict())  # show: the record is JSON whatever the flag
    return 0
