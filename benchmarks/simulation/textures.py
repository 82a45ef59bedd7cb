"""Procedural naturalistic textures and spectrally matched noise, shaped like FreemanZiemba2013's stimuli.

A texture family is a recipe for scattering many small elements (strokes, dots, rings, crosses, squares,
arcs) over the image: element kind, size, density, a preferred orientation and its spread, and a
blur. Every sample of a family draws new element positions and jitters from its own seed, so samples
share their statistics but no pixels. The noise counterpart of each texture keeps its Fourier amplitude
spectrum and takes the phases of white noise (phase randomisation): same spectrum, none of the
higher-order structure (aligned edges, junctions) that V2 but not V1 responds to (Freeman et al. 2013).
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# name: (element, size px at 128, elements per image, orientation deg, orientation spread deg, blur px)
FAMILIES = {
    "strokes": ("stroke", 14, 160, 30, 10, 0.8),
    "grass": ("stroke", 22, 220, 90, 20, 0.6),
    "hatch": ("cross", 10, 140, 45, 5, 0.8),
    "pebbles": ("dot", 9, 120, 0, 180, 1.2),
    "speckle": ("dot", 3, 700, 0, 180, 0.5),
    "rings": ("ring", 12, 70, 0, 180, 0.8),
    "bricks": ("square", 14, 90, 0, 4, 0.8),
    "scales": ("arc", 14, 150, 0, 15, 0.8),
    "twigs": ("stroke", 18, 120, 0, 90, 0.7),
    "weave": ("cross", 16, 90, 0, 3, 1.0),
    "sand": ("dot", 5, 400, 0, 180, 1.5),
    "waves": ("arc", 24, 90, 90, 10, 1.0),
}
TYPES = ("texture", "noise")


def _element(draw: ImageDraw.ImageDraw, kind: str, x: float, y: float, size: float, angle: float, shade: int) -> None:
    c, s = np.cos(angle), np.sin(angle)
    half = size / 2
    width = max(1, int(round(size / 7)))
    if kind == "stroke":
        draw.line([(x - c * half, y - s * half), (x + c * half, y + s * half)], fill=shade, width=width)
    elif kind == "cross":
        draw.line([(x - c * half, y - s * half), (x + c * half, y + s * half)], fill=shade, width=width)
        draw.line([(x + s * half, y - c * half), (x - s * half, y + c * half)], fill=shade, width=width)
    elif kind == "dot":
        draw.ellipse([x - half, y - half, x + half, y + half], fill=shade)
    elif kind == "ring":
        draw.ellipse([x - half, y - half, x + half, y + half], outline=shade, width=width)
    elif kind == "square":
        corners = [(-half, -half * 0.5), (half, -half * 0.5), (half, half * 0.5), (-half, half * 0.5)]
        draw.polygon([(x + c * u - s * v, y + s * u + c * v) for u, v in corners], outline=shade, width=width)
    elif kind == "arc":
        start = np.degrees(angle)
        draw.arc([x - half, y - half, x + half, y + half], start, start + 180, fill=shade, width=width)
    else:
        raise ValueError(f"unknown texture element {kind!r}; known: stroke, cross, dot, ring, square, arc")


def texture(family: str, rng: np.random.Generator, side: int = 128) -> np.ndarray:
    """One sample of `family` as a float (side, side) image in [0, 255]."""
    kind, size, count, orientation, spread, blur = FAMILIES[family]
    scale = side / 128
    background = int(rng.integers(90, 150))
    image = Image.new("L", (side, side), background)
    draw = ImageDraw.Draw(image)
    for _ in range(count):
        x, y = rng.uniform(-0.1, 1.1, 2) * side
        angle = np.radians(orientation + rng.uniform(-spread, spread))
        element_size = size * scale * rng.uniform(0.7, 1.3)
        shade = int(np.clip(background + rng.choice([-1, 1]) * rng.uniform(50, 100), 0, 255))
        _element(draw, kind, x, y, element_size, angle, shade)
    image = image.filter(ImageFilter.GaussianBlur(blur * scale))
    return np.asarray(image, dtype=np.float64)


def phase_randomised(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Same amplitude spectrum (so same mean and contrast), phases of white noise; clipped to [0, 255]."""
    mean = image.mean()
    amplitude = np.abs(np.fft.fft2(image - mean))
    phases = np.angle(np.fft.fft2(rng.standard_normal(image.shape)))  # Hermitian: the result stays real
    noise = np.real(np.fft.ifft2(amplitude * np.exp(1j * phases)))
    return np.clip(noise + mean, 0, 255)


def aperture(image: np.ndarray) -> np.ndarray:
    """A raised-cosine circular aperture on mean grey, as FreemanZiemba2013's 4-degree stimuli."""
    side = image.shape[0]
    y, x = np.mgrid[:side, :side]
    radius = np.hypot(x - (side - 1) / 2, y - (side - 1) / 2) / (side / 2)
    window = np.clip((1.0 - radius) / 0.15, 0, 1)
    window = 0.5 - 0.5 * np.cos(np.pi * window)
    return 128 + (image - 128) * window


def render_set(families: list[str], samples: int, seed: int, side: int = 128):
    """Yield (stimulus_id, PIL image, metadata) for every family x sample x type, texture then its noise."""
    rng = np.random.default_rng(seed)
    for family in families:
        for sample in range(samples):
            tex = texture(family, rng, side)
            noise = phase_randomised(tex, rng)
            for texture_type, pixels in zip(TYPES, (tex, noise)):
                stimulus_id = f"{family}-{texture_type}-{sample:02d}"
                image = Image.fromarray(np.round(aperture(pixels)).astype(np.uint8), mode="L")
                yield stimulus_id, image, {"texture_family": family, "texture_type": texture_type, "sample": sample}
