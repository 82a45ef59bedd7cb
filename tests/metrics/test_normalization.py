import numpy as np
import pytest
from braindock.errors import MetricError, UsageError
from braindock.metrics import NORMALIZATIONS, Score, normalize


def _score(value, error, per_split, metric="neural_predictivity"):
    return Score(value=value, error=error, metric=metric, version="1.0", parameters={"a": 1},
                 per_split=np.asarray(per_split))


def test_formulas_and_error_propagation():
    raw, ceiling = _score(0.4, 0.02, [0.38, 0.42]), _score(0.8, 0.01, [0.79, 0.81], "internal_consistency")
    ceiled = normalize("r/ceiling", raw, ceiling)
    assert (ceiled.value, ceiled.error) == pytest.approx((0.5, 0.025))
    np.testing.assert_allclose(ceiled.per_split, [0.475, 0.525])
    assert ceiled.metric == "r/ceiling" and ceiled.version == NORMALIZATIONS["r/ceiling"].version
    assert ceiled.parameters["raw"]["metric"] == "neural_predictivity"
    squared = normalize("(r/ceiling)^2", raw, ceiling)
    assert (squared.value, squared.error) == pytest.approx((0.25, 2 * 0.4 * 0.02 / 0.64))
    explained = normalize("r^2/ceiling", raw, ceiling)
    assert (explained.value, explained.error) == pytest.approx((0.2, 2 * 0.4 * 0.02 / 0.8))
    assert normalize("(r/ceiling)^2", _score(-0.4, 0.02, [-0.4]), ceiling).value == pytest.approx(-0.25)


def test_paired_sqrt_ceiling_per_split():
    raw, ceiling = _score(0.5, 0.1, [0.4, 0.6]), _score(0.5, 0.1, [0.25, 0.64])
    ceiled = normalize("r/sqrt(ceiling)", raw, ceiling)
    np.testing.assert_allclose(ceiled.per_split, [0.8, 0.75])
    assert ceiled.value == pytest.approx(0.775) and ceiled.error == pytest.approx(0.025)
    with pytest.raises(MetricError, match="pairs splits"):
        normalize("r/sqrt(ceiling)", raw, _score(0.5, 0.1, [0.5]))


def test_bad_names_and_ceilings():
    raw = _score(0.4, 0.02, [0.4])
    with pytest.raises(UsageError, match=r"known normalisations: \['\(r-1/3\)/\(ceiling-1/3\)', '\(r/ceiling\)\^2'"):
        normalize("r/c", raw, raw)
    with pytest.raises(MetricError, match="must be above 0"):
        normalize("r/ceiling", raw, _score(0.0, 0.0, [0.0]))
    with pytest.raises(MetricError, match="must be above 0.333"):  # a three-way choice's ceiling must beat chance
        normalize("(r-1/3)/(ceiling-1/3)", raw, _score(0.3, 0.0, [0.3]))
