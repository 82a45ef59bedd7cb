import numpy as np
import pytest
from braindock.errors import MetricError
from braindock.metrics.alignment import align, column_ranges
from braindock.metrics.gram import Rows
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


@pytest.mark.parametrize("chunk_bytes", [8, 8 * 7 * 3, 2 ** 19])  # one row, three rows of the 7-column blocks, all
def test_column_ranges_read_in_row_chunks_are_each_columns_min_and_max_nan_and_inf_included(chunk_bytes, monkeypatch):
    import braindock.metrics.gram as gram
    monkeypatch.setattr(gram, "BLOCK_COLUMNS", 7)  # several blocks of columns, as for a wide model
    values = np.random.default_rng(0).standard_normal((23, 20))
    values[17, 3], values[22, 11], values[5, 19] = np.nan, np.inf, -np.inf  # in a late chunk, the last row
    rows = Rows(values, np.arange(22, -1, -1))  # every row, in reverse
    low, high = column_ranges(rows, chunk_bytes)
    expected_low, expected_high = values.min(axis=0), values.max(axis=0)
    np.testing.assert_array_equal(low, expected_low)
    np.testing.assert_array_equal(high, expected_high)
    assert np.isnan(low[3]) and np.isnan(high[3]) and high[11] == np.inf and low[19] == -np.inf
    low, high = column_ranges(values[:, :4], chunk_bytes)  # a plain array
    np.testing.assert_array_equal(low, expected_low[:4])
