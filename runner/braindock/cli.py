"""The `braindock` command line: a thin dispatcher; each subcommand lives in braindock.commands.<name>."""
from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import json
import sys
from pathlib import Path

from . import __version__
from .config import load_settings
from .errors import BraindockError

# Each module defines add_parser(subparsers) and run(args, settings) -> int.
COMMAND_MODULES = (
    "score",
    "suite",
    "worker",
    "leaderboard",
    "build",
    "reference",
    "cache",
    "records",
    "reproduce",
    "export",
    "config",
    "validate",
    "import_data",
    "ingest",
    "datasets",
    "benchmark",
    "check_model",
    "check_benchmark",
    "submit",
    "site",
    "analyze",
    "design",
)


def declared(module: str) -> tuple[str, str]:
    """(command name, help) a command module declares in `subparsers.add_parser(NAME, help=...)`, read from its
    source without importing it (importing every command to list them made `braindock --help` take seconds)."""
    spec = importlib.util.find_spec(f".commands.{module}", __package__)
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_parser"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "subparsers"
                and node.args and isinstance(node.args[0], ast.Constant)):
            text = next((k.value.value for k in node.keywords if k.arg == "help" and isinstance(k.value, ast.Constant)), "")
            return node.args[0].value, text
    return module.replace("_", "-"), ""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `command`, only that command's module is imported (the others are listed by name)."""
    parser = argparse.ArgumentParser(prog="braindock", description="Score how brain-like a containerized model is.")
    parser.add_argument("--version", action="version", version=f"braindock {__version__}")
    parser.add_argument("--home", help="data directory (default: $BRAINDOCK_HOME or ~/.braindock)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        if command is not None:
            listed, text = declared(name)
            if listed != command:
                subparsers.add_parser(listed, help=text)
                continue
        module = importlib.import_module(f".commands.{name}", __package__)
        sub = module.add_parser(subparsers)
        sub.set_defaults(handler=module.run)
    return parser


def chosen_command(argv: list[str]) -> str:
    """The command word of `argv` ('' when there is none, e.g. `braindock --help`)."""
    words = iter(argv)
    for word in words:
        if word == "--home":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


# Commands that start containers; each first removes what a killed run left behind (execution.reaper). A suite's
# workers do not: their submitter did, and another worker's folder is not a leftover.
REAPING_COMMANDS = {"score", "suite", "reference", "reproduce", "export", "check-model", "check-benchmark", "submit", "benchmark"}


def reap_leftovers(settings) -> None:
    """Remove containers past their deadline or whose runner died, and stale work folders; say so on stderr."""
    from .execution import reaper
    from .execution.engines import get_engine

    for removed in reaper.reap(get_engine(settings.engine), settings):
        print(f"removed a leftover: {removed}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = chosen_command(argv)
    if command and command not in {declared(name)[0] for name in COMMAND_MODULES}:
        command = ""  # not a command: argparse lists the choices (no module imported)
    parser = build_parser(command)
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.home)
        if args.command in REAPING_COMMANDS:
            reap_leftovers(settings)
        return int(args.handler(args, settings) or 0)
    except BraindockError as error:
        if getattr(args, "json", False):
            print(json.dumps(error.to_dict(), indent=2))
        else:
            print(f"error: {error.render()}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `braindock ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
