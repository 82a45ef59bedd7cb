"""The result of validating one or more paths: every Problem found, plus facts learnt on the way."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import Problem


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
        self.problems = sorted(set(self.problems))

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

    def render_lines(self) -> list[tuple[str, str]]:
        """(style, text) lines of the human report, grouped by file; style is a rich style or ''."""
        lines: list[tuple[str, str]] = []
        for target in self.targets:
            lines.append(("bold", f"{target['path']} ({target['kind']})"))
        for path, problems in self.by_file().items():
            lines.append(("", ""))
            lines.append(("bold underline", path))
            for p in problems:
                style = "red" if p.severity == "error" else "yellow"
                where = p.where[len(path):].lstrip("#:") or "(file)"
                detail = p.message
                if p.expected is not None:
                    detail += f"; expected {p.expected}"
                if p.found is not None:
                    detail += f"; found {p.found}"
                lines.append((style, f"  {p.severity:<7} {p.code:<32} {where}: {detail}"))
                if p.fix:
                    lines.append(("dim", f"          fix: {p.fix}"))
        lines.append(("", ""))
        verdict = "valid" if self.valid else "INVALID"
        lines.append(("bold green" if self.valid else "bold red",
                      f"{verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"))
        return lines

    def render(self) -> str:
        return "\n".join(text for _, text in self.render_lines())
