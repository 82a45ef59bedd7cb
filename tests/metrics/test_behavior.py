import numpy as np
import pytest
from braindock.errors import MetricError
from braindock.metrics import get_ceiling, get_metric, normalize
from braindock.metrics.behavior import human_rates, normalised_dprimes, read_trials
from braindock.testing import behaviour_pair


@pytest.mark.parametrize("name", ["i2n", "i1n"])
def test_model_equal_to_human_rates_reaches_the_ceiling(name):
    source, target = behaviour_pair(trials_per_cell=40)
    score = get_metric(name, splits=4)(source, target)
    ceiling = get_ceiling(f"{name}_split_half", splits=4)(target)
    ceiled = normalize("r/sqrt(ceiling)", score, ceiling)
    assert abs(ceiled.value - 1.0) < 0.05
    assert score.value > ceiling.value  # the truth beats a noisy half


def test_unrelated_model_scores_near_zero():
    source, target = behaviour_pair()
    shuffled = source.copy(data=source.values[np.random.default_rng(0).permutation(source.sizes["presentation"])])
    assert abs(get_metric("i2n")(shuffled, target).value) < 0.15


def test_response_matrix_and_normalisation():
    _, target = behaviour_pair(n_objects=3, images_per_object=4, trials_per_cell=10)
    trials = read_trials(target)
    rates = human_rates(trials, np.arange(trials.image.size))
    assert np.isnan(rates[np.arange(12), trials.image_truth]).all()
    assert np.nanmax(rates) <= 1 and np.nanmin(rates) >= 0
    dprime = normalised_dprimes(rates, trials.image_truth, collapse=False)
    assert np.nanmax(np.abs(dprime)) <= 10  # clipped at +-5 before removing means
    for truth in range(3):  # each (truth, distractor) cell has mean zero after normalisation
        cells = dprime[trials.image_truth == truth][:, np.arange(3) != truth]
        np.testing.assert_allclose(np.nanmean(cells, axis=0), 0, atol=1e-12)


def test_deterministic():
    source, target = behaviour_pair()
    assert get_metric("i2n")(source, target).per_split.tolist() == get_metric("i2n")(source, target).per_split.tolist()


def test_bad_behavioural_inputs():
    source, target = behaviour_pair()
    with pytest.raises(MetricError, match="lacks 20 .*img0000"):
        get_metric("i2n")(source.isel(presentation=slice(20, None)), target)
    with pytest.raises(MetricError, match=r"no coordinate 'distractor'.*\['choice', 'stimulus_id', 'subject', 'truth'\]"):
        get_metric("i2n")(source, target.drop_vars("distractor"))
    broken = source.copy()
    broken[3, 0] = np.nan
    with pytest.raises(MetricError, match="finite.*img0003"):
        get_metric("i2n")(broken, target)
    with pytest.raises(MetricError, match="not among the choices"):
        get_metric("i2n")(source.isel(choice=slice(0, 4)), target)


def test_i1_keeps_the_object_means_that_i1n_removes():
    """I1 is I1n without subtracting each (truth, distractor) mean: the difference of their d' is exactly
    that mean, and a model equal to the human rates reaches I1's own ceiling too."""
    _, target = behaviour_pair(n_objects=4, images_per_object=6, trials_per_cell=10)
    trials = read_trials(target)
    rates = human_rates(trials, np.arange(trials.image.size))
    raw = normalised_dprimes(rates, trials.image_truth, collapse=False, normalise=False)
    centred = normalised_dprimes(rates, trials.image_truth, collapse=False)
    for truth in range(4):
        images, others = trials.image_truth == truth, np.arange(4) != truth
        np.testing.assert_allclose((raw - centred)[images][:, others],
                                   np.nanmean(raw[images][:, others], axis=0)[None].repeat(6, 0), atol=1e-12)
    source, target = behaviour_pair(trials_per_cell=40)
    ceiled = normalize("r/sqrt(ceiling)", get_metric("i1", splits=4)(source, target),
                       get_ceiling("i1_split_half", splits=4)(target))
    assert abs(ceiled.value - 1.0) < 0.05
