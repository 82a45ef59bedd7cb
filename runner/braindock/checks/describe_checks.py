"""Checks of `describe`: exits 0, prints only JSON on stdout, the JSON meets spec/v1/model-description."""
from __future__ import annotations

import json

from ..contract import schemas
from ..errors import Problem
from .result import CheckResult, SkipCheck, failed, passed, warned
from .session import ModelSession

WHERE = "describe (stdout)"


def exit_failure(result, action: str) -> CheckResult | None:
    """A failed result when the container timed out, ran out of memory or exited non-zero; else None."""
    if result.timed_out:
        return failed(f"`{action}` ran longer than the time limit ({result.duration_s:.0f} s)",
                      "make it faster, or ask for a longer limit (--timeout; limits.timeout_s in config.yaml)",
                      [Problem(action, "TIMEOUT", "killed at the time limit")], result.tail())
    if result.oom_killed:
        return failed(f"`{action}` was killed for exceeding the memory limit", "use less memory (--memory; limits.memory)",
                      [Problem(action, "OUT_OF_MEMORY", "killed by the memory limit")], result.tail())
    if result.exit_code != 0:
        return failed(f"`{action}` exited with status {result.exit_code}", "read the container's last log lines below",
                      [Problem(action, "CONTAINER_FAILED", f"exit status {result.exit_code}")], result.tail())
    return None


def check_describe_exits_zero(session: ModelSession) -> CheckResult:
    """`describe` runs with no mounts and exits 0."""
    result = session.describe_result
    return exit_failure(result, "describe") or passed(f"`describe` exited 0 in {result.duration_s:.1f} s")


def check_describe_prints_only_json(session: ModelSession) -> CheckResult:
    """stdout holds exactly one JSON document: logs belong on stderr."""
    result = session.describe_result
    if exit_failure(result, "describe"):
        raise SkipCheck("`describe` did not exit 0 (see describe_exits_zero)")
    try:
        json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        stray = next((line for line in lines if not line.lstrip().startswith(("{", "}", "[", "]", '"'))), lines[0] if lines else "")
        message = f"stdout is not one JSON document ({exc.msg} at line {exc.lineno}); first stray line: {stray[:120]!r}" if lines \
            else "stdout is empty"
        return failed("`describe` printed something other than the description JSON",
                      "print only the description JSON on stdout; send logs to stderr",
                      [Problem(WHERE, "BAD_JSON", message)])
    return passed("stdout is one JSON document")


def check_description_meets_schema(session: ModelSession) -> CheckResult:
    """The description meets spec/v1/model-description (every violation, with its JSON path)."""
    document = session.description_json()
    found = schemas.problems(document, "model-description", "describe")
    if found:
        return failed(f"the description breaks spec/v1/model-description in {len(found)} place(s)",
                      "fix each field below (spec/README.md shows a complete description)", found)
    regions = ", ".join(f"{r}={v['layer']}" for r, v in document["regions"].items())
    return passed(f"{document['identifier']}@{document['version']}, {document['modality']}, regions {regions}")


def check_description_says_what_it_is(session: ModelSession) -> CheckResult:
    """A `description` says what the model is and honestly what its weights are (a warning when absent)."""
    document = session.description()
    text = (document.get("description") or "").strip()
    if len(text) < 20:
        return warned("the description has no (or a very short) `description` text",
                      "add `description`: what the model is, and honestly where its weights come from (trained, seeded, none)",
                      [Problem("describe#/description", "NO_DESCRIPTION", "missing or shorter than 20 characters", severity="warning")])
    return passed(f"says: {text[:100]}{'...' if len(text) > 100 else ''}")
