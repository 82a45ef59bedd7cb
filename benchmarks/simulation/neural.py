"""The declared noise model: neurons are low-rank linear read-outs of one stage plus Gaussian trial noise.

For neuron j: mean response mu_j(s) = b_j + g_j * z(F(s) @ w_j), with F the stage's block-weighted features,
w_j = A_j @ B (B: rank x features, shared by the population; A_j: neuron loadings), z() z-scoring across
stimuli. Trial k: r_jk(s) = mu_j(s) + e, e ~ N(0, sigma_j^2), sigma_j^2 = n * var_s(mu_j) * (1/rho - 1).
Then the reliability of the n-repetition mean is var/(var + sigma^2/n) = rho exactly in expectation, which
is what the internal-consistency ceiling (split-half, Spearman-Brown) estimates.
"""
from __future__ import annotations

import numpy as np


def mean_responses(stage: np.ndarray, n_neurons: int, rank: int, rng: np.random.Generator) -> np.ndarray:
    """(stimuli, features) -> (stimuli, neurons) noise-free firing rates (spikes/s); `stage` as hierarchy returns it."""
    basis = rng.standard_normal((rank, stage.shape[1]))
    loadings = rng.standard_normal((n_neurons, rank))
    drive = stage @ (loadings @ basis).T
    drive = (drive - drive.mean(0)) / drive.std(0)
    gain = rng.uniform(5.0, 20.0, n_neurons)
    baseline = rng.uniform(10.0, 40.0, n_neurons)
    return baseline + gain * drive


def trials(mu: np.ndarray, repetitions: int, reliability: float, rng: np.random.Generator) -> np.ndarray:
    """(stimuli, neurons) means -> (repetitions, stimuli, neurons) single-trial responses."""
    sigma = np.sqrt(repetitions * mu.var(axis=0) * (1.0 / reliability - 1.0))
    return mu[None] + rng.standard_normal((repetitions,) + mu.shape) * sigma
