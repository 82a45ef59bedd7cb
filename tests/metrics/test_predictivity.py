import numpy as np
import pytest
import scipy.stats
from braindock.errors import MetricError
from braindock.metrics import get_metric
from braindock.testing import assert_scores_close, linear_pair, neural_assembly
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import ShuffleSplit


def test_identical_source_and_target_scores_one():
    _, target, _ = linear_pair(200, 20, 15)
    for regression in ["pls", "ridge", "ridgecv", "ols"]:
        score = get_metric("neural_predictivity", regression=regression, n_components=15)(target, target)
        assert score.value > 0.999


def test_independent_noise_scores_zero_with_calibrated_spread():
    rng = np.random.default_rng(5)
    values = [get_metric("neural_predictivity", regression="ridge", alphas=10.0, seed=seed)(
        neural_assembly(rng.normal(size=(300, 20))), neural_assembly(rng.normal(size=(300, 40)))).value
        for seed in range(8)]
    # a median of 40 null correlations over 30 test stimuli, averaged over 10 overlapping splits
    assert abs(np.mean(values)) < 0.05
    assert np.std(values) < 0.1


def test_linear_map_plus_noise_reaches_analytic_r():
    source, target, expected = linear_pair(n_stimuli=3000, n_features=5, n_neuroids=20, noise=1.0)
    score = get_metric("neural_predictivity", regression="ols")(source, target)
    assert abs(score.value - expected) < 0.02
    assert 0 < score.error < 0.02


def test_matches_sklearn_loop_on_small_case():
    source, target, _ = linear_pair(120, 60, 8, noise=1.5)
    score = get_metric("neural_predictivity", n_components=25)(source, target)
    x, y = source.values, target.values  # linear_pair ids are already sorted
    per_split = []
    for train, test in ShuffleSplit(10, train_size=0.9, random_state=1).split(x):
        prediction = PLSRegression(25, scale=False).fit(x[train], y[train]).predict(x[test])
        per_split.append(np.median([scipy.stats.pearsonr(prediction[:, j], y[test][:, j])[0] for j in range(8)]))
    assert abs(score.value - np.mean(per_split)) < 0.005
    np.testing.assert_allclose(score.per_split, per_split, atol=0.005)
    assert abs(score.error - np.std(per_split) / np.sqrt(10)) < 0.005


def test_score_keeps_everything():
    source, target, _ = linear_pair(100, 10, 6)
    score = get_metric("neural_predictivity", regression="ridge")(source, target)
    assert score.per_neuroid.dims == ("split", "neuroid") and score.per_neuroid.shape == (10, 6)
    assert list(score.per_neuroid["neuroid_id"].values) == list(target["neuroid_id"].values)
    np.testing.assert_allclose(score.per_split, np.median(score.per_neuroid.values, axis=1))
    assert score.parameters["regression"] == "ridge" and score.parameters["n_components"] == 25
    assert score.metric == "neural_predictivity" and score.version
    assert np.isfinite(score.to_dict()["per_neuroid"]["n0000"])


def test_deterministic_and_order_independent():
    source, target, _ = linear_pair(150, 30, 10)
    metric = get_metric("neural_predictivity")
    first, second = metric(source, target), metric(source, target)
    assert first.value == second.value
    np.testing.assert_array_equal(first.per_neuroid.values, second.per_neuroid.values)
    shuffled = source.isel(presentation=np.random.default_rng(0).permutation(150))
    assert_scores_close(first, metric(shuffled, target), atol=1e-9)


def test_fixed_and_group_kfold_splits():
    source, target, _ = linear_pair(100, 10, 6)
    target = target.assign_coords(split=("presentation", np.where(np.arange(100) < 80, "train", "test")),
                                  story=("presentation", np.repeat(np.arange(5), 20)))
    fixed = get_metric("neural_predictivity", regression="ridge", split="fixed")(source, target)
    assert fixed.per_split.shape == (1,) and fixed.error > 0
    grouped = get_metric("neural_predictivity", regression="ridge", split="group_kfold", splits=5,
                         group_by="story")(source, target)
    assert grouped.per_split.shape == (5,)


def test_bad_inputs_raise_metric_errors():
    source, target, _ = linear_pair(100, 10, 6)
    with pytest.raises(MetricError, match="lacks 10 .*'stim0090'"):
        get_metric("neural_predictivity")(source.isel(presentation=slice(0, 90)), target)
    with pytest.raises(MetricError, match="too few"):
        get_metric("neural_predictivity")(source.isel(presentation=slice(0, 20)),
                                          target.isel(presentation=slice(0, 20)))
    with pytest.raises(MetricError, match=r"no coordinate 'object_name'.*\['stimulus_id'\]"):
        get_metric("neural_predictivity", stratify_by="object_name")(source, target)
    constant = target.copy()
    constant[:, 2] = 1.0
    with pytest.raises(MetricError, match="constant.*n0002"):
        get_metric("neural_predictivity")(source, constant)
    with pytest.raises(MetricError, match="known regressions"):
        get_metric("neural_predictivity", regression="lasso")(source, target)


def test_splits_digest_pins_the_exact_splits():
    source, target, _ = linear_pair(seed=0)
    metric = get_metric("neural_predictivity", regression="ridge", splits=3)
    first, again = metric(source, target), metric(source, target)
    other_seed = get_metric("neural_predictivity", regression="ridge", splits=3, seed=2)(source, target)
    assert len(first.details["splits_sha256"]) == 64
    assert first.details["splits_sha256"] == again.details["splits_sha256"]
    assert other_seed.details["splits_sha256"] != first.details["splits_sha256"]
    assert first.to_dict()["splits_sha256"] == first.details["splits_sha256"]


def test_neuron_to_neuron_finds_each_neuroids_own_column_and_its_analytic_r():
    """Target j = source column j + noise (sd 0.5) among 280 distractor columns: each neuroid maps to its own
    column on every split, and held-out r is 1 / sqrt(1 + 0.5^2) = 0.894."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((400, 300))
    y = x[:, :20] + 0.5 * rng.standard_normal((400, 20))
    score = get_metric("neural_predictivity", regression="neuron_to_neuron")(neural_assembly(x), neural_assembly(y))
    assert abs(score.value - 1 / np.sqrt(1.25)) < 0.02
    rows = np.random.default_rng(0).permutation(400)  # rows in another order: the same splits by stimulus_id
    shuffled = get_metric("neural_predictivity", regression="neuron_to_neuron")(
        neural_assembly(x[rows], stimulus_ids=[f"stim{i:04d}" for i in rows]), neural_assembly(y))
    assert shuffled.value == pytest.approx(score.value, abs=1e-12)


def test_neuron_to_neuron_skips_training_constant_columns_and_takes_the_first_of_equal_ones():
    rng = np.random.default_rng(2)
    y = rng.standard_normal((60, 3))
    x = np.column_stack([np.ones(60), y[:, 0], y[:, 0], -y[:, 1], y[:, 2] + rng.standard_normal(60)])
    from braindock.metrics.gram import Rows
    from braindock.metrics.neuron_to_neuron import neuron_to_neuron_predictions
    splits = [(np.arange(40), np.arange(40, 60))]
    (prediction, details), = neuron_to_neuron_predictions(Rows(x, np.arange(60)), y, splits, np.arange(3))
    assert details["source_columns"][:2] == [1, 1]  # column 0 is constant; 1 and 2 tie: the first wins
    np.testing.assert_array_equal(prediction[:, 0], y[40:, 0])
    with pytest.raises(MetricError, match="no source column varies.*split 0"):
        neuron_to_neuron_predictions(Rows(np.ones((60, 4)), np.arange(60)), y, splits, np.arange(3))


@pytest.mark.parametrize("n, rounding", [(1, None), (2, None), (41, None), (168, None), (168, 1)])  # odd, even, ties
def test_one_split_bootstrap_error_is_the_std_of_resampled_medians(n, rounding):
    """The fixed split's error: the std of np.median over the seeded resamples, bit for bit, though no
    resample is sorted (the medians come from order statistics of the drawn positions)."""
    from braindock.metrics.predictivity import FIXED_SPLIT_BOOTSTRAPS, _bootstrap_median_error
    values = np.random.default_rng(n).normal(size=n)
    values = values if rounding is None else np.round(values, rounding)
    samples = np.random.default_rng(7).integers(0, n, size=(FIXED_SPLIT_BOOTSTRAPS, n))
    assert _bootstrap_median_error(values, 7) == float(np.median(values[samples], axis=1).std(ddof=1))
