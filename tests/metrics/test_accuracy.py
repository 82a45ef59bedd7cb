"""Accuracy (engineering benchmarks) against values counted by hand."""
from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from braindock.errors import MetricError
from braindock.metrics import get_ceiling, get_metric, normalize


def trials(ids, truths, repeat: int = 1) -> xr.DataArray:
    """One trial per stimulus (repeated `repeat` times, as several subjects would give), the generator's choice = truth."""
    ids, truths = list(ids) * repeat, list(truths) * repeat
    return xr.DataArray(np.array(truths, dtype=object), dims=("presentation",), coords={
        "stimulus_id": ("presentation", ids), "truth": ("presentation", truths), "choice": ("presentation", truths),
        "subject": ("presentation", ["generator"] * len(ids))})


def labels(answers: dict[str, str]) -> xr.DataArray:
    return xr.DataArray(np.array(list(answers.values()), dtype=object), dims=("presentation",),
                        coords={"stimulus_id": ("presentation", list(answers))})


IDS = ["a", "b", "c", "d", "e"]
TRUTHS = ["cat", "cat", "dog", "dog", "cow"]


def test_accuracy_counts_right_answers_and_gives_the_binomial_error():
    # right on a, c, e (3 of 5); in another order than the target, so position cannot stand in for the id
    answers = {"e": "cow", "d": "cat", "c": "dog", "b": "dog", "a": "cat"}
    score = get_metric("accuracy")(labels(answers), trials(IDS, TRUTHS))
    assert score.value == pytest.approx(3 / 5)
    assert score.error == pytest.approx(np.sqrt(0.6 * 0.4 / 5))
    assert score.details["correct"] == 3 and score.details["stimuli"] == 5
    assert score.details["chance"] == pytest.approx(1 / 3)
    assert score.details["per_label"] == {"cat": 0.5, "cow": 1.0, "dog": 0.5}


def test_repeated_trials_count_each_stimulus_once_and_extra_answers_are_ignored():
    answers = {"a": "cat", "b": "cat", "c": "cow", "d": "cow", "e": "cow", "extra": "dog"}  # right on a, b, e
    score = get_metric("accuracy")(labels(answers), trials(IDS, TRUTHS, repeat=4))
    assert score.value == pytest.approx(3 / 5) and score.details["stimuli"] == 5


def test_all_right_is_one_with_no_error_and_normalisation_none_keeps_it():
    raw = get_metric("accuracy")(labels(dict(zip(IDS, TRUTHS))), trials(IDS, TRUTHS))
    ceiling = get_ceiling("none")(trials(IDS, TRUTHS))
    assert (raw.value, raw.error) == (1.0, 0.0)
    assert normalize("none", raw, ceiling).value == 1.0


def test_a_missing_answer_and_a_stimulus_with_two_truths_are_refused_by_name():
    with pytest.raises(MetricError) as missing:
        get_metric("accuracy")(labels({"a": "cat", "b": "cat"}), trials(IDS, TRUTHS))
    assert missing.value.problems[0].code == "MISSING_STIMULUS" and "'c'" in missing.value.message
    with pytest.raises(MetricError) as conflict:
        get_metric("accuracy")(labels(dict(zip(IDS, TRUTHS))), trials(["a", "a"], ["cat", "dog"]))
    assert conflict.value.problems[0].code == "CONFLICTING_TRUTH" and "'a'" in conflict.value.message
