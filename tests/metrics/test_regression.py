import numpy as np
import pytest
from braindock.errors import MetricError
from braindock.metrics.gram import Rows
from braindock.metrics.regression import Deletion, Features, held_out_predictions
from scipy.linalg import lapack
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV
from sklearn.model_selection import GroupKFold, ShuffleSplit

ALPHAS = np.logspace(-3, 3, 7)


def _data(n, p, q, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) + 3.0
    y = x @ rng.normal(size=(p, q)) * 0.1 + rng.normal(size=(n, q)) + 5.0
    return x, y, np.arange(int(0.8 * n)), np.arange(int(0.8 * n), n)


def _splits(n):
    """Shuffled, grouped, and one whose training set leaves out more than its test set."""
    shuffled = [(np.sort(a), np.sort(b)) for a, b in ShuffleSplit(2, train_size=0.9, random_state=1).split(np.zeros(n))]
    grouped = list(GroupKFold(3).split(np.zeros(n), groups=np.arange(n) // 10))
    return shuffled + grouped[:2] + [(np.arange(n // 2), np.arange(n - 10, n))]


# fewer and more features than stimuli (refit / full-data inverse), and fewer features than targets (brain -> model)
@pytest.mark.parametrize("p, q", [(30, 8), (300, 8), (12, 40)])
@pytest.mark.parametrize("kind, reference, tol", [
    ("ridge", Ridge(alpha=1.0), 1e-9),
    ("ridgecv", RidgeCV(alphas=ALPHAS), 1e-9),
    ("ols", LinearRegression(), 1e-8),
    ("pls", PLSRegression(n_components=5, scale=False, tol=1e-14, max_iter=100000), 1e-5),
])
def test_predictions_match_sklearn(kind, reference, tol, p, q):
    x, y, _, _ = _data(150, p, q)
    splits = _splits(150)
    ours = held_out_predictions(kind, Features(x), y, splits, n_components=5)
    for (train, test), (prediction, details) in zip(splits, ours):
        fitted = reference.fit(x[train], y[train])
        expected = fitted.predict(x[test])
        assert np.abs(prediction - expected).max() < tol * max(1.0, np.abs(expected).max())
        if kind == "ridgecv":
            assert details["alpha"] == fitted.alpha_


def test_one_splits_kernels_from_its_rows_equal_those_cut_from_all_stimuli():
    x, _, _, _ = _data(60, 2100, 1)  # two column blocks
    rows = Rows(x.astype(np.float32), np.random.default_rng(4).permutation(60))  # reordered, float32 as memory-mapped
    train, test = np.arange(7, 60), np.arange(7)
    alone, shared = Features(rows).split(train, test, alone=True), Features(rows).split(train, test)
    scale = np.abs(shared.k_tt).max()
    np.testing.assert_allclose(alone.k_tt, shared.k_tt, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(alone.k_st, shared.k_st, rtol=0, atol=1e-12 * scale)
    assert np.array_equal(alone.k_tt, alone.k_tt.T)


@pytest.mark.parametrize("kind, reference", [("ridge", Ridge(alpha=1.0)), ("ridgecv", RidgeCV(alphas=ALPHAS)),
                                             ("pls", PLSRegression(5, scale=False, tol=1e-14, max_iter=100000))])
def test_one_split_fitted_from_its_own_kernels_matches_sklearn(kind, reference):
    x, y, train, test = _data(150, 300, 8)
    [(prediction, _)] = held_out_predictions(kind, Features(x), y, [(train, test)], n_components=5)
    expected = reference.fit(x[train], y[train]).predict(x[test])
    assert np.abs(prediction - expected).max() < (1e-5 if kind == "pls" else 1e-9) * np.abs(expected).max()


@pytest.mark.parametrize("alpha", [0.0, 1e-3, 1.0, 1e3])
def test_full_data_inverse_is_used_and_matches_refitting(alpha):
    x, y, train, test = _data(120, 200, 6, seed=3)
    features = Features(x)
    deletion = Deletion.fit(features, y, alpha)
    assert deletion is not None
    for train, test in _splits(120):
        split = features.split(train, test)
        if alpha == 0:
            values, vectors, test_vectors = split.eig(pseudo_inverse=True)
            refit = test_vectors @ ((vectors.T @ (y[train] - y[train].mean(0))) / values[:, None])
        else:
            refit = split.ridge(y[train] - y[train].mean(0), alpha)
        np.testing.assert_allclose(deletion.predict(train, test), refit + y[train].mean(0), rtol=0, atol=1e-9)


def test_one_split_ridge_solves_by_lu_when_rounding_makes_its_system_indefinite():
    x, y, train, test = _data(40, 60, 3)
    features = Features(x)
    split = features.split(train, test)
    y_centred = y[train] - y[train].mean(0)
    system = split.k_tt + 1e-20 * np.eye(train.size)  # alpha far below the rounding of the kernel's null direction
    assert lapack.dposv(system, y_centred)[2] > 0  # so Cholesky stops
    expected = split.k_st @ np.linalg.solve(system, y_centred) + y[train].mean(0)
    [(prediction, _)] = held_out_predictions("ridge", features, y, [(train, test)], alphas=1e-20)
    np.testing.assert_allclose(prediction, expected, rtol=0, atol=1e-9 * np.abs(expected).max())


@pytest.mark.parametrize("kind, reference", [("ols", LinearRegression()),
                                             ("ridgecv", RidgeCV(alphas=[1e-12, 1.0, 10.0]))])
def test_singular_kernel_falls_back_to_refitting(kind, reference):
    x, y, _, _ = _data(100, 150, 4)
    x[50:] = x[:50]  # repeated stimuli: rank-deficient kernel; OLS needs the pseudo-inverse, alpha=1e-12 too
    features = Features(x)
    assert Deletion.fit(features, y, 0.0) is None and Deletion.fit(features, y, 1e-12) is None
    splits = _splits(100)
    ours = held_out_predictions(kind, features, y, splits, alphas=getattr(reference, "alphas", None))
    for (train, test), (prediction, _) in zip(splits, ours):
        expected = reference.fit(x[train], y[train]).predict(x[test])
        assert np.abs(prediction - expected).max() < 1e-6 * np.abs(expected).max()


@pytest.mark.parametrize("kind", ["ridge", "ridgecv", "ols", "pls"])
def test_bit_identical_twice(kind):
    x, y, _, _ = _data(90, 120, 5)
    splits = _splits(90)
    first = held_out_predictions(kind, Features(x), y, splits, n_components=5)
    again = held_out_predictions(kind, Features(x), y, splits, n_components=5)
    for (a, _), (b, _) in zip(first, again):
        assert np.array_equal(a, b)


def test_dual_and_primal_paths_agree():
    x, y, train, test = _data(80, 90, 5)
    wide, narrow = Features(x), Features(x)
    narrow.dual, narrow.values = False, x - x.mean(axis=0)
    assert wide.dual
    for kind in ["pls", "ridge", "ridgecv", "ols"]:
        (a, _), = held_out_predictions(kind, wide, y, [(train, test)], n_components=5)
        (b, _), = held_out_predictions(kind, narrow, y, [(train, test)], n_components=5)
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_pls_default_sklearn_tolerance_is_close():
    x, y, train, test = _data(200, 100, 10, seed=1)
    (ours, _), = held_out_predictions("pls", Features(x), y, [(train, test)], n_components=25)
    expected = PLSRegression(n_components=25, scale=False).fit(x[train], y[train]).predict(x[test])
    assert np.abs(ours - expected).max() < 0.02 * np.abs(expected).std()


@pytest.mark.parametrize("kind, kwargs, text", [
    ("pls", {"n_components": 500}, "n_components"),
    ("ridge", {"alphas": [1.0, 2.0]}, "one positive alpha"),
    ("ridgecv", {"alphas": [-1.0]}, "positive"),
    ("lasso", {}, "known regressions"),
])
def test_bad_parameters_raise_metric_error(kind, kwargs, text):
    x, y, train, test = _data(60, 10, 3)
    with pytest.raises(MetricError, match=text):
        list(held_out_predictions(kind, Features(x), y, [(train, test)], **kwargs))  # refits are made as consumed


BRAINSCORE_ALPHAS = [0.01, 0.1, 0.5, 1.0, *np.linspace(10, 100, 4, endpoint=False),
                     *(a for low in (1e2, 1e3, 1e4, 1e5) for a in np.linspace(low, 10 * low, 18, endpoint=False)),
                     *np.linspace(1e6, 1e7, 19)]  # Brain-Score 2.4.2's ALPHA_LIST, 99 values


@pytest.mark.parametrize("p", [40, 400])  # primal (part of y outside the kernel's range) and dual
def test_ridgecv_path_over_many_alphas_matches_sklearn(p):
    """99 alphas x 60 neuroids: the partial-fraction path screens the alphas and evaluates only candidates
    directly (none if one alone remains); the chosen alpha and the predictions are RidgeCV's, and the chosen
    alpha's error is sklearn's to 1e-9."""
    assert len(BRAINSCORE_ALPHAS) == 99
    x, y, train, test = _data(160, p, 60, seed=4)
    x = x * 30.0  # moves the optimum into the middle of the list
    (prediction, details), = held_out_predictions("ridgecv", Features(x), y, [(train, test)], alphas=BRAINSCORE_ALPHAS)
    fitted = RidgeCV(alphas=BRAINSCORE_ALPHAS).fit(x[train], y[train])
    assert details["alpha"] == fitted.alpha_ and BRAINSCORE_ALPHAS[2] < fitted.alpha_ < BRAINSCORE_ALPHAS[-2]
    assert np.abs(prediction - fitted.predict(x[test])).max() < 1e-8 * np.abs(y).max()
    sklearn_errors = RidgeCV(alphas=BRAINSCORE_ALPHAS, store_cv_results=True).fit(x[train], y[train]).cv_results_
    best = int(np.argmin(details["loo_mse"]))
    assert details["loo_mse"][best] == pytest.approx(sklearn_errors.mean(axis=(0, 1))[best], rel=1e-9)
    assert np.all(np.asarray(details["loo_mse"]) >= details["loo_mse"][best])


@pytest.mark.parametrize("p", [40, 400])
def test_ridgecv_path_with_a_repeated_alpha_takes_the_first_of_equal_minima(p):
    """RidgeCV's alpha repeated in the list: no rounding bound can separate the two copies, so both are evaluated
    directly (after the looser and the tighter bound alike leave them both) and the first is chosen, as RidgeCV."""
    x, y, train, test = _data(160, p, 60, seed=4)
    x = x * 30.0
    best = RidgeCV(alphas=BRAINSCORE_ALPHAS).fit(x[train], y[train]).alpha_
    at = BRAINSCORE_ALPHAS.index(best)
    alphas = [*BRAINSCORE_ALPHAS[:at + 1], best, *BRAINSCORE_ALPHAS[at + 1:]]
    (prediction, details), = held_out_predictions("ridgecv", Features(x), y, [(train, test)], alphas=alphas)
    assert details["alpha"] == best and details["loo_mse"][at] == details["loo_mse"][at + 1]
    assert int(np.argmin(details["loo_mse"])) == at
    fitted = RidgeCV(alphas=alphas).fit(x[train], y[train])
    assert np.abs(prediction - fitted.predict(x[test])).max() < 1e-8 * np.abs(y).max()


def test_ridgecv_path_with_equal_eigenvalues_falls_back_and_stays_exact():
    """Orthogonal features of equal norm: all kernel eigenvalues equal, partial fractions undefined."""
    rng = np.random.default_rng(3)
    centred = rng.normal(size=(80, 60))
    q_basis, _ = np.linalg.qr(centred - centred.mean(axis=0))  # centred, orthonormal columns on the training rows
    x = np.vstack([q_basis * 5.0, rng.normal(size=(20, 60))])
    y = x[:, :3] @ rng.normal(size=(3, 40)) + rng.normal(size=(100, 40))
    train, test = np.arange(80), np.arange(80, 100)
    (prediction, details), = held_out_predictions("ridgecv", Features(x), y, [(train, test)], alphas=BRAINSCORE_ALPHAS)
    fitted = RidgeCV(alphas=BRAINSCORE_ALPHAS).fit(x[train], y[train])
    assert details["alpha"] == fitted.alpha_
    assert np.abs(prediction - fitted.predict(x[test])).max() < 1e-8 * np.abs(y).max()


@pytest.mark.parametrize("q, padding", [(3, 0), (12, 0), (3, 60)])  # primal, fewer features than targets, dual
def test_pls_stops_like_sklearn_when_the_y_residual_vanishes(q, padding):
    """Features of rank 2 and targets inside their span: after 2 components the residual is below 10 eps and
    sklearn stops (warning 'y residual is constant'); so must we, with the same predictions."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=(60, 2))
    x = np.column_stack([base, base @ rng.normal(size=(2, 6))])
    y = x @ rng.normal(size=(8, q)) * 1e-2
    train, test = np.arange(50), np.arange(50, 60)
    features = Features(np.column_stack([x, np.zeros((60, padding))]))
    (prediction, details), = held_out_predictions("pls", features, y, [(train, test)], n_components=5)
    with pytest.warns(UserWarning, match="residual is constant at iteration 2"):
        reference = PLSRegression(n_components=5, scale=False, tol=1e-14, max_iter=100000).fit(x[train], y[train])
    assert details["n_components_fitted"] == 2
    assert np.abs(prediction - reference.predict(x[test])).max() < 1e-12
