"""Gram matrices accumulated over blocks of feature columns, so model activations are never copied whole.

Activations may arrive memory-mapped (responses.py loads .npy files with mmap_mode='r'). `align` keeps the
source as `Rows` (the array and which rows to use); everything reads it BLOCK_COLUMNS columns at a time
as float64, so peak memory is O(n^2 + n * BLOCK_COLUMNS) for n stimuli, whatever the number of features.
The block size is fixed, not derived from a memory budget: an in-memory and a memory-mapped copy of the
same data then give bit-identical Grams, hence bit-identical scores.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.linalg import blas

BLOCK_COLUMNS = 2048  # 2048 x 3200 stimuli x 8 bytes = 52 MB per block; large enough for BLAS to run at full speed


@dataclass(frozen=True)
class Rows:
    """Rows `rows` (in order) of a 2-d array that may be memory-mapped, read a block of columns at a time."""

    values: np.ndarray
    rows: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows.size, self.values.shape[1]

    def blocks(self):
        """(first column, the selected rows of BLOCK_COLUMNS columns as float64), left to right. Read-only:
        a view of the array itself when no conversion or reordering is needed (no copy to pay for)."""
        everything = self.rows.size == self.values.shape[0] and (self.rows == np.arange(self.rows.size)).all()
        for start in range(0, self.values.shape[1], BLOCK_COLUMNS):
            block = np.asarray(self.values[:, start:start + BLOCK_COLUMNS], dtype=np.float64)
            block = block if everything else block[self.rows]
            block.flags.writeable = False
            yield start, block

    def dense(self) -> np.ndarray:
        """All selected rows as one float64 array (only for callers whose memory is O(rows x columns) anyway)."""
        dense = np.empty(self.shape)
        for start, block in self.blocks():
            dense[:, start:start + block.shape[1]] = block
        return dense


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b with scipy's BLAS, as the Gram, returned in Fortran order. numpy and scipy load separate OpenBLAS
    builds whose thread pools keep spinning after a call and halve each other's speed when calls alternate
    between them; the metrics' large products therefore all go through scipy's."""
    (a, trans_a), (b, trans_b) = _fortran(a), _fortran(b)
    return blas.dgemm(1.0, a, b, trans_a=trans_a, trans_b=trans_b)


def _fortran(a: np.ndarray) -> tuple[np.ndarray, int]:
    """a as BLAS reads it without a copy: itself (Fortran order), or the Fortran view of its transpose (C
    order), flagged for BLAS to transpose back; only other strides are copied. Same bits either way."""
    if a.flags.f_contiguous:
        return a, 0
    return (a.T, 1) if a.flags.c_contiguous else (np.asfortranarray(a), 0)


def as_rows(values) -> Rows:
    return values if isinstance(values, Rows) else Rows(values, np.arange(values.shape[0]))


def gram(values, row_means: np.ndarray | None = None) -> np.ndarray:
    """X X^T of `values` (array or Rows) with X centred per column, or per row by subtracting `row_means`.

    Column-centred: the linear kernel, for fits that are invariant to shifting the features (regression,
    CKA). Row-centred: covariances between stimuli (RDMs). Accumulated block by block with BLAS syrk.
    """
    return symmetric_from_upper(gram_triangle(values, row_means))


def gram_triangle(values, row_means: np.ndarray | None = None, lower: bool = False) -> np.ndarray:
    """`gram` as BLAS leaves it, for callers that read one triangle only: a Fortran-ordered array whose upper
    (or, with `lower`, lower) triangle, diagonal included, holds X X^T, the other triangle zero. The transpose
    of the lower one is a C array holding the upper triangle, read row by row from contiguous memory (an RDM's
    pairs: twice as fast as from the Fortran upper triangle); syrk gives the same bits in either triangle."""
    values = as_rows(values)
    n = values.shape[0]
    total = np.zeros((n, n), order="F")
    for _, block in values.blocks():
        block = block - (block.mean(axis=0) if row_means is None else row_means[:, None])
        # syrk on the transposed (Fortran-ordered) view: total += block @ block.T, one triangle only
        total = blas.dsyrk(1.0, block.T, beta=1.0, c=total, trans=1, lower=int(lower), overwrite_c=1)
    return total


def split_kernels(values, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One split's linear kernels, training x training and test x training, of `values` (array or Rows) centred
    with the training rows' column means: the split's fit without the kernel of all stimuli. Block by block."""
    values = as_rows(values)
    k_tt = np.zeros((train.size, train.size), order="F")
    k_st = np.zeros((test.size, train.size))
    for _, block in values.blocks():
        training = block[train]  # a copy, centred in place
        mean = training.mean(axis=0)
        training -= mean
        k_tt = blas.dsyrk(1.0, training.T, beta=1.0, c=k_tt, trans=1, overwrite_c=1)  # as in `gram`
        # k_st^T += training @ testing^T, on Fortran views of C arrays
        k_st = blas.dgemm(1.0, training.T, (block[test] - mean).T, beta=1.0, c=k_st.T, trans_a=1, overwrite_c=1).T
    return symmetric_from_upper(k_tt), k_st


def symmetric_from_upper(matrix: np.ndarray, tile: int = 256) -> np.ndarray:
    """The symmetric matrix whose upper triangle a LAPACK/BLAS routine filled in Fortran order (as a C array).

    Its transpose is a C array with the lower triangle filled; we mirror it tile by tile, in place
    (a whole-matrix transpose runs at a fifth of the speed on large matrices: cache misses).
    """
    out = matrix.T
    for i in range(0, out.shape[0], tile):
        rows = slice(i, i + tile)
        for j in range(0, i, tile):
            out[j:j + tile, rows] = out[rows, j:j + tile].T
        diagonal = out[rows, rows]
        np.copyto(diagonal, diagonal.T, where=strict_upper(diagonal.shape[0]))
    return out


@lru_cache(maxsize=8)
def strict_upper(n: int) -> np.ndarray:
    """Mask of the strict upper triangle of an n x n matrix, made once per size (read-only): the diagonal
    tiles of symmetric_from_upper, and the RDM triangles (a 3,200-stimulus mask takes 16 ms to build)."""
    mask = np.triu(np.ones((n, n), dtype=bool), 1)
    mask.flags.writeable = False
    return mask
