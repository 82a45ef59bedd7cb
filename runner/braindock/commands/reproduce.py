"""`braindock reproduce RECORD_ID | --record FILE`: rerun a score from its record; exit 0 same, 1 different, 2 unavailable."""
from __future__ import annotations

import json
from pathlib import Path

from rich.table import Table

from ..errors import Problem, UsageError
from ..output import add_json_flag, console, print_json
from ..provenance.ledger import Ledger
from ..provenance.records import ScoreRecord


def add_parser(subparsers):
    parser = subparsers.add_parser("reproduce", help="rerun a score from its record and report same or what changed")
    parser.add_argument("record_id", nargs="?", metavar="RECORD_ID", help="record id (or unique prefix) in the ledger")
    parser.add_argument("--record", metavar="FILE", help="a record saved as JSON (`braindock records show ID > FILE`)")
    parser.add_argument("--pinned", action="store_true", help="run the recorded image IDs, not the tags recorded")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    if bool(args.record_id) == bool(args.record):
        raise UsageError("give a RECORD_ID or --record FILE", [Problem("reproduce", "USAGE", "exactly one of them is needed",
                                                                        "braindock reproduce 1a2b3c4d  or  --record record.json")])
    if args.record:
        record = ScoreRecord.from_dict(json.loads(Path(args.record).read_text()))
    else:
        record = Ledger(settings.ledger_path).get(args.record_id)
    from ..reproduce import reproduce  # the scoring stack: only when the command runs

    outcome = reproduce(record, settings, pinned=args.pinned)
    if args.json:
        print_json(outcome.to_dict())
        return outcome.exit_code
    colour = {"same": "green", "different": "yellow", "unavailable": "red"}[outcome.status]
    console.print(f"[bold {colour}]{outcome.status}[/]: record {record.record_id[:12]} ({record.model} on {record.benchmark})")
    if outcome.score_delta is not None:
        console.print(f"score {record.result['score']!r} → {record.result['score'] + outcome.score_delta!r} (delta {outcome.score_delta:+.6g})")
    if outcome.reason:
        console.print(outcome.reason)
    if outcome.differences:
        table = Table(title="what differs")
        for column in ("what", "recorded", "now"):
            table.add_column(column, overflow="fold")
        for d in outcome.differences:
            table.add_row(d.what, json.dumps(d.recorded, default=str)[:200], json.dumps(d.now, default=str)[:200])
        console.print(table)
    return outcome.exit_code
