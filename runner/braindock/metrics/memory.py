"""glibc's malloc thresholds for the metrics' arrays: freed memory is kept for the next array instead of being
handed back to the kernel and faulted in again, 4 KB page by page.

glibc serves a block above its mmap threshold (128 KB at start) by mmap and unmaps it on free; freeing one raises
the threshold to that block's size (up to 32 MB) and the trim threshold to twice that. So a fresh process faults
in its first metric call's temporaries twice (mmapped, then from the heap once the threshold has risen past
them), and a block still above the threshold is faulted in again at every call. We start where glibc's own
adjustment ends: 32 MB and 64 MB. Page faults cost 0.5-2.5 ms a MB on the 2-core VM the README's numbers come
from; the bench's cold-start table (tests/bench/bench_metrics.py) counts them.
"""
from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # <malloc.h>
MMAP_THRESHOLD = 32 * 2 ** 20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems


def keep_freed_memory() -> bool:
    """Set both thresholds for this process; False where the C library has no mallopt (not glibc) or refuses."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD))
