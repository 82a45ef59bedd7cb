import numpy as np
import pytest
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV

from braindock.errors import MetricError
from braindock.metrics.regression import Features, fit_predict


def _data(n, p, q, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) + 3.0
    y = x @ rng.normal(size=(p, q)) * 0.1 + rng.normal(size=(n, q)) + 5.0
    return x, y, np.arange(int(0.8 * n)), np.arange(int(0.8 * n), n)


@pytest.mark.parametrize("p", [30, 300])  # fewer and more features than stimuli
@pytest.mark.parametrize("kind, reference, tol", [
    ("ridge", Ridge(alpha=1.0), 1e-9),
    ("ridgecv", RidgeCV(alphas=np.logspace(-3, 3, 7)), 1e-9),
    ("ols", LinearRegression(), 1e-8),
    ("pls", PLSRegression(n_components=5, scale=False, tol=1e-14, max_iter=100000), 1e-5),
])
def test_predictions_match_sklearn(kind, reference, tol, p):
    x, y, train, test = _data(150, p, 8)
    ours, _ = fit_predict(kind, Features(x).split(train, test), y[train], n_components=5)
    expected = reference.fit(x[train], y[train]).predict(x[test])
    assert np.abs(ours - expected).max() < tol * max(1.0, np.abs(expected).max())


def test_dual_and_primal_paths_agree():
    x, y, train, test = _data(80, 90, 5)
    wide, narrow = Features(x), Features(x)
    narrow.dual, narrow.values = False, x - x.mean(axis=0)
    assert wide.dual
    for kind in ["pls", "ridge", "ridgecv", "ols"]:
        a, _ = fit_predict(kind, wide.split(train, test), y[train], n_components=5)
        b, _ = fit_predict(kind, narrow.split(train, test), y[train], n_components=5)
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_ridgecv_picks_sklearns_alpha():
    x, y, train, test = _data(120, 200, 6, seed=3)
    split = Features(x).split(train, test)
    _, details = fit_predict("ridgecv", split, y[train], alphas=np.logspace(-3, 3, 7))
    assert details["alpha"] == RidgeCV(alphas=np.logspace(-3, 3, 7)).fit(x[train], y[train]).alpha_


def test_pls_default_sklearn_tolerance_is_close():
    x, y, train, test = _data(200, 100, 10, seed=1)
    split = Features(x).split(train, test)
    ours, _ = fit_predict("pls", split, y[train], n_components=25)
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
    split = Features(x).split(train, test)
    with pytest.raises(MetricError, match=text):
        fit_predict(kind, split, y[train], **kwargs)
