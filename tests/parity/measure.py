"""How each side measures one metric call: its wall time and, for --memory, its peak memory. Imported by
compare.py (braindock's venv) and brainscore_side.py (the Brain-Score venv), which both run as scripts from this
folder, so both sides measure alike; it imports only the standard library."""
from __future__ import annotations

import time
import tracemalloc

SHORT_S = 1.0  # a call shorter than this is repeated: one call of a few milliseconds measures mostly noise
REPEATS = 3  # calls of a short metric at least; the shortest counts (other processes only ever add time)
BUDGET_S = 1.0  # and more calls, until they take this long together: the shortest of 3 calls of a few
MAX_CALLS = 200  # milliseconds still varied 2-3x between runs on a shared 2-core machine
LONG_S = 30.0  # a call up to this long is made twice and the shorter counts: a first call's page faults are not
# the metric's work (the RSA ceiling's floor at the large size: 2.1 s on a first call, 0.5 s on the next, on this
# VM); a longer call is timed once


def seconds_of(call) -> tuple[object, float]:
    """(the first call's result, its wall seconds; for a call under SHORT_S, the shortest of at least REPEATS
    calls, more until they add up to BUDGET_S, at most MAX_CALLS; under LONG_S, the shorter of two)."""
    start = time.perf_counter()
    result = call()
    seconds = total = time.perf_counter() - start
    calls = 1
    while _again(seconds, total, calls):
        start = time.perf_counter()
        call()
        elapsed = time.perf_counter() - start
        seconds, total, calls = min(seconds, elapsed), total + elapsed, calls + 1
    return result, seconds


def _again(seconds: float, total: float, calls: int) -> bool:
    if seconds < SHORT_S:
        return calls < MAX_CALLS and (calls < REPEATS or total < BUDGET_S)
    return calls < 2 and seconds < LONG_S


def peak_bytes(call) -> int:
    """Peak bytes that `call()` held at once above the traced level at its start, by tracemalloc: Python objects
    and numpy's buffers (numpy reports them to tracemalloc), not BLAS/LAPACK workspaces or other C allocations."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        level = tracemalloc.get_traced_memory()[0]
        call()
        return tracemalloc.get_traced_memory()[1] - level
    finally:
        if started:
            tracemalloc.stop()
