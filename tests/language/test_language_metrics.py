"""Perplexity, reading-time predictivity and their ceilings on data whose answer is known by construction."""
from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from braindock import metrics
from braindock.errors import MetricError


def answer(values, ids, index) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=float), dims=("word",),
                        coords={"stimulus_id": ("word", ids), "word_index": ("word", index)})


def tokens(n_sentences=40, length=8, seed=0):
    rng = np.random.default_rng(seed)
    ids = [f"s{i}" for i in range(n_sentences) for _ in range(length)]
    index = [k for _ in range(n_sentences) for k in range(length)]
    words = rng.choice(["a", "bee", "honey", "observatory"], size=len(ids))
    return ids, index, words, rng


def test_perplexity_of_a_uniform_guess_is_the_vocabulary_size():
    ids, index, _, _ = tokens()
    score = metrics.get_metric("perplexity")(answer(np.full(len(ids), -np.log(50)), ids, index), answer(np.zeros(len(ids)), ids, index))
    assert score.value == pytest.approx(50.0)
    assert score.details["bits_per_word"] == pytest.approx(np.log2(50))


def test_perplexity_aligns_by_stimulus_and_word_not_position():
    ids, index, _, rng = tokens()
    values = np.log(rng.uniform(0.01, 1, len(ids)))
    order = rng.permutation(len(ids))
    shuffled = answer(values[order], list(np.array(ids)[order]), list(np.array(index)[order]))
    target = answer(np.zeros(len(ids)), ids, index)
    assert metrics.get_metric("perplexity")(shuffled, target).value == pytest.approx(np.exp(-values.mean()))


@pytest.mark.parametrize("bad,code", [(np.nan, "BAD_LOG_PROBABILITY"), (0.5, "BAD_LOG_PROBABILITY"), (None, "MISSING_WORD")])
def test_perplexity_refuses_bad_or_missing_answers(bad, code):
    ids, index, _, _ = tokens()
    values = np.full(len(ids), -1.0)
    if bad is None:
        source = answer(values[1:], ids[1:], index[1:])
    else:
        values[3] = bad
        source = answer(values, ids, index)
    with pytest.raises(MetricError) as caught:
        metrics.get_metric("perplexity")(source, answer(np.zeros(len(ids)), ids, index))
    assert caught.value.problems[0].code == code


def reading(truth_bits, words, ids, index, rng, subjects=20, noise=40.0):
    mean = 250 + 12 * truth_bits + 6 * np.array([len(w) for w in words])
    data = mean[:, None] + rng.normal(0, noise, (len(mean), subjects))
    return xr.DataArray(data, dims=("word", "subject"), coords={
        "stimulus_id": ("word", ids), "word_index": ("word", index), "word": ("word", words),
        "story": ("word", [f"story{int(i[1:]) % 5}" for i in ids])})


def test_reading_times_rank_true_surprisal_above_shuffled_and_the_ceiling_is_what_truth_reaches():
    ids, index, words, rng = tokens()
    truth = rng.gamma(2.0, 2.0, len(ids))
    target = reading(truth, words, ids, index, rng)
    metric = metrics.get_metric("reading_time_predictivity", group_by="story", splits=5)
    right = metric(answer(-truth * np.log(2), ids, index), target)
    wrong = metric(answer(-rng.permutation(truth) * np.log(2), ids, index), target)
    ceiling = metrics.get_ceiling("reading_time_consistency", splits=50, seed=0)(target)
    assert right.value > wrong.value + 0.2
    assert right.value == pytest.approx(ceiling.value, abs=0.05)
    ceiled = metrics.normalize("r/ceiling", right, ceiling)
    assert ceiled.value == pytest.approx(1.0, abs=0.07)


def test_normalisation_none_keeps_the_raw_score():
    ids, index, _, _ = tokens()
    raw = metrics.get_metric("perplexity")(answer(np.full(len(ids), -2.0), ids, index), answer(np.zeros(len(ids)), ids, index))
    ceiling = metrics.get_ceiling("none")(None)
    assert metrics.normalize("none", raw, ceiling).value == raw.value


def test_reading_times_average_the_readers_who_read_each_word():
    """NaN marks a reader who did not read a word (Natural Stories: each reader read some stories). The metric is then
    the metric against the mean of the readers who read each word (Brain-Score's skip-NaN mean), and the generating
    surprisal still reaches the split-half ceiling."""
    ids, index, words, rng = tokens()
    truth = rng.gamma(2.0, 2.0, len(ids))
    target = reading(truth, words, ids, index, rng, subjects=40)
    story = np.array([int(s[-1]) for s in target["story"].values])
    target.values[story[:, None] % 2 == np.arange(40)[None, :] % 2] = np.nan  # even readers read odd stories, and back
    averaged = target.isel(subject=[0]).copy(data=np.nanmean(target.values, axis=1, keepdims=True))
    metric = metrics.get_metric("reading_time_predictivity", group_by="story", splits=5)
    right = metric(answer(-truth * np.log(2), ids, index), target)
    assert right.value == metric(answer(-truth * np.log(2), ids, index), averaged).value
    ceiling = metrics.get_ceiling("reading_time_consistency", splits=50, seed=0)(target)
    assert right.value == pytest.approx(ceiling.value, abs=0.05)


@pytest.mark.parametrize("cells, value, code", [(np.s_[3, :], np.nan, "UNREAD_WORD"), (np.s_[3, 2], np.inf, "BAD_READING_TIME")])
def test_reading_times_refuse_a_word_nobody_read_and_infinite_times(cells, value, code):
    ids, index, words, rng = tokens()
    truth = rng.gamma(2.0, 2.0, len(ids))
    target = reading(truth, words, ids, index, rng)
    target.values[cells] = value
    for score in (lambda: metrics.get_metric("reading_time_predictivity")(answer(-truth, ids, index), target),
                  lambda: metrics.get_ceiling("reading_time_consistency")(target)):
        with pytest.raises(MetricError) as caught:
            score()
        assert caught.value.problems[0].code == code
