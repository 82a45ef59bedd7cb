"""Validate datasets and benchmark exports against spec/ and the checks a schema cannot express.

Public API: `validate_path(path, kind=None, config=None) -> Report` and
`validate_benchmark_export(folder) -> list[Problem]`.
"""
from __future__ import annotations

from .export import validate_benchmark_export
from .report import Report

__all__ = ["Report", "validate_benchmark_export"]
