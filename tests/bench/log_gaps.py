"""Time a logged run line by line: how long the longest silence was, and where (issue 19: a line at least every 30 s).

    nox -s demo 2>&1 | python tests/bench/log_gaps.py demo.log      # or any command's output

Copies stdin to stdout as it comes, writes each line to LOG with the seconds since the start, and ends with the total
time, the longest gaps between lines (with the line that ended each) and the exit status of nothing: it only
measures. `--json` prints the summary as JSON instead. `--from LOG` summarises a log written earlier.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def summary(stamped: list[tuple[float, str]], worst: int = 3) -> dict:
    """Total seconds, lines, and the `worst` longest silences (seconds, the line that ended it)."""
    gaps = sorted(((b[0] - a[0], b[1]) for a, b in zip(stamped, stamped[1:])), reverse=True)[:worst]
    return {"seconds": round(stamped[-1][0], 1) if stamped else 0.0, "lines": len(stamped),
            "longest_silences": [{"seconds": round(g, 1), "ended_by": line[:160]} for g, line in gaps]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", nargs="?", type=Path, help="write the stamped lines here")
    parser.add_argument("--from", dest="source", type=Path, help="summarise this stamped log instead of reading stdin")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    stamped: list[tuple[float, str]] = []
    if args.source:
        for raw in args.source.read_text().splitlines():
            seconds, _, line = raw.partition(" ")
            stamped.append((float(seconds), line))
    else:
        start = time.monotonic()
        out = args.log.open("w") if args.log else None
        for raw in sys.stdin:
            line = raw.rstrip("\n")
            stamped.append((time.monotonic() - start, line))
            print(line, flush=True)
            if out:
                out.write(f"{stamped[-1][0]:.1f} {line}\n")
                out.flush()
        stamped.append((time.monotonic() - start, "(end of output)"))
    result = summary(stamped)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['lines']} lines in {result['seconds']} s; longest silences: "
              + "; ".join(f"{g['seconds']} s before {g['ended_by']!r}" for g in result["longest_silences"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
