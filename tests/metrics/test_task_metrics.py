"""Error consistency and odd-one-out agreement on inputs with known answers."""
from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from braindock.errors import MetricError
from braindock.metrics import get_ceiling, get_metric, normalize
from braindock.metrics.error_consistency import kappa
from braindock.scoring.readouts import readout_odd_one_out


def label_trials(correct: np.ndarray, truth: str = "cat", wrong: str = "dog") -> xr.DataArray:
    """(subject, stimulus) booleans -> per-trial assembly where each subject names each stimulus once."""
    n_subjects, n_stimuli = correct.shape
    ids = [f"s{i:03d}" for i in range(n_stimuli)]
    return xr.DataArray(np.zeros(correct.size), dims=("presentation",), coords={
        "stimulus_id": ("presentation", np.tile(ids, n_subjects)),
        "truth": ("presentation", [truth] * correct.size),
        "choice": ("presentation", np.where(correct.ravel(), truth, wrong)),
        "subject": ("presentation", np.repeat([f"sub{j}" for j in range(n_subjects)], n_stimuli)),
    })


def model_labels(correct: np.ndarray) -> xr.DataArray:
    ids = [f"s{i:03d}" for i in range(correct.size)]
    return xr.DataArray(np.where(correct, "cat", "dog").astype(object), dims=("presentation",),
                        coords={"stimulus_id": ("presentation", ids)})


def test_kappa_matches_its_definition_on_a_small_table():
    a = np.array([1, 1, 1, 0, 0, 1, 0, 1], bool)
    b = np.array([1, 1, 0, 0, 1, 1, 0, 1], bool)
    observed, pa, pb = 6 / 8, 5 / 8, 5 / 8
    expected = pa * pb + (1 - pa) * (1 - pb)
    assert kappa(a, b) == pytest.approx((observed - expected) / (1 - expected))


def test_a_model_erring_exactly_like_every_subject_has_error_consistency_one():
    pattern = np.random.default_rng(0).random(60) < 0.7
    score = get_metric("error_consistency")(model_labels(pattern), label_trials(np.tile(pattern, (5, 1))))
    assert score.value == pytest.approx(1.0) and score.per_split.shape == (5,)


def test_independent_errors_give_error_consistency_near_zero_and_the_ceiling_sees_shared_difficulty():
    rng = np.random.default_rng(1)
    difficulty = rng.random(4000)
    humans = rng.random((8, 4000)) < np.where(difficulty < 0.5, 0.95, 0.45)  # errors concentrate on hard stimuli
    model = rng.random(4000) < 0.7  # errs anywhere (kappa sd ~ 1/sqrt(4000))
    score = get_metric("error_consistency")(model_labels(model), label_trials(humans))
    ceiling = get_ceiling("error_consistency_humans")(label_trials(humans))
    assert abs(score.value) < 0.05 and ceiling.value > 0.2 and ceiling.per_split.size == 28


def test_error_consistency_names_an_unanswered_stimulus_and_an_undefined_kappa():
    pattern = np.arange(10) % 3 > 0
    with pytest.raises(MetricError) as caught:
        get_metric("error_consistency")(model_labels(pattern)[1:], label_trials(np.tile(pattern, (2, 1))))
    assert caught.value.problems[0].code == "MISSING_STIMULUS" and "s000" in caught.value.message
    with pytest.raises(MetricError) as caught:
        get_metric("error_consistency")(model_labels(np.ones(10, bool)), label_trials(np.ones((2, 10), bool)))
    assert caught.value.problems[0].code == "UNDEFINED_KAPPA"


def triplet_trials(triplets, choices) -> xr.DataArray:
    columns = np.array(triplets, dtype=object)
    return xr.DataArray(np.zeros(len(choices)), dims=("presentation",), coords={
        **{f"stimulus_id_{i + 1}": ("presentation", columns[:, i]) for i in range(3)},
        "choice": ("presentation", np.array(choices, dtype=object)),
        "subject": ("presentation", [f"sub{i % 7}" for i in range(len(choices))]),
    })


def test_odd_one_out_agreement_and_noise_ceiling_on_a_hand_counted_example():
    # triplet abc answered a, a, b; triplet cde (shown in another order) answered e, e, e
    trials = triplet_trials([("a", "b", "c")] * 3 + [("c", "d", "e"), ("e", "d", "c"), ("d", "c", "e")], ["a", "a", "b", "e", "e", "e"])
    model = xr.DataArray(np.array(["a", "e"], dtype=object), dims=("triplet",), coords={
        "stimulus_id_1": ("triplet", ["a", "d"]), "stimulus_id_2": ("triplet", ["b", "e"]), "stimulus_id_3": ("triplet", ["c", "c"])})
    score = get_metric("odd_one_out_agreement")(model, trials)
    assert score.value == pytest.approx(5 / 6)
    # leave-one-out majority: abc -> a vs {a, b}: tie, credit 1/2; a vs {a, b}: 1/2; b vs {a, a}: 0; cde: 1, 1, 1
    ceiling = get_ceiling("odd_one_out_noise_ceiling")(trials)
    assert ceiling.value == pytest.approx((0.5 + 0.5 + 0 + 3) / 6)
    ceiled = normalize("(r-1/3)/(ceiling-1/3)", score, ceiling)
    assert ceiled.value == pytest.approx((5 / 6 - 1 / 3) / (ceiling.value - 1 / 3))


def test_a_ceiling_at_chance_cannot_normalise_a_three_way_choice():
    trials = triplet_trials([("a", "b", "c")] * 3, ["a", "b", "c"])  # everyone disagrees: ceiling 0
    ceiling = get_ceiling("odd_one_out_noise_ceiling")(trials)
    model = xr.DataArray(np.array(["a"], dtype=object), dims=("triplet",), coords={
        f"stimulus_id_{i}": ("triplet", [x]) for i, x in zip((1, 2, 3), "abc")})
    with pytest.raises(MetricError) as caught:
        normalize("(r-1/3)/(ceiling-1/3)", get_metric("odd_one_out_agreement")(model, trials), ceiling)
    assert caught.value.problems[0].code == "BAD_CEILING"


def test_a_human_choice_outside_its_triplet_is_named():
    with pytest.raises(MetricError) as caught:
        get_ceiling("odd_one_out_noise_ceiling")(triplet_trials([("a", "b", "c"), ("a", "b", "c")], ["a", "z"]))
    assert caught.value.problems[0].code == "BAD_TRIAL" and "'z'" in caught.value.message


def test_the_dot_readout_leaves_out_the_member_unlike_the_other_two():
    ids = ["x", "y", "z", "w"]
    features = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [1.0, 0.05]])
    activations = xr.DataArray(features, dims=("presentation", "neuroid"), coords={"stimulus_id": ("presentation", ids)})
    answer = readout_odd_one_out(activations, [["x", "y", "z"], ["z", "w", "x"], ["y", "z", "w"]])
    assert list(answer.values) == ["z", "z", "z"]
