"""Load spec/ JSON Schemas and turn every violation into a located Problem (all errors, not the first)."""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, ValidationError

if TYPE_CHECKING:  # jsonschema is imported when something is first validated, not by reading a schema
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError as SchemaViolation
    from referencing import Registry

SPEC_VERSION_DIR = "v1"
READABLE_MAJORS = ("1",)  # spec majors this runner reads: any 1.x document
SCHEMAS = (
    "common",
    "model-description",
    "run-request",
    "run-response",
    "benchmark-manifest",
    "stimulus-set",
    "neural-assembly",
    "behavioral-assembly",
    "score-record",
    "submission",
    "metrics",
    "ceilings",
    "normalizations",
)
# the `enum` of a name registry -> the problem code of an unknown name in it
_UNKNOWN_NAME = {"metrics": "UNKNOWN_METRIC", "ceilings": "UNKNOWN_CEILING", "normalizations": "UNKNOWN_NORMALIZATION"}

# jsonschema keyword -> stable problem code
_CODES = {
    "required": "MISSING_FIELD",
    "type": "WRONG_TYPE",
    "enum": "NOT_ALLOWED",
    "const": "NOT_ALLOWED",
    "pattern": "BAD_FORMAT",
    "minItems": "TOO_FEW",
    "minProperties": "TOO_FEW",
    "maxItems": "TOO_MANY",
    "minLength": "EMPTY",
    "minimum": "OUT_OF_RANGE",
    "maximum": "OUT_OF_RANGE",
    "exclusiveMinimum": "OUT_OF_RANGE",
    "uniqueItems": "DUPLICATE",
    "additionalProperties": "UNEXPECTED_FIELD",
    "items": "UNEXPECTED_ITEM",
    "prefixItems": "NOT_ALLOWED",
}


def spec_dir() -> Path:
    """The spec/ folder: $BRAINDOCK_SPEC_DIR, else the copy inside the package (braindock/spec, a link to the
    repository's spec/ in a checkout, the files themselves in a wheel), else the repository's spec/ next to runner/."""
    override = os.environ.get("BRAINDOCK_SPEC_DIR")
    if override:
        return Path(override)
    packaged = Path(__file__).resolve().parents[1] / "spec"
    return packaged if (packaged / SPEC_VERSION_DIR).is_dir() else Path(__file__).resolve().parents[3] / "spec"


@functools.cache
def _registry() -> Registry:
    from referencing import Registry, Resource

    folder = spec_dir() / SPEC_VERSION_DIR
    resources = []
    for path in sorted(folder.glob("*.schema.json")):
        contents = json.loads(path.read_text())
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """The schema document `name` (e.g. 'run-request')."""
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(SCHEMAS)}")
    return json.loads((spec_dir() / SPEC_VERSION_DIR / f"{name}.schema.json").read_text())


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    document = schema(name)
    return Draft202012Validator(_inline(document, _registry().resolver(document["$id"])), registry=_registry())


def _inline(node: Any, resolver, expanding: tuple[int, ...] = ()) -> Any:
    """`node` with each $ref replaced by the schema it names, so that validation does not look a reference up per
    array item (3x faster on a 640-stimulus run request); a reference inside its own expansion stays a $ref."""
    if isinstance(node, list):
        return [_inline(item, resolver, expanding) for item in node]
    if not isinstance(node, dict):
        return node
    rest = {key: _inline(value, resolver, expanding) for key, value in node.items() if key != "$ref"}
    if "$ref" not in node:
        return rest
    resolved = resolver.lookup(node["$ref"])
    if id(resolved.contents) in expanding:
        return node
    target = _inline(resolved.contents, resolved.resolver, (*expanding, id(resolved.contents)))
    return {"allOf": [target], **rest} if rest else target


def json_path(parts) -> str:
    """('stimuli', 3, 'sha256') -> '/stimuli/3/sha256' (JSON Pointer)."""
    return "/" + "/".join(str(p) for p in parts)


def _leaves(error: SchemaViolation):
    """The most specific errors: descend into anyOf/oneOf/allOf contexts instead of reporting their wrapper."""
    if error.context:
        for sub in error.context:
            yield from _leaves(sub)
    else:
        yield error


def _describe(error: SchemaViolation, where: str) -> Problem:
    keyword = str(error.validator)
    path = json_path(error.absolute_path)
    code = _CODES.get(keyword, "INVALID")
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        hint = (error.schema.get("properties", {}).get(missing) or {}).get("description", "")
        location = f"{path.rstrip('/')}/{missing}"
        return Problem(
            where=f"{where}#{location}",
            code=code,
            message=f"required field {missing!r} is missing",
            fix=f"add {missing!r} at {path}" + (f" ({hint})" if hint else ""),
        )
    if "propertyNames" in error.schema_path:  # the offending key itself is the location
        path = f"{path.rstrip('/')}/{error.instance}"
    if keyword == "additionalProperties" and isinstance(error.instance, dict):  # locate the one unexpected key
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        path = f"{path.rstrip('/')}/{extra[0]}" if len(extra) == 1 else path
    if keyword == "enum" and error.schema == schema("common")["$defs"]["region"]:
        code = "UNKNOWN_REGION"
    code = next((c for family, c in _UNKNOWN_NAME.items() if keyword == "enum" and error.schema == schema(family)["$defs"]["name"]), code)
    expected = error.schema.get(keyword) if keyword in ("enum", "const", "type", "pattern") else None
    return Problem(
        where=f"{where}#{path}",
        code=code,
        message=error.message if len(error.message) < 300 else error.message[:297] + "...",
        expected=None if expected is None else json.dumps(expected),
        fix=error.schema.get("description", "") or f"see spec/{SPEC_VERSION_DIR}/ for the {keyword!r} rule",
    )


def version_problem(document: Any, where: str = "") -> Problem | None:
    """A document of a spec major this runner does not read (e.g. "2.0"): one problem naming the majors it reads."""
    version = document.get("spec_version") if isinstance(document, dict) else None
    if not isinstance(version, str) or version.split(".")[0] in READABLE_MAJORS:
        return None
    return Problem(f"{where}#/spec_version", "UNSUPPORTED_SPEC_VERSION",
                   f"spec_version {version!r}: this runner reads spec {', '.join(m + '.x' for m in READABLE_MAJORS)} only",
                   "write the document for spec 1.x (spec/v1), or use a runner that reads this spec version",
                   expected=" or ".join(m + ".x" for m in READABLE_MAJORS), found=version)


def problems(document: Any, name: str, where: str = "") -> list[Problem]:
    """Every way `document` breaks schema `name`, sorted by location; a document of another spec major gets one
    problem saying which majors this runner reads (its other fields are not judged by v1's rules)."""
    unsupported = version_problem(document, where)
    if unsupported is not None:
        return [unsupported]
    found = []
    for error in _validator(name).iter_errors(document):
        found.extend(_describe(leaf, where) for leaf in _leaves(error))
    return sorted(set(found))


def require_valid(document: Any, name: str, where: str = "") -> Any:
    """Return `document` if it meets schema `name`; else raise ValidationError listing every problem."""
    found = [p for p in problems(document, name, where) if p.severity == "error"]
    if found:
        raise ValidationError(f"{where or 'document'} does not meet spec/{SPEC_VERSION_DIR}/{name}", found)
    return document


def load_json(path: Path, name: str, where: str | None = None, error: type[ValidationError] = ValidationError) -> Any:
    """Read a JSON file and validate it against schema `name`; unreadable JSON is a located problem too.

    `where` names the file in problems (default: its path); `error` is the ValidationError subclass raised.
    """
    where = where or str(path)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{where} not found", [Problem(where, "FILE_NOT_FOUND", "file does not exist", "write it")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(
            f"{where} is not valid JSON", [Problem(where, "BAD_JSON", str(exc), "write UTF-8 JSON (check quotes and commas)")]
        ) from None
    found = [p for p in problems(document, name, where) if p.severity == "error"]
    if found:
        raise error(f"{where} does not meet spec/{SPEC_VERSION_DIR}/{name}", found)
    return document
