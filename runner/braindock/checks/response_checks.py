"""Checks of `run` on the bundled stimuli: exit 0, a valid response.json, every stimulus answered once and in
order, declared shapes and dtypes, finite values. The contract rules themselves live in braindock.responses;
these checks only sort its located problems by the property they concern."""
from __future__ import annotations

from ..errors import Problem, ResponseError
from .describe_checks import exit_failure
from .result import CheckResult, SkipCheck, failed, passed
from .session import ModelSession

ID_CODES = {"MISSING_REGION", "MISSING_STIMULUS", "UNKNOWN_STIMULUS", "DUPLICATE_STIMULUS", "WRONG_ORDER"}
SHAPE_CODES = {"WRONG_TIME_BINS", "WRONG_SHAPE", "WRONG_DTYPE", "COORD_LENGTH", "BAD_NPY"}
FINITE_CODES = {"NAN_IN_ACTIVATIONS"}


def _problems(session: ModelSession, codes: set[str]) -> tuple[list[Problem], dict[str, set[str]]]:
    """Problems with `codes` over every region, and region -> codes of every region whose reading failed."""
    found, errored = [], {}
    for region, value in session.activations().items():
        if isinstance(value, ResponseError):
            errored[region] = {p.code for p in value.problems}
            found += [p for p in value.problems if p.code in codes]
    return found, errored


def check_run_exits_zero(session: ModelSession) -> CheckResult:
    """`run` on the bundled stimuli exits 0 within the limits."""
    outcome = session.run()
    n = len(outcome.request["stimuli"])
    return exit_failure(outcome.result, "run") or passed(f"answered a request of {n} stimuli in {outcome.result.duration_s:.1f} s")


def check_response_meets_schema(session: ModelSession) -> CheckResult:
    """/output/response.json exists, meets spec/v1/run-response and copies the request's request_id."""
    try:
        response = session.response()
    except ResponseError as error:
        return failed(error.message, "write /output/response.json as in spec/README.md (worked example)", error.problems)
    return passed(f"response.json answers request {response['request_id']} with regions {sorted(response.get('activations', {}))}")


def check_answers_every_stimulus(session: ModelSession) -> CheckResult:
    """Every committed region answers every requested stimulus exactly once, in request order."""
    found, _ = _problems(session, ID_CODES)
    if found:
        return failed("not every stimulus is answered exactly once, in request order",
                      "write one row per requested stimulus, in the request's order, and list their ids in stimulus_ids", found)
    n = len(session.run().request["stimuli"])
    return passed(f"{n} stimuli answered once each, in order, for {len(session.activations())} region(s)")


def check_shapes_and_dtypes(session: ModelSession) -> CheckResult:
    """Each region's .npy is float32 of shape (stimuli, neuroids, time_bins) with the requested time bins."""
    found, errored = _problems(session, SHAPE_CODES)
    if found:
        return failed("activations do not have the shape, dtype or time bins the contract demands",
                      "save float32 arrays of shape (stimuli, neuroids, time_bins), one slice per requested bin", found)
    unread = {r: c for r, c in errored.items() if "PATH_ESCAPES_OUTPUT" in c}
    if unread:
        raise SkipCheck(f"the .npy of {sorted(unread)} could not be opened (see files_stay_in_output)")
    shapes = [f"{r} {tuple(v.shape)}" for r, v in session.activations().items() if not isinstance(v, ResponseError)]
    shapes += [f"{r} (rows as answered)" for r in errored]  # shape and dtype were checked; other problems are reported above
    return passed("float32 " + ", ".join(shapes))


def check_declared_neuroids(session: ModelSession) -> CheckResult:
    """A region that declares `neuroids` in its description reports exactly that many."""
    declared = {r: v["neuroids"] for r, v in session.description()["regions"].items() if "neuroids" in v}
    if not declared:
        raise SkipCheck("the description declares no `neuroids` counts")
    found = []
    for region, count in declared.items():
        value = session.activations().get(region)
        if value is None or isinstance(value, ResponseError):
            continue
        if value.sizes["neuroid"] != count:
            found.append(Problem(f"{session.who} response.json#/activations/{region}/file", "NEUROID_COUNT",
                                 f"{region} reports {value.sizes['neuroid']} neuroids but the description declares {count}",
                                 expected=str(count), found=str(value.sizes["neuroid"])))
    if found:
        return failed("regions report another number of neuroids than they declare",
                      "make describe#/regions/<region>/neuroids match the arrays (or leave it out)", found)
    return passed(", ".join(f"{r} {n}" for r, n in declared.items()))


def check_finite_values(session: ModelSession) -> CheckResult:
    """No NaN or infinity in any activation."""
    found, errored = _problems(session, FINITE_CODES)
    if found:
        return failed("activations hold NaN or infinity", "look for division by zero, log of zero or overflow", found)
    others = {r: sorted(c - FINITE_CODES) for r, c in errored.items() if c - FINITE_CODES}
    if others:
        raise SkipCheck(f"values were not read: {others} (see the checks above)")
    return passed("every value is finite")
