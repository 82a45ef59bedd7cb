"""What one checker hands back: its problems, the facts it measured, and what cross-checks need."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import Problem


@dataclass
class Checked:
    problems: list[Problem] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    stimulus_ids: set[str] | None = None  # ids defined (stimulus set) or used (assembly); None = unknown
    columns: set[str] = field(default_factory=set)  # per-stimulus columns / coordinate names

    def add(self, *problems: Problem) -> None:
        self.problems.extend(problems)
