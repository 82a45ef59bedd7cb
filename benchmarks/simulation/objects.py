"""Render grey-level images of 8 object categories at varied pose, position and size on noise backgrounds."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CATEGORIES = ("animals", "boats", "cars", "chairs", "faces", "fruits", "planes", "tables")

# Each category is a few parts in unit coordinates (centre 0,0): ("poly", [(x, y), ...]) or ("ellipse", (x0, y0, x1, y1)).
SHAPES = {
    "animals": [("ellipse", (-0.6, -0.25, 0.4, 0.25)), ("ellipse", (0.3, -0.45, 0.65, -0.1)),
                ("poly", [(-0.5, 0.2), (-0.4, 0.2), (-0.4, 0.6), (-0.5, 0.6)]),
                ("poly", [(0.2, 0.2), (0.3, 0.2), (0.3, 0.6), (0.2, 0.6)])],
    "boats": [("poly", [(-0.8, 0.1), (0.8, 0.1), (0.5, 0.45), (-0.5, 0.45)]),
              ("poly", [(0.0, -0.7), (0.0, 0.05), (0.5, 0.05)])],
    "cars": [("poly", [(-0.8, 0.0), (0.8, 0.0), (0.8, 0.35), (-0.8, 0.35)]),
             ("poly", [(-0.4, -0.3), (0.35, -0.3), (0.55, 0.0), (-0.6, 0.0)]),
             ("ellipse", (-0.6, 0.25, -0.3, 0.55)), ("ellipse", (0.3, 0.25, 0.6, 0.55))],
    "chairs": [("poly", [(-0.4, -0.8), (-0.25, -0.8), (-0.25, 0.8), (-0.4, 0.8)]),
               ("poly", [(-0.4, 0.0), (0.45, 0.0), (0.45, 0.15), (-0.4, 0.15)]),
               ("poly", [(0.3, 0.15), (0.45, 0.15), (0.45, 0.8), (0.3, 0.8)])],
    "faces": [("ellipse", (-0.55, -0.7, 0.55, 0.7)), ("ellipse", (-0.3, -0.3, -0.1, -0.1)),
              ("ellipse", (0.1, -0.3, 0.3, -0.1)), ("poly", [(-0.25, 0.3), (0.25, 0.3), (0.0, 0.45)])],
    "fruits": [("ellipse", (-0.5, -0.45, 0.5, 0.55)), ("poly", [(-0.05, -0.75), (0.05, -0.75), (0.05, -0.4), (-0.05, -0.4)]),
               ("ellipse", (0.05, -0.7, 0.4, -0.5))],
    "planes": [("poly", [(-0.9, -0.07), (0.9, -0.07), (0.9, 0.07), (-0.9, 0.07)]),
               ("poly", [(-0.1, -0.07), (0.15, -0.07), (0.0, -0.7), (-0.2, -0.7)]),
               ("poly", [(-0.1, 0.07), (0.15, 0.07), (0.0, 0.7), (-0.2, 0.7)]),
               ("poly", [(-0.9, -0.07), (-0.7, -0.07), (-0.85, -0.35)])],
    "tables": [("poly", [(-0.8, -0.3), (0.8, -0.3), (0.8, -0.15), (-0.8, -0.15)]),
               ("poly", [(-0.7, -0.15), (-0.55, -0.15), (-0.55, 0.6), (-0.7, 0.6)]),
               ("poly", [(0.55, -0.15), (0.7, -0.15), (0.7, 0.6), (0.55, 0.6)])],
}


def _background(rng: np.random.Generator, side: int) -> np.ndarray:
    """Low-pass (1/f-like) noise in [0, 255]: a cluttered but object-free background."""
    noise = rng.standard_normal((side, side))
    fy, fx = np.meshgrid(np.fft.fftfreq(side), np.fft.fftfreq(side), indexing="ij")
    radius = np.sqrt(fx**2 + fy**2)
    spectrum = np.fft.fft2(noise) / np.maximum(radius, 1.0 / side) ** 1.5
    field = np.real(np.fft.ifft2(spectrum))
    field = (field - field.mean()) / (field.std() + 1e-9)
    return np.clip(128 + 35 * field, 0, 255)


def _transform(points, angle, scale, shift, side):
    c, s = np.cos(angle), np.sin(angle)
    out = []
    for x, y in points:
        xr, yr = c * x - s * y, s * x + c * y
        out.append(((xr * scale + shift[0]) * side / 2 + side / 2, (yr * scale + shift[1]) * side / 2 + side / 2))
    return out


def render(category: str, rng: np.random.Generator, side: int = 128) -> tuple[Image.Image, dict]:
    """One image of `category` with random pose, size, position and contrast; returns it and its parameters."""
    angle = float(rng.uniform(-np.pi / 3, np.pi / 3))
    scale = float(rng.uniform(0.45, 0.85))
    shift = (float(rng.uniform(-0.25, 0.25)), float(rng.uniform(-0.25, 0.25)))
    shade = int(rng.choice([int(rng.uniform(10, 70)), int(rng.uniform(185, 245))]))
    image = Image.fromarray(_background(rng, side).astype(np.uint8), mode="L")
    draw = ImageDraw.Draw(image)
    for kind, geometry in SHAPES[category]:
        if kind == "poly":
            draw.polygon(_transform(geometry, angle, scale, shift, side), fill=shade)
        else:  # an ellipse is drawn as a 24-gon so that it rotates with the object
            x0, y0, x1, y1 = geometry
            t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
            ring = list(zip((x0 + x1) / 2 + (x1 - x0) / 2 * np.cos(t), (y0 + y1) / 2 + (y1 - y0) / 2 * np.sin(t)))
            draw.polygon(_transform(ring, angle, scale, shift, side), fill=shade)
    params = {"rotation": round(angle, 4), "size": round(scale, 4), "tx": round(shift[0], 4), "ty": round(shift[1], 4), "shade": shade}
    return image, params


def corrupt(image: Image.Image, name: str, rng: np.random.Generator, **parameters) -> Image.Image:
    """The image degraded as the robustness benchmark declares: `noise` adds Gaussian grey-level noise of sd `sd`
    (clipped to 0..255); `blur` is a Gaussian blur of `radius` pixels."""
    if name == "noise":
        noisy = np.asarray(image, dtype=float) + rng.normal(0.0, parameters["sd"], (image.height, image.width))
        return Image.fromarray(np.clip(np.round(noisy), 0, 255).astype(np.uint8), mode="L")
    if name == "blur":
        return image.filter(ImageFilter.GaussianBlur(parameters["radius"]))
    raise ValueError(f"unknown corruption {name!r}; known: noise (sd), blur (radius)")


def training_set(per_category: int, seed: int, side: int = 128, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """`per_category` images of each category rendered at `side` and resized to `size` (bilinear, as the CNN model
    reads a stimulus): uint8 images (n, size, size) and their category indices, categories interleaved."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for _ in range(per_category):
        for label, category in enumerate(CATEGORIES):
            image, _ = render(category, rng, side)
            images.append(np.asarray(image.resize((size, size), Image.BILINEAR), dtype=np.uint8))
            labels.append(label)
    return np.stack(images), np.array(labels, dtype=np.uint8)


if __name__ == "__main__":
    # python3 -m simulation.objects trainset OUT.npz PER_CATEGORY SEED: the CNN models' training images (containers/models/cnn)
    import sys

    if len(sys.argv) != 5 or sys.argv[1] != "trainset":
        sys.exit("usage: python3 -m simulation.objects trainset OUT.npz PER_CATEGORY SEED")
    images, labels = training_set(int(sys.argv[3]), int(sys.argv[4]))
    np.savez_compressed(sys.argv[2], images=images, labels=labels, categories=np.array(CATEGORIES))
