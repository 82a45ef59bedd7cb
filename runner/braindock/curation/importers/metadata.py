"""The metadata sidecar a curator writes to supply what an imported dataset lacks, and its template.

    # meta.yaml
    attrs:                 # dataset attributes (assemblies) or top-level fields (stimulus_set.json)
      identifier: MajajHong2015.IT
      species: Macaca mulatta
      method: multi-unit array
      units: spikes/s
      license: CC-BY-4.0
      citation: "Majaj et al. 2015, J Neurosci"
    neuroid:               # constant coordinates on every neuroid
      region: IT
      subject: monkey1
    presentation: {}       # constant coordinates on every presentation
    stimulus: {}           # constant columns on every stimulus of a stimulus set
    time_bins: [[70, 170]] # the one time bin of an assembly without a time_bin dimension
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ...errors import Problem, UsageError

SECTIONS = ("attrs", "neuroid", "presentation", "stimulus", "time_bins")
EXAMPLES = {
    "identifier": "MyLab2024.IT", "species": "Macaca mulatta", "method": "multi-unit array", "units": "spikes/s",
    "license": "CC-BY-4.0", "citation": "\"Author et al. 2024, Journal\"", "modality": "image",
    "region": "IT  # one of V1, V2, V4, IT, language", "subject": "monkey1", "truth": "LABEL", "choice": "LABEL",
}
TIME_BIN_COORDS = ("time_bin_start", "time_bin_end")


def load_metadata(path: str | Path | None) -> dict[str, Any]:
    """The sidecar as a dict with known sections only; a UsageError lists unknown keys and bad shapes."""
    if path is None:
        return {}
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise UsageError(f"{path} not found", [Problem(str(path), "FILE_NOT_FOUND", "metadata file does not exist", "check the path")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is not valid YAML", [Problem(str(path), "BAD_YAML", str(exc)[:300], "fix the YAML syntax")]) from None
    problems = []
    if not isinstance(raw, dict):
        raise UsageError(f"{path} must be a mapping", [Problem(str(path), "WRONG_TYPE", f"found {type(raw).__name__}",
                                                                f"use sections {', '.join(SECTIONS)}")])
    for key, value in raw.items():
        if key not in SECTIONS:
            problems.append(Problem(f"{path}#/{key}", "UNKNOWN_SETTING", f"unknown section {key!r}", f"use one of {', '.join(SECTIONS)}"))
        elif key == "time_bins":
            if not (isinstance(value, list) and all(isinstance(b, list) and len(b) == 2 and all(isinstance(x, (int, float)) for x in b) for b in value)):
                problems.append(Problem(f"{path}#/time_bins", "WRONG_TYPE", "time_bins is a list of [start_ms, end_ms]", "time_bins: [[70, 170]]"))
        elif not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
            problems.append(Problem(f"{path}#/{key}", "WRONG_TYPE", f"{key} maps names to single values", f"{key}: {{name: value}}"))
    if problems:
        raise UsageError(f"{path} is not a valid metadata sidecar", problems)
    return raw


def section_of(problem: Problem, coords_on: dict[str, str]) -> tuple[str, str] | None:
    """(section, key) of the sidecar that supplies what a MISSING_FIELD problem lacks; None if metadata can't."""
    if problem.code != "MISSING_FIELD":
        return None
    parts = problem.where.split("#", 1)[-1].strip("/").split("/")
    if len(parts) == 1 and parts[0] in ("identifier", "license", "citation", "modality", "description"):
        return "attrs", parts[0]
    if len(parts) == 2 and parts[0] == "attrs":
        return "attrs", parts[1]
    if len(parts) == 2 and parts[0] == "coords":
        if parts[1] in TIME_BIN_COORDS:
            return "time_bins", ""
        dim = coords_on.get(parts[1])
        if dim in ("neuroid", "presentation"):
            return dim, parts[1]
    return None


def template(missing: list[tuple[str, str]]) -> str:
    """A YAML sidecar with an example value for every (section, key) missing."""
    lines: list[str] = []
    for section in SECTIONS:
        keys = sorted({key for s, key in missing if s == section})
        if not keys:
            continue
        if section == "time_bins":
            lines.append("time_bins: [[70, 170]]  # [start_ms, end_ms) of the one time bin")
            continue
        lines.append(f"{section}:")
        lines.extend(f"  {key}: {EXAMPLES.get(key, '...')}" for key in keys)
    return "\n".join(lines)
