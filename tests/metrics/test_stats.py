import numpy as np
import scipy.stats
from braindock.metrics.stats import pearson_columns, rank_average, spearman_brown, standard_error


def test_pearson_columns_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(50, 4)), rng.normal(size=(50, 4))
    expected = [scipy.stats.pearsonr(a[:, j], b[:, j])[0] for j in range(4)]
    np.testing.assert_allclose(pearson_columns(a, b), expected, atol=1e-12)


def test_spearman_brown_formula():
    for r in [0.1, 0.5, 0.9]:
        for n in [2, 3, 10]:
            assert spearman_brown(r, n) == n * r / (1 + (n - 1) * r)
    assert spearman_brown(0.5, 2) == 2 / 3


def test_standard_error_is_population_std_over_sqrt_n():
    values = np.array([1.0, 2.0, 4.0])
    assert standard_error(values) == values.std(ddof=0) / np.sqrt(3)


def test_rank_average_matches_scipy_with_ties():
    values = np.array([3.0, 1.0, 3.0, 2.0, 1.0, 5.0])
    np.testing.assert_array_equal(rank_average(values), scipy.stats.rankdata(values))
