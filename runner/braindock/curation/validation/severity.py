"""Severity config (like the BIDS validator's): raise or lower codes, ignore codes at locations matching a glob.

    # severity.yaml
    error: [REPETITIONS_TOO_FEW_FOR_CEILING]   # raise to error
    warning: [STIMULUS_NOT_RECORDED]           # lower to warning
    ignore:
      - code: LEGACY_COLUMN                    # everywhere
      - code: NAN_IN_DATA
        where: "*/pilot/*"                     # fnmatch glob on the problem's location
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ...errors import Problem, UsageError

KEYS = ("error", "warning", "ignore")
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class IgnoreRule:
    code: str
    where: str = "*"

    def matches(self, problem: Problem) -> bool:
        return (self.code == "*" or problem.code == self.code) and fnmatch.fnmatchcase(problem.where, self.where)


@dataclass(frozen=True)
class SeverityConfig:
    error: frozenset[str] = frozenset()
    warning: frozenset[str] = frozenset()
    ignore: tuple[IgnoreRule, ...] = field(default_factory=tuple)

    def apply(self, problems: list[Problem]) -> list[Problem]:
        if not (self.ignore or self.error or self.warning):
            return list(problems)
        out = []
        for problem in problems:
            if any(rule.matches(problem) for rule in self.ignore):
                continue
            if problem.code in self.error:
                problem = replace(problem, severity="error")
            elif problem.code in self.warning:
                problem = replace(problem, severity="warning")
            out.append(problem)
        return out

    @classmethod
    def from_dict(cls, raw: Any, where: str = "severity config") -> SeverityConfig:
        problems: list[Problem] = []
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise UsageError(f"{where} must be a mapping", [Problem(where, "WRONG_TYPE", f"found {type(raw).__name__}",
                                                                     f"use keys {', '.join(KEYS)}")])
        for key in raw:
            if key not in KEYS:
                problems.append(Problem(f"{where}#/{key}", "UNKNOWN_SETTING", f"unknown key {key!r}", f"use one of {', '.join(KEYS)}"))
        levels = {}
        for key in ("error", "warning"):
            codes = raw.get(key) or []
            if not isinstance(codes, list) or not all(isinstance(c, str) and CODE.match(c) for c in codes):
                problems.append(Problem(f"{where}#/{key}", "WRONG_TYPE", f"{key} must be a list of codes like NAN_IN_DATA",
                                        f"{key}: [CODE, ...]"))
                codes = []
            levels[key] = frozenset(codes)
        both = levels["error"] & levels["warning"]
        if both:
            problems.append(Problem(where, "CONFLICT", f"{sorted(both)} listed as both error and warning", "list each code once"))
        rules = []
        for i, item in enumerate(raw.get("ignore") or []):
            if isinstance(item, str):
                item = {"code": item}
            if not isinstance(item, dict) or not isinstance(item.get("code"), str) or set(item) - {"code", "where"} \
                    or not isinstance(item.get("where", "*"), str):
                problems.append(Problem(f"{where}#/ignore/{i}", "WRONG_TYPE", "ignore entries are {code: CODE, where: GLOB}",
                                        "e.g. - {code: NAN_IN_DATA, where: '*/pilot/*'}"))
                continue
            rules.append(IgnoreRule(item["code"], item.get("where", "*")))
        if problems:
            raise UsageError(f"{where} is not a valid severity config", problems)
        return cls(levels["error"], levels["warning"], tuple(rules))

    @classmethod
    def load(cls, path: str | Path) -> SeverityConfig:
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{path} not found", [Problem(str(path), "FILE_NOT_FOUND", "severity config does not exist", "check the path")]) from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path} is not valid YAML", [Problem(str(path), "BAD_YAML", f"not valid YAML; the YAML parser said: {str(exc)[:300]}",
                                                                                           "fix the YAML syntax")]) from None
        return cls.from_dict(raw, str(path))


def as_config(config: SeverityConfig | str | Path | dict | None) -> SeverityConfig:
    if config is None:
        return SeverityConfig()
    if isinstance(config, SeverityConfig):
        return config
    if isinstance(config, dict):
        return SeverityConfig.from_dict(config)
    return SeverityConfig.load(config)
