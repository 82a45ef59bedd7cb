"""Validate datasets and benchmark exports against spec/ and the checks a schema cannot express.

Public API:
  validate_path(path, kind=None, config=None) -> Report      # any one dataset / manifest / model / export
  validate_benchmark_export(folder) -> list[Problem]          # what the pipeline runs before ingesting
"""
from __future__ import annotations

from .api import check, validate_path, validate_paths
from .kinds import KINDS, detect_kind
from .report import Report
from .severity import SeverityConfig


def __getattr__(name: str):
    """validate_benchmark_export loads the assembly checks (xarray): only when asked for."""
    if name == "validate_benchmark_export":
        from .export import validate_benchmark_export

        return validate_benchmark_export
    raise AttributeError(name)

__all__ = ["KINDS", "Report", "SeverityConfig", "check", "detect_kind", "validate_benchmark_export", "validate_path", "validate_paths"]
