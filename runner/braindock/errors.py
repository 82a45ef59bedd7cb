"""Every user-facing failure is a BraindockError carrying Problems: what, where, expected, found, fix."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix without reading code."""

    where: str  # file, JSON path (/a/0/b), CSV row:column, netCDF coordinate or stimulus_id
    code: str  # stable, machine-readable (e.g. MISSING_FIELD, SHA256_MISMATCH)
    message: str
    fix: str = ""
    severity: str = "error"  # error | warning
    expected: str | None = None
    found: str | None = None

    def render(self) -> str:
        parts = [f"[{self.code}] {self.where}: {self.message}"]
        if self.expected is not None:
            parts.append(f"expected {self.expected}")
        if self.found is not None:
            parts.append(f"found {self.found}")
        text = "; ".join(parts)
        return f"{text}\n    fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict:
        return asdict(self)


class BraindockError(Exception):
    """Base of every error braindock reports to a user; `exit_code` is the CLI's exit status."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None, details: str = ""):
        super().__init__(message)
        self.message = message
        self.problems = sorted(problems or [])
        self.details = details

    def render(self) -> str:
        lines = [self.message]
        lines += [f"  - {p.render()}" for p in self.problems]
        if self.details:
            lines += ["", self.details]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "problems": [p.to_dict() for p in self.problems],
            "details": self.details,
        }


class ValidationError(BraindockError):
    """Input does not meet spec/; nothing was stored."""


class UsageError(BraindockError):
    """The command could not run as asked (unknown name, missing file, bad option)."""

    exit_code = 2


class EngineError(BraindockError):
    """The container engine is unreachable or refused an operation."""

    exit_code = 2


class ContainerError(BraindockError):
    """A container exited non-zero, timed out or was killed; carries its last log lines."""


class ResponseError(ValidationError):
    """A model container's response breaks the contract (missing stimulus, shape, NaN...)."""


class MetricError(BraindockError):
    """A metric cannot be computed on the given data (mismatched ids, too few stimuli, NaN...)."""
