"""What a check returns: passed / failed / skipped (or passed with a warning), a reason, a fix and its problems."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..errors import Problem


class Status(str, Enum):
    PASSED = "passed"
    WARNED = "warned"    # passed, but something deserves a look (does not change the exit status)
    FAILED = "failed"
    SKIPPED = "skipped"  # could not be checked because an earlier step failed; the reason says which


class SkipCheck(Exception):
    """Raised inside a check when what it needs is unavailable (e.g. `describe` failed, so nothing can be run)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckResult:
    check: str  # the check function's name without the `check_` prefix
    status: Status
    reason: str
    fix: str = ""
    problems: tuple[Problem, ...] = ()
    details: str = ""  # e.g. the container's last log lines

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}

    def to_dict(self) -> dict:
        return {"check": self.check, "status": self.status.value, "reason": self.reason, "fix": self.fix,
                "problems": [p.to_dict() for p in self.problems], "details": self.details}


def passed(reason: str, problems=()) -> CheckResult:
    return CheckResult("", Status.PASSED, reason, "", tuple(problems))


def warned(reason: str, fix: str, problems=()) -> CheckResult:
    return CheckResult("", Status.WARNED, reason, fix, tuple(problems))


def failed(reason: str, fix: str, problems=(), details: str = "") -> CheckResult:
    return CheckResult("", Status.FAILED, reason, fix, tuple(problems), details)


@dataclass(frozen=True)
class CheckReport:
    image: str
    image_id: str
    modality: str | None
    results: tuple[CheckResult, ...] = field(default_factory=tuple)

    def by_check(self) -> dict[str, CheckResult]:
        return {r.check: r for r in self.results}

    def count(self, status: Status) -> int:
        return sum(r.status is status for r in self.results)

    @property
    def ok(self) -> bool:
        return self.count(Status.FAILED) == 0

    @property
    def exit_code(self) -> int:
        """0 when nothing failed (warnings allowed), 1 when any check failed."""
        return 0 if self.ok else 1

    def summary(self) -> str:
        passing = self.count(Status.PASSED) + self.count(Status.WARNED)
        text = f"{passing} passed, {self.count(Status.FAILED)} failed, {self.count(Status.SKIPPED)} skipped"
        return text + (f" ({self.count(Status.WARNED)} with warnings)" if self.count(Status.WARNED) else "")

    def to_dict(self) -> dict:
        return {"image": self.image, "image_id": self.image_id, "modality": self.modality, "ok": self.ok,
                "exit_code": self.exit_code, "summary": self.summary(), "results": [r.to_dict() for r in self.results]}
