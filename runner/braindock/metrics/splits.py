"""Train/test split generation over stimuli: stratified shuffle, fixed, group k-fold.

All splits index rows of an assembly already sorted by stimulus_id (as `alignment.align` returns it),
so the same data give the same splits regardless of the order the rows arrived in.
"""
from __future__ import annotations

import numpy as np
import xarray as xr
from sklearn.model_selection import GroupKFold, ShuffleSplit, StratifiedShuffleSplit

from .alignment import fail, preview, require_coord

SPLIT_KINDS = ("stratified_shuffle", "fixed", "group_kfold")
Split = tuple[np.ndarray, np.ndarray]  # (train rows, test rows)


def shuffle_splits(n: int, splits: int, train_size: float | None, seed: int, strata: np.ndarray | None = None,
                   test_size: float | None = None) -> list[Split]:
    """Brain-Score's cross-validation: sklearn (Stratified)ShuffleSplit(splits, train_size=..., test_size=...,
    random_state=seed). Give train_size (the test set is the rest) or test_size (the training set is the rest):
    sizes are rounded as sklearn rounds them, so 1 - 0.9 in floating point never costs a stimulus."""
    _check_count(splits, "splits")
    name, size = ("train_size", train_size) if test_size is None else ("test_size", test_size)
    if not 0 < size < 1:
        raise fail(f"{name} must be strictly between 0 and 1, got {size}", f"parameters.{name}",
                   "BAD_PARAMETER", expected=f"0 < {name} < 1", found=size)
    if test_size is None:
        n_train = int(np.floor(train_size * n))
        n_test = n - n_train
    else:
        n_test = int(np.ceil(test_size * n))
        n_train = n - n_test
    if n_train < 3 or n_test < 3:
        raise fail(f"{n} stimuli are too few for {name}={size}: {n_train} train / {n_test} test "
                   f"stimuli, need at least 3 of each", "stimuli", "TOO_FEW_STIMULI",
                   fix=f"score on more stimuli or change {name}", expected=">= 3 train and >= 3 test",
                   found=f"{n_train} train / {n_test} test")
    if strata is None:
        splitter = ShuffleSplit(n_splits=splits, train_size=train_size, test_size=test_size, random_state=seed)
        return [(np.sort(a), np.sort(b)) for a, b in splitter.split(np.zeros(n))]
    labels, counts = np.unique(strata, return_counts=True)
    if counts.min() < 2:
        raise fail(f"stratification needs at least 2 stimuli per class; class(es) {preview(labels[counts < 2])} "
                   f"have 1", "target.presentation", "TOO_FEW_STIMULI",
                   fix="stratify by a coarser coordinate or set stratify_by=None")
    if n_test < labels.size or n_train < labels.size:
        raise fail(f"{n} stimuli split {n_train}/{n_test} cannot hold all {labels.size} classes in both "
                   f"train and test", "stimuli", "TOO_FEW_STIMULI",
                   fix="score on more stimuli, change train_size or set stratify_by=None")
    splitter = StratifiedShuffleSplit(n_splits=splits, train_size=train_size, test_size=test_size,
                                      random_state=seed)
    return [(np.sort(a), np.sort(b)) for a, b in splitter.split(np.zeros(n), strata)]


def fixed_split(assembly: xr.DataArray, coord: str = "split") -> list[Split]:
    """One split from a presentation coordinate `split` whose values are 'train' or 'test'."""
    labels = require_coord(assembly, coord, "presentation", "target", "split='fixed' reads train/test from it")
    labels = np.asarray([str(v) for v in labels])
    unknown = sorted(set(labels) - {"train", "test"})
    if unknown:
        raise fail(f"target coordinate {coord!r} must hold 'train' or 'test', found {unknown[:5]}",
                   f"target.{coord}", "BAD_SPLIT_LABEL", expected="train | test", found=unknown[:5])
    train, test = np.flatnonzero(labels == "train"), np.flatnonzero(labels == "test")
    if train.size < 3 or test.size < 3:
        raise fail(f"fixed split has {train.size} train and {test.size} test stimuli, need at least 3 of each",
                   f"target.{coord}", "TOO_FEW_STIMULI", found=f"{train.size} train / {test.size} test")
    return [(train, test)]


def group_kfold(groups: np.ndarray, splits: int, coord: str) -> list[Split]:
    """sklearn GroupKFold(splits): every group (e.g. story, passage) is held out exactly once."""
    _check_count(splits, "splits")
    distinct = np.unique(groups)
    if distinct.size < splits:
        raise fail(f"group_kfold with {splits} splits needs at least {splits} distinct {coord!r} values, "
                   f"found {distinct.size}: {preview(distinct)}", f"target.{coord}", "TOO_FEW_GROUPS",
                   fix=f"lower `splits` to at most {distinct.size}")
    folds = GroupKFold(n_splits=splits).split(np.zeros(groups.size), groups=groups)
    return [(np.sort(a), np.sort(b)) for a, b in folds]


def make_splits(kind: str, assembly: xr.DataArray, *, splits: int, train_size: float, seed: int,
                stratify_by: str | None, group_by: str | None) -> list[Split]:
    """Splits of the rows of `assembly` (dims presentation x ..., sorted by stimulus_id)."""
    n = assembly.sizes["presentation"]
    if kind == "stratified_shuffle":
        strata = None
        if stratify_by:
            strata = require_coord(assembly, stratify_by, "presentation", "target",
                                   f"stratify_by={stratify_by!r}")
        return shuffle_splits(n, splits, train_size, seed, strata)
    if kind == "fixed":
        return fixed_split(assembly)
    if kind == "group_kfold":
        if not group_by:
            raise fail("split='group_kfold' needs group_by, the presentation coordinate naming each group",
                       "parameters.group_by", "MISSING_PARAMETER", fix="pass group_by='story' (for example)")
        groups = require_coord(assembly, group_by, "presentation", "target", f"group_by={group_by!r}")
        return group_kfold(groups, splits, group_by)
    raise fail(f"unknown split {kind!r}; known splits: {list(SPLIT_KINDS)}", "parameters.split",
               "UNKNOWN_SPLIT", expected=list(SPLIT_KINDS), found=kind)


def _check_count(splits, name: str) -> None:
    if not isinstance(splits, (int, np.integer)) or splits < 1:
        raise fail(f"{name} must be a positive integer, got {splits!r}", f"parameters.{name}", "BAD_PARAMETER")
