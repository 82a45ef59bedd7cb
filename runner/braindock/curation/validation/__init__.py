"""Validate datasets and benchmark exports against spec/ and the checks a schema cannot express.

Public API:
  validate_path(path, kind=None, config=None) -> Report      # any one dataset / manifest / model / export
  validate_benchmark_export(folder) -> list[Problem]          # what the pipeline runs before ingesting
"""
from __future__ import annotations

from .api import check, validate_path, validate_paths
from .export import validate_benchmark_export
from .kinds import KINDS, detect_kind
from .report import Report
from .severity import SeverityConfig

__all__ = ["KINDS", "Report", "SeverityConfig", "check", "detect_kind", "validate_benchmark_export", "validate_path", "validate_paths"]
