import numpy as np
import pytest
from braindock.errors import MetricError
from braindock.metrics.splits import make_splits
from braindock.testing import neural_assembly
from sklearn.model_selection import StratifiedShuffleSplit


def _assembly(n=100, **coords):
    return neural_assembly(np.random.default_rng(0).normal(size=(n, 2)), **coords)


def test_stratified_matches_sklearn_and_is_seeded():
    labels = np.repeat(["a", "b", "c", "d"], 25)
    assembly = _assembly(object_name=labels)
    ours = make_splits("stratified_shuffle", assembly, splits=5, train_size=0.9, seed=1,
                       stratify_by="object_name", group_by=None)
    reference = StratifiedShuffleSplit(5, train_size=0.9, random_state=1).split(np.zeros(100), labels)
    for (train, test), (ref_train, ref_test) in zip(ours, reference):
        np.testing.assert_array_equal(test, np.sort(ref_test))
        assert set(train).isdisjoint(test) and len(train) + len(test) == 100


def test_missing_stratification_coordinate_names_existing():
    with pytest.raises(MetricError, match=r"no coordinate 'object_name'.*\['category', 'stimulus_id'\]"):
        make_splits("stratified_shuffle", _assembly(category=np.zeros(100)), splits=2, train_size=0.9, seed=1,
                    stratify_by="object_name", group_by=None)


def test_too_few_stimuli():
    with pytest.raises(MetricError, match="too few"):
        make_splits("stratified_shuffle", _assembly(n=10), splits=10, train_size=0.9, seed=1, stratify_by=None,
                    group_by=None)


def test_fixed_split_reads_coordinate():
    labels = np.where(np.arange(20) < 15, "train", "test")
    [(_, test)] = make_splits("fixed", _assembly(20, split=labels), splits=1, train_size=0.9, seed=0,
                                  stratify_by=None, group_by=None)
    np.testing.assert_array_equal(test, np.arange(15, 20))
    with pytest.raises(MetricError, match="'split'"):
        make_splits("fixed", _assembly(20), splits=1, train_size=0.9, seed=0, stratify_by=None, group_by=None)


def test_group_kfold_holds_out_whole_groups():
    stories = np.repeat(np.arange(5), 8)
    splits = make_splits("group_kfold", _assembly(40, story=stories), splits=5, train_size=0.9, seed=0,
                         stratify_by=None, group_by="story")
    assert len(splits) == 5
    for train, test in splits:
        assert set(stories[train]).isdisjoint(stories[test])
    with pytest.raises(MetricError, match="at least 6 distinct 'story'"):
        make_splits("group_kfold", _assembly(40, story=stories), splits=6, train_size=0.9, seed=0,
                    stratify_by=None, group_by="story")


def test_unknown_split_lists_known():
    with pytest.raises(MetricError, match="known splits"):
        make_splits("loo", _assembly(), splits=2, train_size=0.9, seed=0, stratify_by=None, group_by=None)


def test_cross_validation_subsets_are_brainscores_test_only_splits():
    """Brain-Score's TestOnlyCrossValidation passes test_size=0.9 alone; 1 - 0.9 as a train_size would round
    one stimulus away whenever the count is a multiple of 10 (320 here) and change every stratified subset."""
    from braindock.metrics.alignment import align
    from braindock.metrics.subsets import SUBSET_DEFAULTS, stimulus_subsets

    labels = np.repeat(list("abcdefgh"), 40)
    data = align(_assembly(320), _assembly(320, object_name=labels))
    subsets = stimulus_subsets(data, {**SUBSET_DEFAULTS, "cross_validated": True, "stratify_by": "object_name"})
    reference = StratifiedShuffleSplit(10, test_size=0.9, random_state=1).split(np.zeros(320), labels)
    for ours, (_, test) in zip(subsets, reference, strict=True):
        np.testing.assert_array_equal(ours, np.sort(test))
    assert all(subset.size == 288 for subset in subsets)
