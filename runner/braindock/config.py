"""One Settings object, resolved once from BRAINDOCK_HOME (and its config.yaml), printable with `braindock config`."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, UsageError


@dataclass(frozen=True)
class Limits:
    """Resource limits for every model container; each overridable in config.yaml under `limits:`."""

    memory: str = "4g"
    cpus: float = 2.0
    pids: int = 512
    timeout_s: float = 1800.0
    user: str = "65534:65534"  # nobody:nogroup; containers never run as root
    network: str = "none"
    output: str = "2g"  # most a model may write to /output (its files past this size are refused, the run stopped)


@dataclass(frozen=True)
class Settings:
    home: Path
    engine: str = "docker"
    limits: Limits = field(default_factory=Limits)

    @property
    def ledger_path(self) -> Path:
        return self.home / "ledger.sqlite"

    @property
    def store_dir(self) -> Path:
        return self.home / "store"

    @property
    def work_dir(self) -> Path:
        return self.home / "work"

    @property
    def spool_dir(self) -> Path:
        """Finished score records waiting for the ledger (provenance.spool)."""
        return self.home / "spool"

    @property
    def suites_dir(self) -> Path:
        """One folder per suite: its plan, its jobs, the model runs' inputs, the workers' logs and failures."""
        return self.home / "suites"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["home"] = str(self.home)
        out.update(ledger=str(self.ledger_path), store=str(self.store_dir), work=str(self.work_dir),
                   spool=str(self.spool_dir), suites=str(self.suites_dir))
        return out


def _from_yaml(path: Path, base: Settings) -> Settings:
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML", [Problem(str(path), "BAD_YAML", str(exc), "fix the YAML syntax")])
    known_top = {"engine", "limits"}
    known_limits = {f.name for f in fields(Limits)}
    problems = [
        Problem(f"{path}#/{key}", "UNKNOWN_SETTING", f"unknown setting {key!r}", f"use one of {sorted(known_top)}")
        for key in raw if key not in known_top
    ] + [
        Problem(f"{path}#/limits/{key}", "UNKNOWN_SETTING", f"unknown limit {key!r}", f"use one of {sorted(known_limits)}")
        for key in (raw.get("limits") or {}) if key not in known_limits
    ]
    if problems:
        raise UsageError(f"{path} has unknown settings", problems)
    limits = replace(base.limits, **(raw.get("limits") or {}))
    return replace(base, engine=raw.get("engine", base.engine), limits=limits)


def load_settings(home: str | os.PathLike | None = None) -> Settings:
    """Settings from `home`, else $BRAINDOCK_HOME, else ~/.braindock; config.yaml there overrides defaults."""
    root = Path(home or os.environ.get("BRAINDOCK_HOME") or Path.home() / ".braindock").expanduser().resolve()
    settings = Settings(home=root)
    config_file = root / "config.yaml"
    if config_file.exists():
        settings = _from_yaml(config_file, settings)
    if "BRAINDOCK_ENGINE" in os.environ:
        settings = replace(settings, engine=os.environ["BRAINDOCK_ENGINE"])
    return settings
