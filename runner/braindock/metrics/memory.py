"""Memory for the metrics' arrays, faulted in once per process: glibc's malloc thresholds keep freed memory for the
next array instead of handing it back to the kernel to be faulted in again, 4 KB page by page, and `fault_in`
touches a heap and BLAS's buffers at import, so that a process's first call does not pay for them.

glibc serves a block above its mmap threshold (128 KB at start) by mmap and unmaps it on free; freeing one raises
the threshold to that block's size (up to 32 MB) and the trim threshold to twice that. So a fresh process faults
in its first metric call's temporaries twice (mmapped, then from the heap once the threshold has risen past
them), and a block still above the threshold is faulted in again at every call. We start where glibc's own
adjustment ends: 32 MB and 64 MB. Page faults cost 0.5-2.5 ms a MB on the 2-core VM the README's numbers come
from, more where the kernel first compacts memory for a huge page; `fault_in` pays for a first call's at import
(the bench's cold-start table, tests/bench/bench_metrics.py, counts them).
"""
from __future__ import annotations

import ctypes

import numpy as np
from scipy.linalg import blas

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # <malloc.h>
MMAP_THRESHOLD = 32 * 2 ** 20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems


def keep_freed_memory() -> bool:
    """Set both thresholds for this process; False where the C library has no mallopt (not glibc) or refuses."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD))


HEAP_BYTES = 48 * 2 ** 20  # below the trim threshold, so freeing keeps it: a small-size call's temporaries
WARM_UP_SIZE = 1024  # the order of the BLAS products run once at import (their packing buffers)


def fault_in(heap_bytes: int = HEAP_BYTES, chunk: int = 16 * 2 ** 20) -> bool:
    """Set the thresholds, touch `heap_bytes` of malloc's heap and free it (chunks below the mmap threshold come
    from the heap, which the trim threshold keeps), then run one BLAS syrk and gemm of WARM_UP_SIZE (OpenBLAS's
    own packing buffers): a first metric call's temporaries land on memory the process already holds. About
    80 ms at import, once per process; False where the C library has no mallopt."""
    if not keep_freed_memory():
        return False
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    blocks = [libc.malloc(chunk) for _ in range(heap_bytes // chunk)]
    for block in blocks:
        if block:
            ctypes.memset(block, 0, chunk)
    for block in blocks:
        libc.free(ctypes.c_void_p(block))
    square = np.ones((WARM_UP_SIZE, WARM_UP_SIZE))
    blas.dsyrk(1.0, square, trans=1)
    blas.dgemm(1.0, square, square)
    return True
