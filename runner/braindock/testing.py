"""Helpers for plug-in authors and our own tests: score comparison and small synthetic assemblies."""
from __future__ import annotations

import numpy as np
import xarray as xr

from .metrics.base import Score


def assert_scores_close(a: Score, b: Score, atol: float = 1e-9, *, check_error: bool = True,
                        check_per_split: bool = True) -> None:
    """AssertionError naming the first field where two scores differ by more than `atol`."""
    if (a.metric, a.version) != (b.metric, b.version):
        raise AssertionError(f"scores come from different metrics: {a.metric} {a.version} vs {b.metric} {b.version}")
    if not abs(a.value - b.value) <= atol:
        raise AssertionError(f"value differs: {a.value!r} vs {b.value!r} (|diff| > {atol})")
    if check_error and not abs(a.error - b.error) <= atol:
        raise AssertionError(f"error differs: {a.error!r} vs {b.error!r} (|diff| > {atol})")
    if check_per_split:
        sa, sb = np.ravel(a.per_split), np.ravel(b.per_split)
        if sa.shape != sb.shape:
            raise AssertionError(f"per_split lengths differ: {sa.size} vs {sb.size}")
        if sa.size and not np.allclose(sa, sb, atol=atol, rtol=0):
            worst = int(np.argmax(np.abs(sa - sb)))
            raise AssertionError(f"per_split differs at split {worst}: {sa[worst]!r} vs {sb[worst]!r}")


def neural_assembly(values: np.ndarray, stimulus_ids=None, neuroid_ids=None, **presentation_coords) -> xr.DataArray:
    """(presentation, neuroid) DataArray with stimulus_id (default 'stim000'...) and neuroid_id coordinates."""
    values = np.asarray(values, dtype=np.float64)
    n, q = values.shape
    stimulus_ids = np.asarray(stimulus_ids if stimulus_ids is not None else [f"stim{i:04d}" for i in range(n)])
    neuroid_ids = np.asarray(neuroid_ids if neuroid_ids is not None else [f"n{j:04d}" for j in range(q)])
    coords = {"stimulus_id": ("presentation", stimulus_ids), "neuroid_id": ("neuroid", neuroid_ids)}
    coords.update({name: ("presentation", np.asarray(v)) for name, v in presentation_coords.items()})
    return xr.DataArray(values, dims=("presentation", "neuroid"), coords=coords)


def linear_pair(n_stimuli: int = 200, n_features: int = 50, n_neuroids: int = 20, noise: float = 1.0,
                seed: int = 0) -> tuple[xr.DataArray, xr.DataArray, float]:
    """(source, target, expected r): target = source @ W + Gaussian noise, signal variance 1 per neuroid.

    W is scaled so each neuroid's signal has unit variance; with noise std `noise` the best linear
    prediction correlates with the target at r = 1 / sqrt(1 + noise^2).
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_stimuli, n_features))
    w = rng.standard_normal((n_features, n_neuroids)) / np.sqrt(n_features)
    y = x @ w
    y = y / y.std(axis=0) + noise * rng.standard_normal((n_stimuli, n_neuroids))
    return neural_assembly(x, neuroid_ids=[f"f{i}" for i in range(n_features)]), neural_assembly(y), \
        1.0 / np.sqrt(1.0 + noise ** 2)


def repeated_assembly(n_stimuli: int = 300, n_neuroids: int = 50, n_repetitions: int = 10,
                      signal_var: float = 1.0, noise_var: float = 1.0, seed: int = 0) -> tuple[xr.DataArray, float]:
    """(assembly with every repetition, analytic reliability signal_var / (signal_var + noise_var / R))."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(0.0, np.sqrt(signal_var), size=(n_stimuli, n_neuroids))
    values = signal[:, None, :] + rng.normal(0.0, np.sqrt(noise_var), size=(n_stimuli, n_repetitions, n_neuroids))
    stimuli = np.repeat([f"stim{i:04d}" for i in range(n_stimuli)], n_repetitions)
    repetitions = np.tile(np.arange(n_repetitions), n_stimuli)
    assembly = neural_assembly(values.reshape(-1, n_neuroids), stimulus_ids=stimuli, repetition=repetitions)
    return assembly, signal_var / (signal_var + noise_var / n_repetitions)


def behaviour_pair(n_objects: int = 8, images_per_object: int = 20, trials_per_cell: int = 20,
                   seed: int = 0) -> tuple[xr.DataArray, xr.DataArray]:
    """(source probabilities equal to the true choice rates, per-trial human target) for I1n/I2n tests.

    Each image has a true rate of choosing each distractor in a 2AFC trial; humans are simulated by
    Bernoulli draws from those rates, and the "model" reports probabilities whose 2AFC ratios equal them.
    """
    rng = np.random.default_rng(seed)
    objects = np.array([f"obj{k}" for k in range(n_objects)])
    n_images = n_objects * images_per_object
    truth = np.repeat(np.arange(n_objects), images_per_object)
    difficulty = rng.normal(0, 1.0, size=(n_images, 1)) + rng.normal(0, 0.7, size=(n_images, n_objects))
    rates = 1.0 / (1.0 + np.exp(-(difficulty - 1.5)))  # rate of choosing distractor o
    rates[np.arange(n_images), truth] = np.nan
    odds = np.where(np.isnan(rates), 1.0, rates / (1.0 - np.nan_to_num(rates)))
    probabilities = odds / odds.sum(axis=1, keepdims=True)
    stimulus_ids = np.array([f"img{i:04d}" for i in range(n_images)])
    source = xr.DataArray(probabilities, dims=("presentation", "choice"),
                          coords={"stimulus_id": ("presentation", stimulus_ids), "choice": objects})
    image, distractor = np.nonzero(~np.isnan(rates))
    image, distractor = np.repeat(image, trials_per_cell), np.repeat(distractor, trials_per_cell)
    wrong = rng.random(image.size) < rates[image, distractor]
    choice = np.where(wrong, distractor, truth[image])
    target = xr.DataArray(np.zeros(image.size), dims=("presentation",), coords={
        "stimulus_id": ("presentation", stimulus_ids[image]), "truth": ("presentation", objects[truth[image]]),
        "distractor": ("presentation", objects[distractor]), "choice": ("presentation", objects[choice]),
        "subject": ("presentation", rng.integers(0, 5, image.size))})
    return source, target
