"""Console output shared by commands: --json for scripts, rich tables and progress for people."""
from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

# Not a terminal (a pipe, CI's log): wide enough that tables are not cut.
console = Console(stderr=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def add_json_flag(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON on stdout")


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


def progress(quiet: bool = False) -> Progress:
    """A spinner with elapsed time on stderr for long work; off for --json and when stderr is not a terminal
    (a log file would only collect the blank lines a finished live display leaves)."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console,
                    transient=True, disable=quiet or not err_console.is_terminal)
