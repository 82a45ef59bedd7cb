import numpy as np
import pytest
from braindock.errors import MetricError
from braindock.metrics import get_metric
from braindock.metrics.cka import linear_cka, subset_ckas
from braindock.testing import linear_pair, neural_assembly
from scipy.stats import ortho_group


@pytest.mark.parametrize("estimator", ["biased", "unbiased"])
def test_invariant_to_rotation_and_isotropic_scaling(estimator):
    source, target, _ = linear_pair(80, 12, 12)
    rotated = source.copy(data=source.values @ ortho_group.rvs(12, random_state=0) * 3.7 + 2.0)
    metric = get_metric("cka", estimator=estimator)
    assert metric(rotated, target).value == pytest.approx(metric(source, target).value, abs=1e-10)
    assert metric(source, source).value == pytest.approx(1.0)


def test_biased_matches_feature_space_formula():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 7)), rng.normal(size=(40, 5))
    xc, yc = x - x.mean(0), y - y.mean(0)
    expected = np.linalg.norm(yc.T @ xc) ** 2 / (np.linalg.norm(xc.T @ xc) * np.linalg.norm(yc.T @ yc))
    assert linear_cka(np.triu(x @ x.T), np.triu(y @ y.T)) == pytest.approx(expected)  # upper triangles


def _unbiased_hsic(k, l):
    """Song et al. 2012's unbiased HSIC, written as in the paper (diagonals zeroed, matrix products)."""
    n, ones = k.shape[0], np.ones(k.shape[0])
    k, l = k - np.diag(np.diag(k)), l - np.diag(np.diag(l))
    return (np.trace(k @ l) + (ones @ k @ ones) * (ones @ l @ ones) / ((n - 1) * (n - 2))
            - 2 / (n - 2) * ones @ k @ l @ ones) / (n * (n - 3))


@pytest.mark.parametrize("offset", [0.0, 5.0])  # uncentred Grams too: the estimators centre them
def test_one_pass_matches_the_papers_formulas_and_the_subset_path(offset):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(30, 9)) + offset, rng.normal(size=(30, 4)) + offset
    k, l = x @ x.T, y @ y.T
    upper_k, upper_l = np.triu(k), np.triu(l)  # what linear_cka reads: the upper triangles, zeros below
    unbiased = _unbiased_hsic(k, l) / np.sqrt(_unbiased_hsic(k, k) * _unbiased_hsic(l, l))
    assert linear_cka(upper_k, upper_l, unbiased=True) == pytest.approx(unbiased, rel=1e-8)  # offset 5: cancellation
    everything = np.ones((1, 30), dtype=bool)
    for estimator in (False, True):
        assert linear_cka(upper_k, upper_l, estimator) == pytest.approx(subset_ckas(k, l, everything, estimator)[0],
                                                                       rel=1e-8)
    assert linear_cka(upper_k.copy(), upper_l.copy(), True, overwrite=True) == linear_cka(upper_k, upper_l, True)
    assert np.array_equal(upper_k, np.triu(x @ x.T))  # not overwritten unless asked


def test_unbiased_is_near_zero_for_independent_data_where_biased_is_not():
    rng = np.random.default_rng(1)
    source, target = neural_assembly(rng.normal(size=(60, 200))), neural_assembly(rng.normal(size=(60, 200)))
    assert abs(get_metric("cka", estimator="unbiased")(source, target).value) < 0.05
    assert get_metric("cka", estimator="biased")(source, target).value > 0.5


def test_cross_validated_variant():
    source, target, _ = linear_pair(100, 10, 8)
    score = get_metric("cka", cross_validated=True)(source, target)
    assert score.per_split.shape == (10,) and score.error > 0
    assert score.value == pytest.approx(get_metric("cka")(source, target).value, abs=0.05)
    with pytest.raises(MetricError, match="estimator"):
        get_metric("cka", estimator="rbf")(source, target)
