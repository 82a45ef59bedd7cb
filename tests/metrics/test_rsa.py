import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.stats
from braindock.errors import MetricError
from braindock.metrics import get_metric
from braindock.metrics.rsa import SubsetRanks, _sort, subset_spearman
from braindock.testing import linear_pair


def _reference(x, y):
    iu = np.triu_indices(x.shape[0], k=1)
    return scipy.stats.spearmanr((1 - np.corrcoef(x))[iu], (1 - np.corrcoef(y))[iu])[0]


def test_matches_scipy_on_all_and_on_subsets():
    source, target, _ = linear_pair(60, 10, 8)
    score = get_metric("rdm")(source, target)
    assert score.value == pytest.approx(_reference(source.values, target.values), abs=1e-12)
    assert get_metric("rdm")(target, target).value == pytest.approx(1.0)
    cv = get_metric("rdm", cross_validated=True, splits=3)(source, target)
    from sklearn.model_selection import ShuffleSplit
    subsets = [test for _, test in ShuffleSplit(3, test_size=0.9, random_state=1).split(np.zeros(60))]
    expected = [_reference(source.values[np.sort(s)], target.values[np.sort(s)]) for s in subsets]
    np.testing.assert_allclose(cv.per_split, expected, atol=1e-12)


@pytest.mark.parametrize("levels", [3, 1000])  # many ties, almost none
def test_subset_spearman_matches_scipy_with_ties(levels):
    rng = np.random.default_rng(levels)
    a, b = (np.round(rng.random((30, 30)) * levels) for _ in range(2))
    a, b = a + a.T, b + b.T
    masks = [np.ones(30, dtype=bool)] + [rng.random(30) < 0.7 for _ in range(3)]
    upper = np.triu_indices(30, 1)
    ours = subset_spearman(SubsetRanks(a[upper], 30), SubsetRanks(b[upper], 30), masks)
    for mask, r in zip(masks, ours):
        iu = np.triu_indices(mask.sum(), 1)
        assert r == pytest.approx(scipy.stats.spearmanr(a[np.ix_(mask, mask)][iu], b[np.ix_(mask, mask)][iu])[0],
                                  abs=1e-13)


@pytest.mark.parametrize("ties", [0, 20, 5000])  # exact order, a few ties and near-ties, or the plain argsort
@pytest.mark.parametrize("signs", ["mixed", "non-negative"])  # non-negative (RDMs) keys skip the sign fix
def test_packed_sort_is_exact(ties, signs):
    rng = np.random.default_rng(ties)
    values = rng.normal(size=20000)
    values = np.abs(values) if signs == "non-negative" else values
    values[:ties] = values[ties:2 * ties]  # exact ties
    values[-20:] = np.nextafter(values[-40:-20], np.inf)  # neighbours one ulp apart: same packed key bits
    values[-45:-40] = -0.0
    order, starts = _sort(values, np.int32)
    np.testing.assert_array_equal(np.sort(order), np.arange(values.size))
    ordered = values[order]
    assert (np.diff(ordered) >= 0).all()
    np.testing.assert_array_equal(starts, np.r_[True, ordered[1:] != ordered[:-1]])


def test_constant_stimulus_named():
    source, target, _ = linear_pair(30, 10, 8)
    source[5, :] = 1.0
    with pytest.raises(MetricError, match="constant across features.*stim0005"):
        get_metric("rdm")(source, target)


def test_rdm_triangle_is_corrcoef_upper_triangle_bit_for_bit():
    """With more features than stimuli the RDM is normalised as the whole matrix would be: the same bits as its
    upper triangle, as 1 - numpy.corrcoef would give (up to its rounding), for an in-memory array and for Rows."""
    from braindock.metrics.gram import Rows, gram
    from braindock.metrics.rsa import rdm
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 70))
    full = gram(x, row_means=x.mean(axis=1))
    std = np.sqrt(np.diag(full))
    whole = 1.0 - np.clip(full / std[:, None] / std[None, :], -1.0, 1.0)
    upper = np.triu_indices(40, 1)
    ids = np.array([f"s{i}" for i in range(40)])
    np.testing.assert_array_equal(rdm(x, ids, "source"), whole[upper])
    np.testing.assert_array_equal(rdm(Rows(x, np.arange(40)), ids, "source"), whole[upper])
    np.testing.assert_allclose(rdm(x, ids, "source"), (1.0 - np.corrcoef(x))[upper], atol=1e-13)


def test_rdm_with_fewer_features_than_stimuli_is_corrcoef():
    """With fewer features than stimuli the rows are scaled before the Gram instead of the Gram after it: still
    1 - numpy.corrcoef's upper triangle to rounding, for an array and for Rows picking rows out of order."""
    from braindock.metrics.gram import Rows
    from braindock.metrics.rsa import rdm
    rng = np.random.default_rng(6)
    x = rng.normal(size=(50, 7)) * rng.uniform(0.1, 100.0, size=(50, 1)) + rng.normal(size=(50, 1)) * 10
    ids = np.array([f"s{i}" for i in range(50)])
    upper = np.triu_indices(50, 1)
    np.testing.assert_allclose(rdm(x, ids, "source"), (1.0 - np.corrcoef(x))[upper], rtol=0, atol=1e-14)
    order = rng.permutation(50)
    np.testing.assert_allclose(rdm(Rows(x, order), ids, "source"), (1.0 - np.corrcoef(x[order]))[upper], rtol=0,
                               atol=1e-14)


def test_ranks_side_by_side_equal_ranks_one_after_the_other(monkeypatch):
    """Large triangles are ranked two at a time on threads: the same ranks, and the same RSA ceiling and RDM
    score bit for bit, as ranking them one after the other."""
    import braindock.metrics.rsa as rsa
    from braindock.metrics import get_ceiling
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: triangles are always ranked one after the other")
    rng = np.random.default_rng(11)
    vectors = [np.round(rng.random(5000) * 300), rng.random(5000)]  # with ties and without
    one_by_one = [rsa.centred_ranks(v) for v in vectors]
    source, target, _ = linear_pair(80, 12, 8)
    grouped = target.assign_coords(subject=("neuroid", np.arange(8) % 3))
    serial = get_ceiling("rsa_ceiling")(grouped), get_metric("rdm")(source, target)
    monkeypatch.setattr(rsa, "PARALLEL_RANKS", 10)
    threads = []
    monkeypatch.setattr(rsa, "ThreadPoolExecutor", lambda **kw: threads.append(kw) or ThreadPoolExecutor(**kw))
    for ours, expected in zip(rsa.centred_ranks_of(*vectors), one_by_one):
        np.testing.assert_array_equal(ours, expected)
    parallel = get_ceiling("rsa_ceiling")(grouped), get_metric("rdm")(source, target)
    assert len(threads) == 1 + 3 + 1 and all(kw["max_workers"] == 2 for kw in threads)
    assert parallel[0].value == serial[0].value and parallel[0].details == serial[0].details
    assert parallel[1].value == serial[1].value


@pytest.mark.parametrize("levels", [None, 1000])  # without and with ties
def test_rank_dot_products_below_the_exact_bound_are_exact(levels):
    """Below EXACT_DOT values the dot product of two centred rankings (scipy's BLAS there) is the exact integer
    sum, and so the same bits as einsum's one order, with ties and without."""
    import braindock.metrics.rsa as rsa
    rng = np.random.default_rng(5)
    size = rsa.EXACT_DOT - 1
    values = [rng.random(size) if levels is None else np.floor(rng.random(size) * levels) for _ in range(2)]
    a, b = (rsa.centred_ranks(v) for v in values)
    exact = int(np.dot((2 * a).astype(np.int64), (2 * b).astype(np.int64))) / 4  # integer arithmetic, exact
    assert rsa._dot(a, b) == exact == np.einsum("i,i->", a, b)
    assert rsa._dot(a, a) == int(np.dot((2 * a).astype(np.int64), (2 * a).astype(np.int64))) / 4
