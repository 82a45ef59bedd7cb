"""Linear regressions (PLS, ridge, ridge-CV, OLS) fitted in the dual (kernel) space, all targets at once.

Every regression here is a linear map fitted on centred training features with an intercept, so its
test predictions depend on the features only through the linear kernel K = X X^T. With more features
than stimuli we compute K once for all stimuli (`Features`, block by block from a possibly memory-mapped
source), and no split touches the features again; a split fitted alone takes its two kernels straight from its own
rows instead (`gram.split_kernels`). With fewer features we work with the features directly.
Each fit covers every neuroid in one matrix operation.

Ridge, ridge-CV and OLS do not even refit per split (`Deletion`): with an unpenalised intercept they solve
the bordered system B z = [y; 0], B = [[K + alpha I, 1], [1^T, 0]]. With N = B^-1 for all stimuli and D the
stimuli left out of a training set, the partitioned inverse gives exactly z_D = N_DD (y_D - yhat_D), where
yhat_D is what the fit on the training set alone predicts: one inverse serves every split, each split
costs one |D| x |D| solve. Its Schur complement N_RR - N_RD N_DD^-1 N_DR is the training set's own inverse,
which gives RidgeCV's exact leave-one-out residuals per split. Used when the kernel (plus alpha) is
numerically full rank (1-norm condition number below 1 / (1000 max(n, p) eps)); otherwise, with fewer
features than stimuli, and for ridge-CV over more than DELETION_ALPHAS_PER_SPLIT alphas per split (Brain-Score's
99-value list), each split is refitted from the kernel's (or features') eigendecomposition, which serves every
alpha at once (`_loo_errors`).

Equivalences (checked against scikit-learn in tests/metrics/test_regression.py):
- `pls`: sklearn PLSRegression(n_components, scale=False) (NIPALS, "regression" deflation). The
  x-weights are the dominant left singular vectors of X_k^T Y_k; NIPALS finds them by power iteration,
  we take the exact eigenvector, so predictions agree to the power method's tolerance.
- `ridge`: sklearn Ridge(alpha, fit_intercept=True).
- `ridgecv`: sklearn RidgeCV(alphas, fit_intercept=True): exact leave-one-out (generalised CV) error of
  every alpha on the training set, one alpha per split chosen by mean squared LOO error over all stimuli
  and neuroids (RidgeCV's alpha_per_target=False), then ridge with that alpha.
- `ols`: sklearn LinearRegression(): the minimum-norm least-squares solution (pseudo-inverse);
  singular values below max(n, p) * eps * largest (kernel: eigenvalues below that fraction) are zero.
  With more features than stimuli and a full-rank kernel it interpolates the training set, and is the
  bordered system with alpha = 0 (same constraints X w + b = y, same objective min |w|).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from functools import cache, cached_property

import numpy as np
import scipy.linalg
from scipy.linalg import blas, lapack
from threadpoolctl import ThreadpoolController

from .alignment import fail
from .gram import as_rows, gram, matmul, split_kernels, symmetric_from_upper

REGRESSIONS = ("pls", "ridge", "ridgecv", "ols")
DEFAULT_RIDGE_ALPHA = 1.0  # Brain-Score's ridge_regression default
DEFAULT_RIDGECV_ALPHAS = tuple(np.logspace(-3, 3, 7))
# ridge-CV: an n^3 inverse per alpha (deletion) against an eigendecomposition (~10 n^3) per split; measured: with 10
# splits, 7 alphas favour the inverses, Brain-Score's 99 the eigendecompositions
DELETION_ALPHAS_PER_SPLIT = 2


class Features:
    """Model features for all stimuli; `split` gives a per-split view centred on its training set.

    With more features than stimuli we use the linear kernel K = X X^T of the column-centred features
    (computed once, on first use, for every split); otherwise the centred features themselves. Both give
    identical fits. `features` is an array or `gram.Rows` (possibly memory-mapped).
    """

    def __init__(self, features):
        self.rows = as_rows(features)
        n, self.n_features = self.rows.shape
        self.dual = self.n_features >= n

    @cached_property
    def values(self) -> np.ndarray:
        """The kernel of all stimuli (dual), or the features centred per column (primal)."""
        if self.dual:
            return gram(self.rows)
        values = self.rows.dense()
        values -= values.mean(axis=0, keepdims=True)  # fits are shift-invariant; gains precision
        return values

    def split(self, train: np.ndarray, test: np.ndarray, alone: bool = False) -> DualSplit | PrimalSplit:
        """The split's view. alone: it is the only split fitted, so its kernels come straight from its own rows
        (the kernel of all stimuli pays off only when several splits share it)."""
        if self.dual and alone:
            return DualSplit(*split_kernels(self.rows, train, test), self.n_features)
        if self.dual:
            k_tt = self.values[np.ix_(train, train)]
            k_st = self.values[np.ix_(test, train)]
            row_means = k_tt.mean(axis=0)
            grand = row_means.mean()
            k_tt = k_tt - row_means[:, None] - row_means[None, :] + grand
            k_st = k_st - k_st.mean(axis=1, keepdims=True) - row_means[None, :] + grand
            return DualSplit((k_tt + k_tt.T) / 2, k_st, self.n_features)
        mean = self.values[train].mean(axis=0, keepdims=True)
        return PrimalSplit(self.values[train] - mean, self.values[test] - mean)


class Deletion:
    """Kernel ridge (alpha > 0) or minimum-norm OLS (alpha = 0) with an unpenalised intercept, solved once on
    every stimulus; the held-out predictions of any split follow exactly, without refitting (module docstring).

    N_KK = M - m m^T / s with M = (K + alpha I + c 1 1^T)^-1, m = M 1, s = 1^T m (formed once, in M's buffer).
    The c 1 1^T term changes no fit (the intercept absorbs it) but makes the constant direction, K's null
    vector, positive definite.
    """

    def __init__(self, inverse: np.ndarray, y: np.ndarray):
        ones = inverse.sum(axis=1)
        # N_KK in place of M (.T: the Fortran view of the C array; the update is symmetric)
        self.inverse = blas.dger(-1.0 / ones.sum(), ones, ones, a=inverse.T, overwrite_a=1).T
        self.mean = y.mean(axis=0)  # predictions shift with y; centring gains precision
        self.y = y - self.mean
        self.z = matmul(self.inverse, self.y)

    @classmethod
    def fit(cls, features: Features, y: np.ndarray, alpha: float,
            scratch: np.ndarray | None = None) -> Deletion | None:
        """The full-data solution, or None when the kernel plus alpha is numerically singular (refit per split).
        The inverse is computed in `scratch` (n x n) if given: one buffer serves several alphas in turn."""
        if not features.dual:
            return None
        kernel = features.values
        n = kernel.shape[0]
        system = np.add(kernel, np.trace(kernel) / n ** 2, out=scratch)  # c = mean eigenvalue / n
        system[np.diag_indices(n)] += alpha
        norm = _norm_1(system)
        inverse = _inverse_positive_definite(system)
        limit = 1.0 / (1e3 * max(n, features.n_features) * np.finfo(float).eps)  # the pseudo-inverse's cut
        if inverse is None or norm * _norm_1(inverse) > limit:
            return None
        return cls(inverse, y)

    def predict(self, train: np.ndarray, test: np.ndarray) -> np.ndarray:
        """Test predictions of the fit on `train` alone: y_D - N_DD^-1 z_D for the stimuli D outside it."""
        left_out, at = _left_out(self.y.shape[0], train, test)
        factor = _cholesky(self.inverse[np.ix_(left_out, left_out)])  # N_DD = C C^T
        residual = lapack.dpotrs(factor, self.z[left_out], lower=1)[0]
        return (self.y[left_out] - residual)[at] + self.mean

    def cross_validate(self, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, float]:
        """Test predictions of the fit on `train`, and its mean squared leave-one-out error on `train`."""
        left_out, at = _left_out(self.y.shape[0], train, test)
        n_d = np.take(self.inverse, left_out, axis=0)
        factor = _cholesky(n_d[:, left_out])  # N_DD = C C^T
        q = blas.dtrsm(1.0, factor, n_d[:, train].T, side=1, lower=1, trans_a=1, overwrite_b=1)  # N_RD C^-T
        w = blas.dtrsm(1.0, factor, self.z[left_out], lower=1)  # C^-1 z_D
        # the training set's own inverse N_RR - N_RD N_DD^-1 N_DR = N_RR - q q^T: its diagonal, its product with y_R
        diagonal = self.inverse[train, train] - (q * q).sum(axis=1)
        scaled = np.take(self.z, train, axis=0)  # becomes the LOO residuals times the diagonal: z_R - q w
        blas.dgemm(-1.0, w, q, beta=1.0, c=scaled.T, trans_a=1, trans_b=1, overwrite_c=1)
        loo_mse = (np.einsum("ij,ij->i", scaled, scaled) / diagonal ** 2).sum() / scaled.size  # no numpy BLAS
        residual = blas.dtrsm(1.0, factor, w, lower=1, trans_a=1, overwrite_b=1)  # N_DD^-1 z_D
        return (self.y[left_out] - residual)[at] + self.mean, float(loo_mse)


def _left_out(n: int, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray | slice]:
    """Stimuli outside `train` (the test set, plus any stimulus in neither) and where `test` sits among them."""
    if train.size + test.size == n:  # the usual partition
        return test, slice(None)
    left_out = np.setdiff1d(np.arange(n), train)
    return left_out, np.searchsorted(left_out, test)


def _norm_1(symmetric: np.ndarray, rows: int = 256) -> float:
    """Largest absolute row sum (the 1-norm of a symmetric matrix), a few rows at a time: no n x n temporary."""
    return max(np.abs(symmetric[i:i + rows]).sum(axis=1).max() for i in range(0, symmetric.shape[0], rows))


def _cholesky(matrix: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor (Fortran order) of a symmetric positive definite matrix."""
    factor, info = lapack.dpotrf(matrix.T, lower=1)  # .T: the Fortran view of a C array (symmetric)
    if info != 0:
        raise np.linalg.LinAlgError(f"held-out block is not positive definite (LAPACK dpotrf info={info})")
    return factor


def _inverse_positive_definite(matrix: np.ndarray) -> np.ndarray | None:
    """Inverse of a symmetric positive definite matrix (overwritten) by Cholesky, or None if it is not one.

    scipy's LAPACK here and for the per-split products (`gram.matmul`, `_cholesky`, `Deletion`), as for the
    Gram (see gram.matmul).
    """
    factor, info = lapack.dpotrf(matrix.T, lower=0, overwrite_a=1)  # .T: the Fortran view of a C array
    if info != 0:
        return None
    inverse, info = lapack.dpotri(factor, lower=0, overwrite_c=1)
    return symmetric_from_upper(inverse) if info == 0 else None


class DualSplit:
    """Training kernel and test-by-train kernel, centred with the training means of the features."""

    def __init__(self, k_tt: np.ndarray, k_st: np.ndarray, n_features: int):
        self.k_tt, self.k_st, self.n_features = k_tt, k_st, n_features
        self.n_train = k_tt.shape[0]

    def train_dot(self, m: np.ndarray) -> np.ndarray:
        return self.k_tt @ m

    def test_dot(self, m: np.ndarray) -> np.ndarray:
        return self.k_st @ m

    def eig(self, pseudo_inverse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Non-zero eigenvalues of the training kernel, their eigenvectors, and K_test,train @ eigenvectors.

        The constant vector (the intercept's direction, eigenvalue 0) is always dropped. Eigenvalues carry
        rounding of about n * eps * largest; for a pseudo-inverse we cut 1000 times above that.
        """
        # scipy's LAPACK and BLAS, as every large product of the ridge-CV path (see gram.matmul); on one thread:
        # the tridiagonal reduction synchronises its threads at every one of its n steps, and on a busy machine a
        # second thread waiting for a core made it ten times slower
        with blas_threads().limit(limits=1):
            eigenvalues, vectors = scipy.linalg.eigh(self.k_tt, driver="evd", check_finite=False)
        relative = (1e3 if pseudo_inverse else 10.0) * max(self.n_train, self.n_features) * np.finfo(float).eps
        keep = eigenvalues > eigenvalues.max(initial=0.0) * relative
        keep[int(np.argmax(np.abs(vectors.sum(axis=0))))] = False
        vectors = vectors[:, keep]
        return eigenvalues[keep], vectors, matmul(self.k_st, vectors)

    def ridge(self, y: np.ndarray, alpha: float) -> np.ndarray:
        """K + alpha I is positive definite (a centred kernel, alpha > 0): Cholesky, half LU's work; LU only if
        rounding makes it indefinite (alpha tiny next to K). scipy's LAPACK after the Gram's scipy BLAS: numpy's
        pool, woken up next to scipy's, ran 5x slower."""
        def system() -> np.ndarray:
            k = self.k_tt.copy()
            k.flat[::self.n_train + 1] += alpha
            return k.T  # the Fortran view (symmetric)

        solution, info = lapack.dposv(system(), y, overwrite_a=1)[1:]
        if info > 0:
            solution, info = lapack.dgesv(system(), y, overwrite_a=1)[2:]
        if info != 0:
            raise np.linalg.LinAlgError(f"the ridge system is singular (LAPACK dgesv info={info})")
        return matmul(self.k_st, solution)


class PrimalSplit:
    """Training and test features centred with the training means (fewer features than stimuli)."""

    def __init__(self, train: np.ndarray, test: np.ndarray):
        self.train, self.test = train, test
        self.n_train, self.n_features = train.shape

    def train_dot(self, m: np.ndarray) -> np.ndarray:
        return self.train @ (self.train.T @ m)

    def test_dot(self, m: np.ndarray) -> np.ndarray:
        return self.test @ (self.train.T @ m)

    def eig(self, pseudo_inverse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        u, s, vt = np.linalg.svd(self.train, full_matrices=False)
        keep = s > s.max(initial=0.0) * max(self.train.shape) * np.finfo(float).eps  # numpy lstsq's cutoff
        return s[keep] ** 2, u[:, keep], self.test @ (vt[keep].T * s[keep])

    def ridge(self, y: np.ndarray, alpha: float) -> np.ndarray:
        eigenvalues, vectors, test_vectors = self.eig()
        return test_vectors @ ((vectors.T @ y) / (eigenvalues + alpha)[:, None])


@cache
def blas_threads() -> ThreadpoolController:
    """The process's BLAS thread pools, inspected once (a fresh inspection reads every loaded library: ~5 ms,
    as long as a whole small fit); numpy's and scipy's OpenBLAS are both loaded by this module's imports."""
    return ThreadpoolController()


def held_out_predictions(kind: str, features: Features, y: np.ndarray, splits, *, n_components: int = 25,
                         alphas=None) -> Iterable[tuple[np.ndarray, dict]]:
    """Test predictions (test, neuroid) and fit details of `kind` fitted on each split's training rows of y, in
    split order (a refit per split is made as it is consumed, so only one split's prediction need be held)."""
    if kind not in REGRESSIONS:
        raise fail(f"unknown regression {kind!r}; known regressions: {list(REGRESSIONS)}",
                   "parameters.regression", "UNKNOWN_REGRESSION", expected=list(REGRESSIONS), found=kind)
    if kind == "ridgecv":
        grid = _alpha_grid(alphas)
        # one full-data inverse per alpha serves every split; one eigendecomposition per split serves every alpha
        deleted = _ridgecv_deleted(features, y, splits, grid) if grid.size <= DELETION_ALPHAS_PER_SPLIT * len(splits) else None
        return deleted or _refits(kind, features, y, splits, n_components, grid)
    deletion = None
    if kind == "ols" or (kind == "ridge" and len(splits) > 1):  # one ridge split: its own solve is cheaper
        alpha = _single_alpha(alphas) if kind == "ridge" else 0.0
        deletion = Deletion.fit(features, y, alpha)
    if deletion is None:
        return _refits(kind, features, y, splits, n_components, alphas)
    return [(deletion.predict(train, test), {"alpha": alpha} if kind == "ridge" else {}) for train, test in splits]


def _refits(kind: str, features: Features, y: np.ndarray, splits, n_components: int, alphas) -> Iterator[tuple[np.ndarray, dict]]:
    """One refit per split, made when asked for. PLS: hundreds of small products alternating numpy's and scipy's
    (LAPACK) BLAS, whose two thread pools would fight over the cores between calls; one thread each is faster and
    gives the same bits."""
    for train, test in splits:
        with blas_threads().limit(limits=1) if kind == "pls" else nullcontext():
            result = _refit(kind, features.split(train, test, alone=len(splits) == 1), y, train, n_components, alphas)
        yield result  # outside the limit: the consumer's own work between splits keeps its threads


def _ridgecv_deleted(features, y, splits, grid) -> list | None:
    """RidgeCV on every split from one full-data inverse per alpha (None if one is numerically singular)."""
    errors = np.empty((len(splits), grid.size))
    predictions = np.empty((len(splits), grid.size), dtype=object)
    scratch = np.empty_like(features.values) if features.dual else None
    for a, alpha in enumerate(grid):  # one inverse in memory at a time, always in the same buffer
        deletion = Deletion.fit(features, y, alpha, scratch)
        if deletion is None:
            return None
        for s, (train, test) in enumerate(splits):
            predictions[s, a], errors[s, a] = deletion.cross_validate(train, test)
    best = np.argmin(errors, axis=1)
    return [(predictions[s, b], {"alpha": float(grid[b]), "loo_mse": errors[s].tolist()}) for s, b in enumerate(best)]


def _refit(kind: str, split: DualSplit | PrimalSplit, y: np.ndarray, train: np.ndarray, n_components: int,
           alphas) -> tuple[np.ndarray, dict]:
    """Fit on one split's training rows `train` of y and predict its test set; returns (prediction, fit details)."""
    if kind == "pls":
        rows = TrainingRows(y, train)
        prediction, details = _pls(split, rows, n_components)
        return prediction + rows.mean, details
    y_centred = np.take(y, train, axis=0)  # a copy, centred in place (one training-set copy of y, not two)
    y_mean = y_centred.mean(axis=0, keepdims=True)
    y_centred -= y_mean
    if kind == "ridge":
        alpha = _single_alpha(alphas)
        prediction, details = split.ridge(y_centred, alpha), {"alpha": alpha}
    elif kind == "ridgecv":
        prediction, details = _ridgecv(split, y_centred, _alpha_grid(alphas))
    else:
        eigenvalues, vectors, test_vectors = split.eig(pseudo_inverse=True)
        prediction, details = test_vectors @ ((vectors.T @ y_centred) / eigenvalues[:, None]), {}
    return prediction + y_mean, details


def _single_alpha(alphas) -> float:
    if alphas is None:
        return DEFAULT_RIDGE_ALPHA
    values = np.atleast_1d(np.asarray(alphas, dtype=np.float64))
    if values.size != 1 or not values[0] > 0:
        raise fail(f"regression='ridge' takes one positive alpha in `alphas`, got {alphas!r}",
                   "parameters.alphas", "BAD_PARAMETER", fix="pass alphas=1.0, or use regression='ridgecv'")
    return float(values[0])


def _alpha_grid(alphas) -> np.ndarray:
    values = np.atleast_1d(np.asarray(DEFAULT_RIDGECV_ALPHAS if alphas is None else alphas, dtype=np.float64))
    if values.size == 0 or not (values > 0).all():
        raise fail(f"`alphas` must be positive numbers, got {alphas!r}", "parameters.alphas", "BAD_PARAMETER")
    return values


def _ridgecv(split, y, alphas):
    """RidgeCV's generalised cross-validation from one eigendecomposition of the training kernel: the exact
    leave-one-out residuals c_i / G^-1_ii of every alpha (`_loo_errors`), then ridge with the best alpha."""
    eigenvalues, vectors, test_vectors = split.eig()
    projected = matmul(vectors.T, y)  # (component, neuroid)
    errors = _loo_errors(eigenvalues, vectors, projected, y, alphas)
    best = int(np.argmin(errors))
    alpha = float(alphas[best])
    prediction = matmul(test_vectors, projected / (eigenvalues + alpha)[:, None])
    return prediction, {"alpha": alpha, "loo_mse": errors.tolist()}


def _loo_errors(eigenvalues, vectors, projected, y, alphas) -> np.ndarray:
    """Mean squared leave-one-out error of ridge for every alpha, with the intercept unpenalised:
    residuals c = V W P + O / alpha and G^-1 diagonal g = (V*V) w + (1 - leverage - 1/n) / alpha, where
    W = diag(w), w_k = 1 / (l_k + alpha), P = V^T y and O = y - V P (the part of y outside the kernel's range).

    Evaluating c for every alpha costs stimuli x components x neuroids each (what scikit-learn's RidgeCV pays
    per alpha). We need only its row norms, |c_i|^2 = sum_kl V_ik V_il w_k w_l M_kl + (2/alpha) (V*R w)_i +
    |O_i|^2 / alpha^2 with M = P P^T, R = O P^T; by partial fractions w_k w_l = (w_k - w_l) / (l_l - l_k)
    (k != l), the double sum is (V*V diag M) w^2 + 2 (V*Z) w with Z = V D, D_lk = M_kl / (l_l - l_k): one
    matrix product per alpha *vector*, all alphas at once. Close eigenvalues make that sum cancel, so each
    value carries a rounding bound (the same sums over absolute values, times 4 (components + 10) eps; for V D,
    Cauchy-Schwarz's bound on its sums over absolute values); every
    alpha whose interval could hold the minimum is then evaluated directly, as before. The chosen alpha is
    therefore exactly the direct computation's (the first of equal minima, as RidgeCV); a sole candidate keeps
    its estimate (the minimum whatever its last bits).

    A kernel of full rank (n - 1 components besides the constant vector) spans every centred y: O = 0 and
    1 - leverage - 1/n = 0 exactly, and their terms are left out (computed, they would be rounding alone).
    """
    n, q = y.shape
    alphas = np.asarray(alphas, dtype=np.float64)
    squares = vectors ** 2
    full_rank = vectors.shape[1] == n - 1
    outside = None if full_rank else y - matmul(vectors, projected)
    h = None if full_rank else 1.0 - squares.sum(axis=1) - 1.0 / n  # the G^-1 diagonal's 1/alpha part

    def direct(alpha):
        w = 1.0 / (eigenvalues + alpha)
        residual = matmul(vectors, w[:, None] * projected)
        diagonal = matmul(squares, w[:, None])[:, 0]
        if not full_rank:
            residual += outside / alpha
            diagonal += h / alpha
        return float(np.mean((residual / diagonal[:, None]) ** 2))

    r = eigenvalues.size
    if alphas.size * q <= 4 * r:  # few alphas and neuroids: the direct way is cheaper
        return np.array([direct(a) for a in alphas])
    w = 1.0 / (eigenvalues[:, None] + alphas[None, :])  # (component, alpha)
    # the norms and their rounding bound are sums of four terms each, added in place one term at a time (same
    # order, same bits): each (stimulus, component) or (component, component) temporary is dropped once its term
    # is added, so that at most three are held at once besides V and V*V
    m = matmul(projected, projected.T)
    norms = matmul(squares * np.diag(m), w * w)
    bound = norms.copy()  # its sum over absolute values is itself: diag M = row norms of P, never negative
    d = np.subtract.outer(eigenvalues, eigenvalues)
    with np.errstate(divide="ignore"):
        np.divide(1.0, d, out=d)  # d[l, k] = 1 / (l_l - l_k)
    np.fill_diagonal(d, 0.0)
    d *= m  # d[l, k] = M_kl / (l_l - l_k)  (M symmetric)
    del m
    vz = matmul(vectors, d)  # V * Z, Z = V D
    vz *= vectors
    norms += 2.0 * matmul(vz, w)
    del vz
    # the rounding of V D is at most that of the sums over |V| |D|, and by Cauchy-Schwarz (|V| |D|)_ik <=
    # |V_i| |D_k| (row and column 2-norms): a bound that needs no second stimuli x components^2 product. Its
    # term sum_k |V_ik| |D_k| w_k is bounded once more by Cauchy-Schwarz, |V_i| |D w| (no product at all); only
    # if that looser bound leaves several candidates (or overflows) is the term itself computed
    row_norms = np.sqrt(squares.sum(axis=1))
    column_norms = np.sqrt(np.einsum("lk,lk->k", d, d))
    del d
    diagonal2 = matmul(squares, w)
    if not full_rank:
        r_out = matmul(outside, projected.T)  # V * R
        r_out *= vectors
        norms += 2.0 * matmul(r_out, w) / alphas
        bound += 2.0 * matmul(np.abs(r_out, out=r_out), w) / alphas
        del r_out
        outside_norms = (outside ** 2).sum(axis=1)[:, None] / alphas ** 2
        norms += outside_norms
        bound += outside_norms
        diagonal2 += h[:, None] / alphas
    diagonal2 **= 2
    estimate = (norms / diagonal2).sum(axis=0) / (n * q)
    if not np.isfinite(estimate).all():
        return np.array([direct(a) for a in alphas])

    def candidates(term: np.ndarray) -> np.ndarray | None:
        """The alphas whose interval could hold the minimum (None: a bound overflowed)."""
        bound_sum = (bound + 2.0 * term) * (4.0 * (r + 10) * np.finfo(float).eps)
        slack = (bound_sum / diagonal2).sum(axis=0) / (n * q)
        return np.flatnonzero(estimate - slack <= np.min(estimate + slack)) if np.isfinite(slack).all() else None

    chosen = candidates(np.outer(row_norms ** 2, np.sqrt(np.einsum("ka,ka->a", w, w * column_norms[:, None] ** 2))))
    if chosen is None or chosen.size > 1:
        chosen = candidates(row_norms[:, None] * matmul(np.abs(vectors) * column_norms, w))
    if chosen is None:
        return np.array([direct(a) for a in alphas])
    if chosen.size > 1:  # beyond the candidates (or for a sole one): the estimate
        for i in chosen:
            estimate[i] = direct(alphas[i])
    return estimate


def _top_eigenvector(m: np.ndarray) -> np.ndarray:
    """Dominant eigenvector of the symmetric matrix m (LAPACK's dsyevr for the top eigenpair only: about a
    quarter of a full eigendecomposition, deterministic, no iteration tolerance)."""
    q = m.shape[0]
    return scipy.linalg.eigh(m, subset_by_index=[q - 1, q - 1], driver="evr", overwrite_a=True,
                             check_finite=False)[1][:, 0]


class TrainingRows:
    """The rows `train` of y, centred, never copied: PLS needs only the products m^T Y and Y c with them, which
    read all of y in place (zeros in m at the other rows; the centring is a rank-one correction). In
    Brain-Score's reverse direction y is the model's activations: a split holds no stimuli x targets copy."""

    def __init__(self, y: np.ndarray, train: np.ndarray):
        self.y, self.train = y, train
        self.shape = (train.size, y.shape[1])
        self.mean = np.zeros(y.shape[1])  # t_dot's correction subtracts sum(m) x mean: none for the mean itself
        self.mean = self.t_dot(np.full(train.size, 1.0 / train.size))
        self.squares = sum(np.einsum("ij,ij->", block, block) for _, block in self._blocks())  # |Y|_F^2

    def _blocks(self) -> Iterator[tuple[slice, np.ndarray]]:
        """(rows of the training set, those rows of Y centred), 16 MB at a time."""
        step = max(1, 2 ** 21 // max(1, self.shape[1]))
        for start in range(0, self.train.size, step):
            rows = slice(start, start + step)
            yield rows, np.take(self.y, self.train[rows], axis=0) - self.mean

    def t_dot(self, m: np.ndarray) -> np.ndarray:
        """m^T Y for m (training stimulus, ...)."""
        padded = np.zeros((self.y.shape[0],) + m.shape[1:])
        padded[self.train] = m
        return padded.T @ self.y - np.multiply.outer(m.sum(axis=0), self.mean)

    def dot(self, c: np.ndarray) -> np.ndarray:
        """Y c for c (target, ...)."""
        return (self.y @ c)[self.train] - self.mean @ c

    def near_zero(self, scores: np.ndarray, b: np.ndarray, limit: float) -> bool:
        """Whether every entry of the residual Y - scores b (scores with orthonormal columns, b = scores^T Y) is
        below `limit` in magnitude. Only entries under that give |Y|^2 - |b|^2 below n q limit^2 (up to its
        rounding): the rows are read only then."""
        residual = self.squares - np.einsum("ij,ij->", b, b)
        rounding = 8.0 * (self.shape[0] + b.shape[0]) * np.finfo(float).eps * self.squares
        if residual > self.y.shape[1] * self.shape[0] * limit ** 2 + rounding:
            return False
        return all(np.abs(block - scores[rows] @ b).max() < limit for rows, block in self._blocks())


def _pls(split, y: TrainingRows, n_components):
    """Kernel form of NIPALS PLS2 with regression-mode deflation (sklearn PLSRegression, scale=False).

    With T the x-scores so far (orthonormal columns) and Q = I - T T^T: c_k is the top eigenvector of
    M_k = Y^T Q K Q Y (neuroid x neuroid), u_k = Q Y c_k and t_k = Q K Q Y c_k. M_k follows from
    Y^T K Y and the small products B = T^T Y, E = T^T K Y, F = T^T K T (M_k = Y^T K Y - B^T E - E^T B
    + B^T F B), so a component costs O(stimuli x neuroids + neuroids^2 x components) besides its
    eigenvector. With fewer features p than targets (a PrimalSplit), M_k = A^T A for A = X^T Q Y (p x targets),
    and c is A^T v / |A^T v| for the top eigenvector v of the p x p matrix A A^T (never a targets^2 matrix). The PLS coefficients give test predictions K_st U (T^T K U)^-1 T^T Y.
    """
    n, n_features = split.n_train, split.n_features
    limit = min(n - 1, n_features)
    if not isinstance(n_components, (int, np.integer)) or not 1 <= n_components <= limit:
        raise fail(f"PLS n_components={n_components!r} must be an integer between 1 and {limit} "
                   f"(training stimuli - 1 = {n - 1}, features = {n_features})", "parameters.n_components",
                   "BAD_PARAMETER", fix=f"pass n_components <= {limit} or score on more stimuli")
    # fewer features than targets (e.g. recordings -> model, Brain-Score's reverse predictivity): M_k = A^T A with
    # A = X^T Q Y (features x targets), so c is A^T v for the top eigenvector v of the small A A^T
    narrow = isinstance(split, PrimalSplit) and n_features < y.shape[1]
    if narrow:  # A A^T = P - X_T R^T - R X_T^T + X_T (B B^T) X_T^T, with P = X^T Y Y^T X, X_T = X^T T, R = X^T Y B^T
        x_y = y.t_dot(split.train)  # K Y = X (X^T Y) is never formed: K Y c = X (x_y c), a stimuli x targets array less
        k_y = None
        p_xy = x_y @ x_y.T
        x_t, r = np.zeros((n_features, 0)), np.zeros((n_features, 0))
    else:  # K Y = (Y^T K)^T, K symmetric
        k_y = y.t_dot(split.k_tt) if isinstance(split, DualSplit) else split.train @ y.t_dot(split.train)
        g = y.t_dot(k_y)
    scores_t, k_t, scores_u = (np.zeros((n, 0)) for _ in range(3))
    b, e = np.zeros((0, y.shape[1])), np.zeros((0, y.shape[1]))
    f = np.zeros((0, 0))
    y_eps = np.finfo(float).eps
    for _ in range(n_components):
        if y.near_zero(scores_t, b, 10 * y_eps):  # sklearn stops when the Y residual is constant
            break
        if narrow:
            cross = x_t @ r.T
            m = p_xy - cross - cross.T + x_t @ (b @ b.T) @ x_t.T
            v = _top_eigenvector((m + m.T) / 2)
            c = x_y.T @ v - b.T @ (x_t.T @ v)  # A^T v
            c /= np.sqrt(c @ c)
        else:
            cross = b.T @ e
            m = g - cross - cross.T + b.T @ (f @ b)
            c = _top_eigenvector((m + m.T) / 2)
        bc = b @ c
        u = y.dot(c) - scores_t @ bc
        t = (split.train @ (x_y @ c) if narrow else k_y @ c) - k_t @ bc
        t -= scores_t @ (scores_t.T @ t)
        norm = np.sqrt(t @ t)
        if not norm > 0:
            break
        t /= norm
        k_new = split.train_dot(t)
        f = np.block([[f, (scores_t.T @ k_new)[:, None]], [k_t.T @ t, t @ k_new]])
        scores_t, k_t, scores_u = (np.column_stack([a, v]) for a, v in ((scores_t, t), (k_t, k_new), (scores_u, u)))
        t_y, k_new_y = y.t_dot(np.column_stack([t, k_new]))
        b, e = np.vstack([b, t_y]), np.vstack([e, k_new_y])
        if narrow:
            x_t, r = np.column_stack([x_t, split.train.T @ t]), np.column_stack([r, x_y @ b[-1]])
    del k_y  # a (stimulus, target) array no longer needed
    inner = scores_t.T @ split.train_dot(scores_u)
    coefficients = np.linalg.solve(inner, y.t_dot(scores_t))
    prediction = split.test_dot(scores_u) @ coefficients  # never a training stimuli x targets product
    return prediction, {"n_components_fitted": int(scores_t.shape[1])}
