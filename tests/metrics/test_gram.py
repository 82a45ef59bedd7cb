import tracemalloc

import numpy as np
import pytest
import xarray as xr
from braindock.metrics import get_metric
from braindock.metrics.gram import BLOCK_COLUMNS, Rows, gram
from braindock.testing import linear_pair


def test_blockwise_gram_matches_direct_products():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2 * BLOCK_COLUMNS + 7)) + 3.0
    columns = x - x.mean(axis=0)
    rows = x - x.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(gram(x), columns @ columns.T, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(gram(x, row_means=x.mean(axis=1)), rows @ rows.T, rtol=1e-12, atol=1e-9)
    picked = np.array([5, 2, 9, 30])
    np.testing.assert_array_equal(gram(Rows(x, picked)), gram(x[picked]))


@pytest.fixture
def mapped_pair(tmp_path):
    """A source saved as float32 .npy, loaded memory-mapped (as responses.py does) and in memory."""
    source, target, _ = linear_pair(60, BLOCK_COLUMNS + 500, 8)  # more features than one block
    np.save(tmp_path / "source.npy", source.values.astype(np.float32))
    mapped = source.copy(data=np.load(tmp_path / "source.npy", mmap_mode="r"))
    return mapped, source.copy(data=np.load(tmp_path / "source.npy")), target


@pytest.mark.parametrize("name, params", [("rdm", {"cross_validated": True}), ("cka", {}),
                                          ("neural_predictivity", {"regression": "ridge"}),
                                          ("neural_predictivity", {"regression": "pls"})])
def test_memory_mapped_source_gives_bit_identical_scores(mapped_pair, name, params):
    mapped, in_memory, target = mapped_pair
    a, b = get_metric(name, **params)(mapped, target), get_metric(name, **params)(in_memory, target)
    assert a.value == b.value and np.array_equal(a.per_split, b.per_split)


def test_memory_mapped_source_is_never_copied_whole(tmp_path):
    rng = np.random.default_rng(0)
    n, p = 100, 50 * BLOCK_COLUMNS  # 41 MB as float32, 82 MB as float64
    np.save(tmp_path / "source.npy", rng.normal(size=(n, p)).astype(np.float32))
    _, target, _ = linear_pair(n, 5, 4)
    mapped = xr.DataArray(np.load(tmp_path / "source.npy", mmap_mode="r"), dims=("presentation", "neuroid"),
                          coords={"stimulus_id": ("presentation", target["stimulus_id"].values)})
    tracemalloc.start()
    get_metric("cka")(mapped, target)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * n * BLOCK_COLUMNS * 8  # a few blocks, not n * p * 4 = 20 MB
