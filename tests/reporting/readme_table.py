"""The README's "What nox -s demo ends with" tables, as Markdown, from `braindock leaderboard --json` (stdin).

    braindock leaderboard --json | python tests/reporting/readme_table.py
One table per domain: a row per model scored in it, a column per benchmark (each once: the averaged scale) and
per engineering benchmark of that domain, the domain average last; "—" is a pair the model does not commit to.
"""
from __future__ import annotations

import json
import sys


def short(column: str) -> str:
    return column.removeprefix("sim.").replace(" [2018 scale]", "")


def main() -> None:
    board = json.load(sys.stdin)
    for domain in ("vision", "language"):
        models = [m for m, a in board["averages"].items() if a.get(domain, {}).get("mean") is not None]
        models.sort(key=lambda m: -board["averages"][m][domain]["mean"])
        columns = sorted({c for m in models for c, v in board["matrix"][m].items() if v is not None
                          and not c.endswith(("[v1.0 scale]", "[2026 scale]"))})
        print(f"| model | {' | '.join(short(c) for c in columns)} | {domain} average |")
        print("| --- |" + " --- |" * (len(columns) + 1))
        for m in models:
            cells = ["—" if board["matrix"][m].get(c) is None else f"{board['matrix'][m][c]:.3f}".replace("-", "−") for c in columns]
            print(f"| {m} | {' | '.join(cells)} | {board['averages'][m][domain]['mean']:.3f} |")
        print()


if __name__ == "__main__":
    main()
