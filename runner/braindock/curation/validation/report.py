"""The result of validating one or more paths: every Problem found, plus facts learnt on the way.

The human rendering groups repeated problems (the first GROUP_LIMIT of a code in a file, then their count);
`--all` renders every line and `--json` always holds every problem.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ...errors import Problem

GROUP_LIMIT = 10
_NUMBER = re.compile(r"(\d+)")


def _padded(match: re.Match) -> str:
    return match.group().zfill(20)


def _natural(where: str) -> str:
    """`where` with its numbers zero-padded; a CSV location's row number without a regex (the common, large case)."""
    head, sep, tail = where.partition(":row ")
    if sep:
        number, colon, rest = tail.partition(":")
        if number.isdigit():
            return f"{head}:row {number.zfill(20)}{colon}{rest}"
    return _NUMBER.sub(_padded, where)


def natural_key(problem: Problem) -> tuple:
    """Sort key: locations compared number by number (row 100 before row 1000), then code and message."""
    return (_natural(problem.where), problem.where, problem.code, problem.message, problem.fix,
            problem.severity, problem.expected or "", problem.found or "")


def file_of(problem: Problem) -> str:
    """The file part of a Problem's location: 'a/b.csv:row 3:column x' -> 'a/b.csv', 'm.json#/x' -> 'm.json'."""
    where = problem.where.split("#", 1)[0]
    return where.split(":row ", 1)[0]


@dataclass
class Report:
    """Problems of every validated path, sorted by location; `facts` holds what was measured (sizes, counts)."""

    targets: list[dict[str, str]] = field(default_factory=list)  # [{"path": ..., "kind": ...}]
    problems: list[Problem] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.problems = sorted(set(self.problems), key=natural_key)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.valid else 1

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def by_file(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(file_of(problem), []).append(problem)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "targets": self.targets,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
            "facts": self.facts,
        }

    def counts(self) -> Counter:
        """How often each code occurs, most frequent first."""
        return Counter(p.code for p in self.problems)

    def render_lines(self, every: bool = False) -> list[tuple[str, str]]:
        """(style, text) lines of the human report, grouped by file; style is a rich style or ''.

        A code repeated more than GROUP_LIMIT times in one file shows its first GROUP_LIMIT lines, then the count
        (`every=True` shows them all)."""
        lines: list[tuple[str, str]] = []
        for target in self.targets:
            lines.append(("bold", f"{target['path']} ({target['kind']})"))
        for path, problems in self.by_file().items():
            lines.append(("", ""))
            lines.append(("bold underline", path))
            shown: Counter = Counter()
            total = Counter(p.code for p in problems)
            for p in problems:
                shown[p.code] += 1
                if not every and shown[p.code] > GROUP_LIMIT:
                    if shown[p.code] == GROUP_LIMIT + 1:
                        more = total[p.code] - GROUP_LIMIT
                        text = f"  ... and {more:,} more {p.code} ({total[p.code]:,} in all; --all lists every one, --json gives them all)"
                        lines.append(("dim", text))
                    continue
                lines.extend(self._problem_lines(p, path))
        lines.append(("", ""))
        verdict = "valid" if self.valid else "INVALID"
        summary = ", ".join(f"{code} × {count:,}" for code, count in self.counts().most_common())
        lines.append(("bold green" if self.valid else "bold red",
                      f"{verdict}: {len(self.errors):,} error(s), {len(self.warnings):,} warning(s)" + (f": {summary}" if summary else "")))
        return lines

    @staticmethod
    def _problem_lines(p: Problem, path: str) -> list[tuple[str, str]]:
        style = "red" if p.severity == "error" else "yellow"
        where = p.where[len(path):].lstrip("#:") or "(file)"
        detail = p.message
        if p.expected is not None:
            detail += f"; expected {p.expected}"
        if p.found is not None:
            detail += f"; found {p.found}"
        out = [(style, f"  {p.severity:<7} {p.code:<32} {where}: {detail}")]
        if p.fix:
            out.append(("dim", f"          fix: {p.fix}"))
        return out

    def render(self, every: bool = False) -> str:
        return "\n".join(text for _, text in self.render_lines(every))
