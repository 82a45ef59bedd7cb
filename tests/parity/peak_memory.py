"""Peak memory of one call, for --memory: imported by compare.py (braindock's venv) and brainscore_side.py (the
Brain-Score venv), which both run as scripts from this folder; it imports only the standard library."""
from __future__ import annotations

import tracemalloc


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
