"""`braindock worker STAGE SUITE_DIR (KEY | --keys FILE --index N)`: jobs of a suite, as a Slurm task runs them (internal)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_parser(subparsers):
    parser = subparsers.add_parser("worker", help=argparse.SUPPRESS, description="one job of a suite (started by an executor)")
    parser.add_argument("stage", choices=["run", "score"])
    parser.add_argument("suite_dir")
    parser.add_argument("key", nargs="?", help="the run key (run) or pair key (score)")
    parser.add_argument("--keys", help="a JSON list of each array task's keys (a Slurm array's tasks)")
    parser.add_argument("--index", type=int, help="the task's index in --keys (SLURM_ARRAY_TASK_ID): its keys are done in turn")
    return parser


def run(args, settings) -> int:
    from ..pipeline.suite import work

    for key in [args.key] if args.key else json.loads(Path(args.keys).read_text())[args.index]:
        work(str(settings.home), args.suite_dir, args.stage, key)
    return 0
