"""Console output shared by commands: --json for scripts, rich tables and progress for people."""
from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

# Not a terminal (a pipe, CI's log): wide enough that tables are not cut.
console = Console(stderr=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def add_json_flag(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")
