"""Console output shared by commands: --json for scripts, rich tables and progress for people."""
from __future__ import annotations

import json
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

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


def human_size(size: int | None) -> str:
    """1234567 -> '1.2 MB' (decimal units, as `docker images`); '' when unknown."""
    if size is None:
        return ""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


def human_time(seconds: float) -> str:
    """75.2 -> '1m15s', 4.31 -> '4.3 s'."""
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


class Steps:
    """Progress of n named steps that works in a log as well as on a terminal.

    In a log (the console is not a terminal) each step prints a plain line when it starts, a line every
    `heartbeat` seconds while it runs and a line when it finishes, each with [k/n] and the time taken, so a long
    build is never silent. On a terminal a rich bar shows the running step and only the finished lines stay.
    """

    def __init__(self, target: Console, total: int, heartbeat: float = 20.0):
        self.target, self.total, self.heartbeat, self.index = target, total, heartbeat, 0
        self.started = time.monotonic()
        self._bar = None if not target.is_terminal else Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=target, transient=True)
        self._task = self._bar.add_task("", total=total) if self._bar else None

    def __enter__(self) -> "Steps":
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar:
            self._bar.stop()

    def _line(self, text: str) -> None:
        self.target.print(text, highlight=False, markup=False, soft_wrap=True)

    @contextmanager
    def step(self, doing: str) -> Iterator[dict]:
        """`with steps.step("building X") as end: ...; end["text"] = "built X (1.0 GB)"`; the finish line adds the time."""
        self.index += 1
        prefix, begun, end = f"[{self.index}/{self.total}]", time.monotonic(), {"text": f"done: {doing}"}
        stop = threading.Event()
        if self._bar:
            self._bar.update(self._task, description=f"{prefix} {doing}")
        else:
            self._line(f"{prefix} {doing} ...")
            threading.Thread(target=self._beat, args=(stop, prefix, doing, begun), daemon=True).start()
        try:
            yield end
        finally:
            stop.set()
        took = time.monotonic() - begun
        line = f"{prefix} {end['text']} in {human_time(took)}"
        if self._bar:
            self._bar.console.print(line, highlight=False, markup=False, soft_wrap=True)
            self._bar.advance(self._task)
        else:
            self._line(line)

    def _beat(self, stop: threading.Event, prefix: str, doing: str, begun: float) -> None:
        while not stop.wait(self.heartbeat):
            self._line(f"{prefix} {doing}: {human_time(time.monotonic() - begun)} so far")

    def summary(self, what: str) -> None:
        """One closing line: what was done, and how long it took in all."""
        self._line(f"{what} in {human_time(time.monotonic() - self.started)}")


def steps(total: int, quiet: bool = False, heartbeat: float = 20.0) -> Steps:
    """`with steps(n) as s:` on stdout for people; on stderr when stdout carries --json (`quiet`)."""
    return Steps(err_console if quiet else console, total, heartbeat)
