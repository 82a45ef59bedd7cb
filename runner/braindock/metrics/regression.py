"""Linear regressions (PLS, ridge, ridge-CV, OLS) fitted in the dual (kernel) space, all targets at once.

Every regression here is a linear map fitted on centred training features with an intercept, so its
test predictions depend on the features only through the linear kernel K = X X^T. With more features
than stimuli we compute K once for all stimuli (`Features`), and each split only slices and re-centres
it: the expensive feature-sized work is shared by every split. With fewer features we work with the
features directly. Each fit covers every neuroid in one matrix operation.

Equivalences (checked against scikit-learn in tests/metrics/test_regression.py):
- `pls`: sklearn PLSRegression(n_components, scale=False) (NIPALS, "regression" deflation). The
  x-weights are the dominant left singular vectors of X_k^T Y_k; NIPALS finds them by power iteration,
  we take the exact eigenvector, so predictions agree to the power method's tolerance.
- `ridge`: sklearn Ridge(alpha, fit_intercept=True).
- `ridgecv`: sklearn RidgeCV(alphas, fit_intercept=True): efficient leave-one-out (generalised CV)
  error for every alpha from one eigendecomposition of the training kernel, one alpha per split chosen
  by mean squared LOO error over all stimuli and neuroids (RidgeCV's alpha_per_target=False), then ridge.
- `ols`: sklearn LinearRegression(): the minimum-norm least-squares solution (pseudo-inverse);
  singular values below max(n, p) * eps * largest (kernel: eigenvalues below that fraction) are zero.
"""
from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from .alignment import fail

REGRESSIONS = ("pls", "ridge", "ridgecv", "ols")
DEFAULT_RIDGE_ALPHA = 1.0  # Brain-Score's ridge_regression default
DEFAULT_RIDGECV_ALPHAS = tuple(np.logspace(-3, 3, 7))


class Features:
    """Model features for all stimuli, prepared once; `split` gives a per-split view centred on its training set.

    With more features than stimuli we work with the linear kernel K = X X^T (computed once for every
    split); otherwise with the (globally centred) features themselves. Both give identical fits.
    """

    def __init__(self, features: np.ndarray):
        self.n_features = features.shape[1]
        centred = features - features.mean(axis=0, keepdims=True)  # fits are shift-invariant; gains precision
        self.dual = self.n_features >= features.shape[0]
        self.values = centred @ centred.T if self.dual else centred

    def split(self, train: np.ndarray, test: np.ndarray) -> "DualSplit | PrimalSplit":
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
        eigenvalues, vectors = np.linalg.eigh(self.k_tt)
        relative = (1e3 if pseudo_inverse else 10.0) * max(self.n_train, self.n_features) * np.finfo(float).eps
        keep = eigenvalues > eigenvalues.max(initial=0.0) * relative
        keep[int(np.argmax(np.abs(vectors.sum(axis=0))))] = False
        return eigenvalues[keep], vectors[:, keep], self.k_st @ vectors[:, keep]

    def ridge(self, y: np.ndarray, alpha: float) -> np.ndarray:
        # numpy's LAPACK, not scipy's: with both loaded their OpenBLAS thread pools compete (10x slower)
        return self.k_st @ np.linalg.solve(self.k_tt + alpha * np.eye(self.n_train), y)


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


def fit_predict(kind: str, split: "DualSplit | PrimalSplit", y_train: np.ndarray, *, n_components: int = 25,
                alphas=None) -> tuple[np.ndarray, dict]:
    """Predict test targets (test, neuroid) for one split; returns (prediction, fit details)."""
    y_mean = y_train.mean(axis=0, keepdims=True)
    y_centred = y_train - y_mean
    if kind == "pls":
        prediction, details = _pls(split, y_centred, n_components)
    elif kind == "ridge":
        alpha = _single_alpha(alphas)
        prediction, details = split.ridge(y_centred, alpha), {"alpha": alpha}
    elif kind == "ridgecv":
        prediction, details = _ridgecv(split, y_centred, _alpha_grid(alphas))
    elif kind == "ols":
        eigenvalues, vectors, test_vectors = split.eig(pseudo_inverse=True)
        prediction, details = test_vectors @ ((vectors.T @ y_centred) / eigenvalues[:, None]), {}
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


def _ridgecv(split, y, alphas):
    """RidgeCV's generalised cross-validation: exact leave-one-out residuals c_i / G^-1_ii for every alpha,
    with G^-1 = U diag(1/(l + alpha)) U^T + (I - U U^T - 1 1^T / n) / alpha (the intercept unpenalised)."""
    eigenvalues, vectors, test_vectors = split.eig()
    n = split.n_train
    projected = vectors.T @ y  # (component, neuroid)
    outside = y - vectors @ projected  # part of y outside the kernel's range (y is centred: no intercept part)
    leverage = (vectors ** 2).sum(axis=1)
    errors = np.empty(alphas.size)
    for i, alpha in enumerate(alphas):  # loop over the few alphas only; all stimuli and neuroids at once
        weights = 1.0 / (eigenvalues + alpha)
        residual = vectors @ (weights[:, None] * projected) + outside / alpha
        diagonal = (vectors ** 2) @ weights + (1.0 - leverage - 1.0 / n) / alpha
        errors[i] = np.mean((residual / diagonal[:, None]) ** 2)
    best = int(np.argmin(errors))
    alpha = float(alphas[best])
    prediction = test_vectors @ (projected / (eigenvalues + alpha)[:, None])
    return prediction, {"alpha": alpha, "loo_mse": errors.tolist()}


def _top_eigenvector(y_k: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Dominant eigenvector of the symmetric PSD matrix y_k^T z (neuroid x neuroid).

    Lanczos (ARPACK, machine-precision tolerance, fixed start vector: deterministic) needs a few dozen
    products instead of a full eigendecomposition; tiny problems use eigh directly.
    """
    q = y_k.shape[1]
    if q <= 32:
        m = y_k.T @ z
        return np.linalg.eigh((m + m.T) / 2)[1][:, -1]
    if q <= 2048:
        m = y_k.T @ z
        operator = (m + m.T) / 2
    else:
        operator = LinearOperator((q, q), matvec=lambda v: y_k.T @ (z @ v), dtype=np.float64)
    start = np.ones(q) / np.sqrt(q)
    _, vectors = eigsh(operator, k=1, which="LA", v0=start)
    return vectors[:, 0]


def _pls(split, y, n_components):
    """Kernel form of NIPALS PLS2 with regression-mode deflation (sklearn PLSRegression, scale=False).

    With deflation projector Q_k (orthogonal to the previous x-scores t): x-weights w_k = X_k^T u_k,
    u_k = Y_k c_k where c_k is the top eigenvector of Y_k^T Q_k K Q_k Y_k, and t_k = Q_k K u_k.
    The PLS coefficients give test predictions K_st U (T^T K U)^-1 T^T Y.
    """
    n, n_features = split.n_train, split.n_features
    limit = min(n - 1, n_features)
    if not isinstance(n_components, (int, np.integer)) or not 1 <= n_components <= limit:
        raise fail(f"PLS n_components={n_components!r} must be an integer between 1 and {limit} "
                   f"(training stimuli - 1 = {n - 1}, features = {n_features})", "parameters.n_components",
                   "BAD_PARAMETER", fix=f"pass n_components <= {limit} or score on more stimuli")
    k_y = split.train_dot(y)
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
        k_t = np.column_stack([k_t, split.train_dot(t)])
        y_k = y_k - np.outer(t, (t @ y_k) / norm)
    inner = scores_t.T @ split.train_dot(scores_u)
    coefficients = np.linalg.solve(inner, scores_t.T @ y)
    prediction = split.test_dot(scores_u @ coefficients)
    return prediction, {"n_components_fitted": int(scores_t.shape[1])}
