"""The declared feature hierarchy that stands for the ventral stream in the simulated benchmarks.

V1: Gabor quadrature-pair energy, 4 orientations x 2 scales, pooled on an 8x8 grid (512 features).
V2: pooled products of V1 energy maps (pairwise channel co-activation, 4x4 grid) - texture-like statistics.
V4: rectified random projection of V2 (256 units, seed fixed), plus object position and size (15 % of variance).
IT: rectified random projection of V4 (256 units, 45 %), object category (one-hot, 40 %) and object position,
    size and rotation (15 %).
Every stage is deterministic given the image and `seed`, so a model container can reproduce it exactly.
"""
from __future__ import annotations

import numpy as np

SIDE = 64  # images are analysed at 64x64 px
ORIENTATIONS = 4
PERIODS = (4.0, 8.0)  # px at 64x64


def _gabor_bank() -> np.ndarray:
    half = SIDE // 2
    y, x = np.mgrid[-half:half, -half:half].astype(float)
    bank = []
    for period in PERIODS:
        sigma = 0.5 * period
        envelope = np.exp(-(x**2 + y**2) / (2 * sigma**2))
        for k in range(ORIENTATIONS):
            theta = np.pi * k / ORIENTATIONS
            u = x * np.cos(theta) + y * np.sin(theta)
            even = envelope * np.cos(2 * np.pi * u / period)
            odd = envelope * np.sin(2 * np.pi * u / period)
            bank.append((even - even.mean(), odd))
    return np.array(bank)  # (channels, 2, SIDE, SIDE)


def _pool(maps: np.ndarray, grid: int) -> np.ndarray:
    """Average-pool (..., SIDE, SIDE) maps onto a grid x grid layout."""
    block = SIDE // grid
    shape = maps.shape[:-2] + (grid, block, grid, block)
    return maps.reshape(shape).mean(axis=(-3, -1))


def v1_energy_maps(images: np.ndarray) -> np.ndarray:
    """(n, SIDE, SIDE) images in [0, 1] -> (n, channels, SIDE, SIDE) complex-cell energy."""
    bank = _gabor_bank()
    spectra = np.fft.fft2(np.fft.ifftshift(bank, axes=(-2, -1)))
    image_spectra = np.fft.fft2(images - images.mean(axis=(-2, -1), keepdims=True))[:, None, None]
    responses = np.real(np.fft.ifft2(image_spectra * spectra[None]))
    return np.sqrt(responses[:, :, 0] ** 2 + responses[:, :, 1] ** 2)


def _zscore(matrix: np.ndarray) -> np.ndarray:
    return (matrix - matrix.mean(0)) / (matrix.std(0) + 1e-9)


def _blocks(*parts: tuple[np.ndarray, float]) -> np.ndarray:
    """Concatenate z-scored blocks so that block b carries a share `weight_b` of the total variance."""
    return np.concatenate([_zscore(m) * np.sqrt(w / m.shape[1]) for m, w in parts], axis=1)


def early_stages(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, SIDE, SIDE) images -> raw V1 (pooled energy, 8x8 grid) and V2 (pooled channel products, 4x4 grid)."""
    energy = v1_energy_maps(images)
    n, channels = energy.shape[:2]
    v1 = _pool(energy, 8).reshape(n, -1)
    power = np.stack([_pool(energy[:, a] ** 2, 4) for a in range(channels)], axis=1) + 1e-12
    pairs = [(a, b) for a in range(channels) for b in range(a + 1, channels)]
    correlations = np.stack([_pool(energy[:, a] * energy[:, b], 4) / np.sqrt(power[:, a] * power[:, b]) for a, b in pairs], axis=1)
    v2 = np.concatenate([correlations.reshape(n, -1), np.sqrt(power).reshape(n, -1)], axis=1)
    return v1, v2


def texture_features(images: np.ndarray) -> dict[str, np.ndarray]:
    """The V1 and V2 stages alone (texture benchmarks: no objects, so no category or pose blocks)."""
    v1, v2 = early_stages(images)
    return {"V1": _blocks((v1, 1.0)), "V2": _blocks((v2, 1.0))}


def features(images: np.ndarray, labels: np.ndarray, n_categories: int, latents: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
    """All stages for (n, SIDE, SIDE) images, as z-scored, block-weighted (stimuli, features) matrices.

    `labels` are integer categories and `latents` the (n, 4) object position x, y, size and rotation: IT
    carries category (weight .40) and these category-orthogonal properties (.15) besides visual features (.45),
    as IT does (Hong et al. 2016).
    """
    rng = np.random.default_rng(seed)
    v1, v2 = early_stages(images)
    v4 = np.maximum(_zscore(v2) @ rng.standard_normal((v2.shape[1], 256)) / np.sqrt(v2.shape[1]), 0)
    it_visual = np.maximum(_zscore(v4) @ rng.standard_normal((256, 256)) / 16.0, 0)
    category = np.eye(n_categories)[labels]
    return {
        "V1": _blocks((v1, 1.0)),
        "V2": _blocks((v2, 1.0)),
        "V4": _blocks((v4, 0.85), (latents, 0.15)),
        "IT": _blocks((it_visual, 0.45), (category, 0.40), (latents, 0.15)),
    }
