"""Checks of determinism: same request and seed, bit-identical answers; another seed is accepted (it may differ)."""
from __future__ import annotations

import numpy as np

from ..errors import Problem, ResponseError
from .result import CheckResult, SkipCheck, failed, passed
from .session import ModelSession


def _readable(session: ModelSession, seed: int, attempt: int) -> dict:
    """region -> activations of a run whose every region was read without problems; SkipCheck otherwise."""
    found = session.activations(seed, attempt)
    broken = sorted(r for r, v in found.items() if isinstance(v, ResponseError))
    if broken:
        raise SkipCheck(f"the activations of {broken} (seed {seed}) break the contract (see the checks above)")
    return found


def _run_again(session: ModelSession, seed: int, attempt: int, who: str, where: str, exit_fix: str,
               contract_fix: str, contract_code: str) -> dict | CheckResult:
    """Activations of one more run, or the failed result saying why there are none (exit, or a broken answer)."""
    outcome = session.run(seed, attempt=attempt)
    if not outcome.ok:
        return failed(f"{who} exited {outcome.result.exit_code}", exit_fix,
                      [Problem(where, "CONTAINER_FAILED", f"exit status {outcome.result.exit_code}")], outcome.result.tail())
    try:
        return _readable(session, seed, attempt)
    except SkipCheck as skip:
        return failed(f"{who} broke the contract", contract_fix, [Problem(where, contract_code, skip.reason)])


def check_deterministic_for_fixed_seed(session: ModelSession) -> CheckResult:
    """Two runs of the same request (same seed) give bit-identical activations and behaviour."""
    first = _readable(session, 0, 0)
    second = _run_again(session, 0, 1, "the second run of the same request", "run seed 0 #2",
                        "the same request must succeed every time", "the same request must get the same valid answer",
                        "NOT_DETERMINISTIC")
    if isinstance(second, CheckResult):
        return second
    found = []
    for region, values in first.items():
        a, b = values.values, second[region].values
        if a.shape != b.shape or a.tobytes() != b.tobytes():
            differing = int(np.sum(a != b)) if a.shape == b.shape else a.size
            largest = float(np.max(np.abs(a - b))) if a.shape == b.shape else float("nan")
            found.append(Problem(f"activations/{region}", "NOT_DETERMINISTIC",
                                 f"{differing} of {a.size} values differ between two runs with seed 0 (largest difference {largest:.3g})",
                                 found=f"shapes {a.shape} and {b.shape}" if a.shape != b.shape else None))
    behaviour = [session.valid_response(0, attempt).get("behavior") for attempt in (0, 1)]
    if behaviour[0] != behaviour[1]:
        found.append(Problem("response.json#/behavior", "NOT_DETERMINISTIC", "behaviour differs between two runs with seed 0"))
    if found:
        return failed("the same request and seed gave different answers",
                      "seed every random choice from the request's seed (numpy.random.default_rng(seed), torch.manual_seed(seed)); "
                      "avoid time, os.urandom, thread-count-dependent reductions", found)
    return passed(f"bit-identical over two runs ({', '.join(first)})")


def check_other_seed_accepted(session: ModelSession) -> CheckResult:
    """A run with another seed (1) also meets the contract; its answers may differ from seed 0's."""
    first = _readable(session, 0, 0)  # no point in another seed while seed 0 fails
    other = _run_again(session, 1, 0, "the run with seed 1", "run seed 1", "accept any seed >= 0",
                       "answer every seed as you answer seed 0", "BAD_RESPONSE")
    if isinstance(other, CheckResult):
        return other
    same = all(first[r].values.tobytes() == other[r].values.tobytes() for r in first)
    return passed("seed 1 gives the same answers as seed 0 (a deterministic model)" if same else "seed 1 gives other answers than seed 0 (allowed)")
