import numpy as np
import pytest
from braindock.metrics import Score
from braindock.testing import assert_scores_close, repeated_assembly


def _score(value, per_split=(0.1, 0.2)):
    return Score(value=value, error=0.01, metric="m", version="1", parameters={}, per_split=np.array(per_split))


def test_assert_scores_close():
    assert_scores_close(_score(0.5), _score(0.5 + 1e-12))
    with pytest.raises(AssertionError, match="value differs"):
        assert_scores_close(_score(0.5), _score(0.6), atol=0.01)
    with pytest.raises(AssertionError, match="per_split differs at split 1"):
        assert_scores_close(_score(0.5), _score(0.5, (0.1, 0.3)), atol=0.01)


def test_repeated_assembly_shape():
    assembly, reliability = repeated_assembly(10, 3, 4, signal_var=1, noise_var=4)
    assert assembly.shape == (40, 3) and reliability == pytest.approx(0.5)
