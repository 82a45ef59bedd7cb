"""`braindock config`: print the resolved settings (data directory, engine, container limits)."""
from __future__ import annotations

from ..output import add_json_flag, console, print_json


def add_parser(subparsers):
    parser = subparsers.add_parser("config", help="show the resolved settings")
    add_json_flag(parser)
    return parser


def run(args, settings) -> int:
    if args.json:
        print_json(settings.to_dict())
    else:
        for key, value in settings.to_dict().items():
            console.print(f"[bold]{key}[/]: {value}")
    return 0
