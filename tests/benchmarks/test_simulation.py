"""The declared generative model produces the reliability it declares (what the ceiling must find)."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from simulation import neural  # noqa: E402


@pytest.mark.parametrize("rho", [0.5, 0.822, 0.9])
def test_trial_noise_gives_declared_reliability(rho):
    rng = np.random.default_rng(0)
    mu = neural.mean_responses(rng.standard_normal((2000, 40)), 50, 8, rng)
    data = neural.trials(mu, 30, rho, rng)
    half1, half2 = data[:15].mean(0), data[15:].mean(0)
    r = np.array([np.corrcoef(half1[:, j], half2[:, j])[0, 1] for j in range(50)])
    spearman_brown = 2 * r / (1 + r)
    assert np.median(spearman_brown) == pytest.approx(rho, abs=0.02)
