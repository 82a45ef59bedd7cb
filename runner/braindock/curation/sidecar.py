"""The metadata sidecar (meta.yaml): what a curator supplies that a brainio file lacks.

spec/v1/metadata-sidecar.schema.json is the one source of truth: the importer accepts exactly what it allows,
and the validator's hints and templates only propose keys it accepts, with its `examples` as values.

    attrs: {identifier: MajajHong2015.IT, species: Macaca mulatta, license: CC-BY-4.0, citation: "...", visual_degrees: 8}
    neuroid: {region: IT, subject: monkey1}     # one value for every neuroid
    presentation: {subject: subject1}           # one value for every presentation
    stimulus: {}                                # one value for every stimulus of a stimulus set
    time_bins: [[70, 170]]                      # [start_ms, end_ms) of each time bin
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from ..errors import Problem, UsageError, ValidationError

SCHEMA_FILE = "metadata-sidecar.schema.json"
SECTIONS = ("attrs", "neuroid", "presentation", "stimulus", "time_bins")
TIME_BIN_COORDS = ("time_bin_start", "time_bin_end")
STIMULUS_SET_FIELDS = ("identifier", "license", "citation", "modality", "description", "visual_degrees")
# which sidecar sections a kind of dataset can use, and the dimension each section's values go along
SECTION_DIMS = {"neuroid": "neuroid", "presentation": "presentation", "time_bins": "time_bin"}


@functools.cache
def schema() -> dict[str, Any]:
    """The sidecar schema document, from the spec/ folder every other schema comes from."""
    from ..contract.schemas import SPEC_VERSION_DIR, spec_dir

    return json.loads((spec_dir() / SPEC_VERSION_DIR / SCHEMA_FILE).read_text(encoding="utf-8"))


@functools.cache
def _validator():
    from jsonschema import Draft202012Validator

    from ..contract.schemas import _registry

    return Draft202012Validator(schema(), registry=_registry())


def varying(section: str) -> tuple[str, ...]:
    """Keys the schema refuses in `section` because their values differ item by item."""
    rule = schema()["properties"].get(section, {}).get("propertyNames", {})
    return tuple(rule.get("not", {}).get("enum", ()))


def accepts(section: str, key: str = "") -> bool:
    """Would the schema accept `key` in `section` (with its example value)?"""
    if section == "time_bins":
        return not key
    return section in SECTIONS and bool(key) and key not in varying(section)


def example(section: str, key: str = "") -> Any:
    """The schema's example for a key (or section), else None."""
    rule = schema()["properties"][section]
    if key:
        rule = rule.get("properties", {}).get(key, {})
    examples = rule.get("examples")
    return examples[0] if examples else None


def _yaml_value(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) or ":" in value or "," in value else value


def template(missing: list[tuple[str, str]]) -> str:
    """A YAML sidecar proposing the schema's example for every missing (section, key) it accepts."""
    lines: list[str] = []
    for section in SECTIONS:
        keys = sorted({key for s, key in missing if s == section and accepts(s, key)})
        if section == "time_bins" and any(s == "time_bins" for s, _ in missing):
            lines.append(f"time_bins: {json.dumps(example('time_bins'))}  # [start_ms, end_ms) of each time bin")
            continue
        if not keys:
            continue
        lines.append(f"{section}:")
        for key in keys:
            value = example(section, key)
            lines.append(f"  {key}: " + (_yaml_value(value) if value is not None else "...  # replace with the real value"))
    return "\n".join(lines)


def entry(section: str, key: str) -> str:
    """How a curator writes one key in the sidecar, e.g. `neuroid: {region: IT}`."""
    if section == "time_bins":
        return f"time_bins: {json.dumps(example('time_bins'))}"
    value = example(section, key)
    return f"{section}: {{{key}: {_yaml_value(value) if value is not None else '...'}}}"


def section_of(problem: Problem, coords_on: dict[str, str]) -> tuple[str, str] | None:
    """(section, key) of the sidecar that can supply what a MISSING_FIELD lacks; None when a sidecar cannot."""
    if problem.code not in ("MISSING_FIELD", "MISSING_METADATA"):
        return None
    parts = problem.where.split("#", 1)[-1].strip("/").split("/")
    if len(parts) == 1 and parts[0] in STIMULUS_SET_FIELDS:
        return "attrs", parts[0]
    if len(parts) == 2 and parts[0] == "attrs":
        return "attrs", parts[1]
    if len(parts) == 2 and parts[0] == "coords":
        if parts[1] in TIME_BIN_COORDS:
            return "time_bins", ""
        dim = coords_on.get(parts[1])
        if dim in ("neuroid", "presentation") and accepts(dim, parts[1]):
            return dim, parts[1]
    return None


def varies_fix(name: str, dim: str) -> str:
    """The fix for a missing coordinate whose values differ item by item (no constant can stand for it)."""
    return (f"{name!r} differs from {dim} to {dim}, so no single value can stand for it: add it from your "
            f"{'trial' if dim == 'presentation' else 'recording'} data, one value per {dim}: "
            f"array.assign_coords({name}=({dim!r}, values))")


def _describe(error, where: str) -> Problem:
    path = "/".join(str(p) for p in error.absolute_path)
    location = f"{where}#/{path}" if path else where
    schema_path = list(error.schema_path)
    if "propertyNames" in schema_path:
        section = path.split("/")[0]
        dim = "presentation" if section == "stimulus" else SECTION_DIMS.get(section, section)
        return Problem(f"{location}/{error.instance}", "VARIES_PER_ITEM",
                       f"{section}.{error.instance}: one value for every {dim} would corrupt the data ({error.instance} differs from {dim} to {dim})",
                       f"remove {error.instance!r} from the sidecar; " + varies_fix(str(error.instance), dim))
    if error.validator == "not" and isinstance(error.instance, str):
        return Problem(location, "PLACEHOLDER_VALUE", f"{error.instance!r} is a template placeholder, not data",
                       "replace it with the real value (the template's placeholders are never accepted)")
    if error.validator == "additionalProperties" and not path:
        unknown = sorted(set(error.instance) - set(SECTIONS))
        return Problem(f"{where}#/{unknown[0] if unknown else ''}", "UNKNOWN_SETTING",
                       f"unknown section(s) {', '.join(map(repr, unknown))}",
                       f"use the sections {', '.join(SECTIONS)}" + ("; the section is time_bins (plural)" if "time_bin" in unknown else ""))
    message = error.message if len(error.message) < 300 else error.message[:297] + "..."
    return Problem(location, "WRONG_TYPE" if error.validator == "type" else "BAD_METADATA",
                   f"looked for a valid {path or 'sidecar'}; {message}",
                   error.schema.get("description") or f"see spec/v1/{SCHEMA_FILE}")


def problems(raw: Any, where: str) -> list[Problem]:
    """Every way `raw` breaks the sidecar schema, as Problems with a fix."""
    if not isinstance(raw, dict):
        return [Problem(where, "WRONG_TYPE", f"looked for a mapping of sections; found a {type(raw).__name__}",
                        f"use the sections {', '.join(SECTIONS)}")]
    return sorted({_describe(error, where) for error in _validator().iter_errors(raw)})


def load_metadata(path: str | Path | dict | None) -> dict[str, Any]:
    """The sidecar as a dict; ValidationError listing every problem (placeholders, varying keys, unknown sections)."""
    if path is None:
        return {}
    if isinstance(path, dict):
        raw, where = path, "--metadata"
    else:
        import yaml

        path, where = Path(path), str(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise UsageError(f"{path} not found", [Problem(where, "FILE_NOT_FOUND", "looked for the metadata sidecar; no such file",
                                                           "check the --metadata path")]) from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{path} is not valid YAML", [Problem(where, "BAD_YAML", f"the YAML parser said: {str(exc)[:300]}",
                                                                        "fix the YAML syntax")]) from None
        except OSError as exc:
            raise UsageError(f"{path} cannot be read", [Problem(where, "FILE_UNREADABLE", f"the system said: {exc.strerror or exc}",
                                                               "check the path and its permissions")]) from None
    found = problems(raw, where)
    if found:
        raise ValidationError(f"{where} is not a valid metadata sidecar (spec/v1/{SCHEMA_FILE})", found)
    return raw


def absent_dims(meta: dict[str, Any], dims: tuple[str, ...] | list[str], kind: str, where: str = "--metadata") -> list[Problem]:
    """Sidecar values for dimensions (or sections) the dataset does not have: refused, never silently dropped."""
    out = []
    for section, value in meta.items():
        if not value:
            continue
        if kind == "stimulus-set" and section in SECTION_DIMS:
            out.append(Problem(f"{where}#/{section}", "ABSENT_DIMENSION", f"a stimulus set has no {SECTION_DIMS[section]} dimension for {section!r}",
                               f"remove {section!r}; it belongs in the assembly's sidecar (stimulus sets take attrs and stimulus)"))
        elif kind != "stimulus-set" and section == "stimulus":
            out.append(Problem(f"{where}#/stimulus", "ABSENT_DIMENSION", "an assembly has no stimulus columns for 'stimulus'",
                               "remove 'stimulus'; per-stimulus columns belong in the stimulus set's sidecar"))
        elif section in ("neuroid", "presentation") and section not in dims:
            out.append(Problem(f"{where}#/{section}", "ABSENT_DIMENSION",
                               f"looked for a {section!r} dimension to put {', '.join(sorted(value))} on; the file has dims {list(dims)}",
                               f"remove the {section!r} section, or import a file that has a {section} dimension"))
    return out
