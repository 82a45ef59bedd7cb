"""Linear regressions (PLS, ridge, ridge-CV, OLS) fitted in the dual (kernel) space, all targets at once.

Every regression here is a linear map fitted on centred training features with an intercept, so its
test predictions depend on the features only through the linear kernel K = X X^T. We compute K once
for all stimuli (`Gram`), and each split only slices and re-centres it: the expensive feature-sized
work is shared by every split, and each fit covers every neuroid in one matrix operation.

Equivalences (checked against scikit-learn in tests/metrics/test_regression.py):
- `pls`: sklearn PLSRegression(n_components, scale=False) (NIPALS, "regression" deflation). The
  x-weights are the dominant left singular vectors of X_k^T Y_k; NIPALS finds them by power iteration,
  we take the exact eigenvector, so predictions agree to the power method's tolerance.
- `ridge`: sklearn Ridge(alpha, fit_intercept=True).
- `ridgecv`: sklearn RidgeCV(alphas, fit_intercept=True): efficient leave-one-out (generalised CV)
  error for every alpha from one eigendecomposition of the training kernel, one alpha per split chosen
  by mean squared LOO error over all stimuli and neuroids (RidgeCV's alpha_per_target=False), then ridge.
- `ols`: sklearn LinearRegression(): the minimum-norm least-squares solution (pseudo-inverse), with
  eigenvalues below max(n, p) * eps * largest treated as zero.
"""
from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.sparse.linalg import LinearOperator, eigsh

from .alignment import fail

REGRESSIONS = ("pls", "ridge", "ridgecv", "ols")
DEFAULT_RIDGE_ALPHA = 1.0  # Brain-Score's ridge_regression default
DEFAULT_RIDGECV_ALPHAS = tuple(np.logspace(-3, 3, 7))


class Gram:
    """Linear kernel of all stimuli, computed once; per split, centred with the training means."""

    def __init__(self, features: np.ndarray):
        centred = features - features.mean(axis=0, keepdims=True)  # global shift: K is invariant, precision gains
        self.kernel = centred @ centred.T
        self.n_features = features.shape[1]

    def split(self, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(K_train centred, K_test x train centred) for features centred by the training mean."""
        k_tt = self.kernel[np.ix_(train, train)]
        k_st = self.kernel[np.ix_(test, train)]
        row_means = k_tt.mean(axis=0)
        grand = row_means.mean()
        k_tt = k_tt - row_means[:, None] - row_means[None, :] + grand
        k_st = k_st - k_st.mean(axis=1, keepdims=True) - row_means[None, :] + grand
        return (k_tt + k_tt.T) / 2, k_st


def fit_predict(kind: str, k_tt: np.ndarray, k_st: np.ndarray, y_train: np.ndarray, *, n_features: int,
                n_components: int = 25, alphas=None) -> tuple[np.ndarray, dict]:
    """Predict test targets (test, neuroid) from centred kernels; returns (prediction, fit details)."""
    y_mean = y_train.mean(axis=0, keepdims=True)
    y_centred = y_train - y_mean
    if kind == "pls":
        prediction, details = _pls(k_tt, k_st, y_centred, n_components, n_features)
    elif kind == "ridge":
        alpha = _single_alpha(alphas)
        prediction, details = _ridge(k_tt, k_st, y_centred, alpha), {"alpha": alpha}
    elif kind == "ridgecv":
        prediction, details = _ridgecv(k_tt, k_st, y_centred, _alpha_grid(alphas))
    elif kind == "ols":
        prediction, details = _ols(k_tt, k_st, y_centred, n_features), {}
    else:
        raise fail(f"unknown regression {kind!r}; known regressions: {list(REGRESSIONS)}",
                   "parameters.regression", "UNKNOWN_REGRESSION", expected=list(REGRESSIONS), found=kind)
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


def _ridge(k_tt, k_st, y, alpha):
    factor = scipy.linalg.cho_factor(k_tt + alpha * np.eye(k_tt.shape[0]), check_finite=False)
    return k_st @ scipy.linalg.cho_solve(factor, y, check_finite=False)


def _eigh_with_intercept(k_tt):
    """Eigendecomposition of the centred kernel; the constant vector (the intercept) is one eigenvector."""
    n = k_tt.shape[0]
    eigenvalues, vectors = np.linalg.eigh(k_tt)
    intercept = int(np.argmax(np.abs(vectors.sum(axis=0))))  # eigenvector most aligned with ones
    return np.clip(eigenvalues, 0.0, None), vectors, intercept, n


def _ridgecv(k_tt, k_st, y, alphas):
    eigenvalues, vectors, intercept, n = _eigh_with_intercept(k_tt)
    projected = vectors.T @ y  # (component, neuroid)
    squared = vectors ** 2
    errors = np.empty(alphas.size)
    for i, alpha in enumerate(alphas):  # loop over the few alphas only; all stimuli and neuroids at once
        weights = 1.0 / (eigenvalues + alpha)
        weights[intercept] = 0.0  # the intercept is not penalised
        residual = vectors @ (weights[:, None] * projected)  # G^-1 y
        diagonal = squared @ weights  # diag(G^-1)
        errors[i] = np.mean((residual / diagonal[:, None]) ** 2)
    best = int(np.argmin(errors))
    alpha = float(alphas[best])
    weights = 1.0 / (eigenvalues + alpha)
    weights[intercept] = 0.0
    prediction = k_st @ (vectors @ (weights[:, None] * projected))
    return prediction, {"alpha": alpha, "loo_mse": errors.tolist()}


def _ols(k_tt, k_st, y, n_features):
    eigenvalues, vectors = np.linalg.eigh(k_tt)
    cutoff = eigenvalues.max(initial=0.0) * max(k_tt.shape[0], n_features) * np.finfo(float).eps
    keep = eigenvalues > cutoff
    kept = vectors[:, keep]
    return k_st @ (kept @ ((kept.T @ y) / eigenvalues[keep][:, None]))


def _top_eigenvector(y_k: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Dominant eigenvector of the symmetric PSD matrix y_k^T z (neuroid x neuroid)."""
    q = y_k.shape[1]
    if q <= 1024:
        m = y_k.T @ z
        _, vectors = np.linalg.eigh((m + m.T) / 2)
        return vectors[:, -1]
    operator = LinearOperator((q, q), matvec=lambda v: y_k.T @ (z @ v), dtype=np.float64)
    _, vectors = eigsh(operator, k=1, which="LA", v0=np.ones(q))
    return vectors[:, 0]


def _pls(k_tt, k_st, y, n_components, n_features):
    """Kernel form of NIPALS PLS2 with regression-mode deflation (sklearn PLSRegression, scale=False).

    With deflation projector Q_k (orthogonal to the previous x-scores t): x-weights w_k = X_k^T u_k,
    u_k = Y_k c_k where c_k is the top eigenvector of Y_k^T Q_k K Q_k Y_k, and t_k = Q_k K u_k.
    The PLS coefficients give test predictions K_st U (T^T K U)^-1 T^T Y.
    """
    n = k_tt.shape[0]
    limit = min(n - 1, n_features)
    if not isinstance(n_components, (int, np.integer)) or not 1 <= n_components <= limit:
        raise fail(f"PLS n_components={n_components!r} must be an integer between 1 and {limit} "
                   f"(training stimuli - 1 = {n - 1}, features = {n_features})", "parameters.n_components",
                   "BAD_PARAMETER", fix=f"pass n_components <= {limit} or score on more stimuli")
    k_y = k_tt @ y
    y_k = y.copy()
    scores_t = np.zeros((n, 0))
    scores_u = np.zeros((n, 0))
    k_t = np.zeros((n, 0))
    y_eps = np.finfo(y.dtype).eps
    for _ in range(n_components):
        if np.all(np.abs(y_k) < 10 * y_eps):  # sklearn stops when the Y residual is constant
            break
        # K Y_k = K Y - K T C with Y_k = Y - T C; then project out the previous scores (Q_k)
        coefficients = (scores_t.T @ y) / (scores_t * scores_t).sum(axis=0)[:, None]
        z = k_y - k_t @ coefficients
        z -= scores_t @ ((scores_t.T @ z) / (scores_t * scores_t).sum(axis=0)[:, None])
        c = _top_eigenvector(y_k, z)
        u = y_k @ c
        t = z @ c
        norm = t @ t
        if not norm > 0:
            break
        scores_t = np.column_stack([scores_t, t])
        scores_u = np.column_stack([scores_u, u])
        k_t = np.column_stack([k_t, k_tt @ t])
        y_k = y_k - np.outer(t, (t @ y_k) / norm)
    inner = scores_t.T @ (k_tt @ scores_u)
    coefficients = np.linalg.solve(inner, scores_t.T @ y)
    prediction = k_st @ (scores_u @ coefficients)
    return prediction, {"n_components_fitted": int(scores_t.shape[1])}
