import numpy as np
import pytest
from braindock.errors import MetricError
from braindock.metrics.alignment import align
from braindock.testing import neural_assembly


def _pair(n=20):
    rng = np.random.default_rng(0)
    return neural_assembly(rng.normal(size=(n, 5))), neural_assembly(rng.normal(size=(n, 3)))


def test_aligns_by_stimulus_id_not_position():
    source, target = _pair()
    shuffled = source.isel(presentation=np.random.default_rng(1).permutation(20))
    a, b = align(source, target), align(shuffled, target)
    np.testing.assert_array_equal(a.source.dense(), b.source.dense())
    np.testing.assert_array_equal(a.stimulus_ids, np.sort(target["stimulus_id"].values))


def test_missing_stimuli_are_listed():
    source, target = _pair()
    with pytest.raises(MetricError, match=r"lacks 3 .*stim0000.*stim0001.*stim0002") as error:
        align(source.isel(presentation=slice(3, None)), target)
    assert error.value.problems[0].code == "MISSING_STIMULI"


def test_constant_neuroids_are_named():
    source, target = _pair()
    target[:, 1] = 7.0
    with pytest.raises(MetricError, match=r"constant.*n0001"):
        align(source, target)


def test_nan_and_inf_are_located():
    source, target = _pair()
    source[4, 2] = np.nan
    with pytest.raises(MetricError, match=r"source contains 1 NaN/inf.*stim0004.*n0002"):
        align(source, target)
    source, target = _pair()
    target[7, 0] = np.inf
    with pytest.raises(MetricError, match=r"target contains .*stim0007"):
        align(source, target)


def test_wrong_dims_and_missing_coordinate():
    source, target = _pair()
    with pytest.raises(MetricError, match=r"dims \('time_bin', 'neuroid'\), expected"):
        align(source.rename(presentation="time_bin"), target)
    with pytest.raises(MetricError, match=r"no coordinate 'stimulus_id'.*\['image_id'\]"):
        align(source, target.rename(stimulus_id="image_id"))


def test_duplicate_target_stimuli_rejected():
    source, target = _pair()
    ids = target["stimulus_id"].values.copy()
    ids[1] = ids[0]
    with pytest.raises(MetricError, match="average the target over repetitions"):
        align(source, target.assign_coords(stimulus_id=("presentation", ids)))
