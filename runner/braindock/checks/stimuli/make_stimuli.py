"""Regenerate check-model's bundled stimuli (run once; the outputs are committed): python make_stimuli.py

Images: 8 small PNGs (64x64 unless noted) that exercise a model's image reader: RGB and grey-level modes, one
non-square image, gratings, a disc, noise. Sentences: 6 short UTF-8 text files, one with non-ASCII letters.
"""
import hashlib
import json
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).parent
SIDE = 64
LICENSE, CITATION = "CC0-1.0", "braindock check-model stimuli (synthetic)"


def grating(angle_degrees: float, wavelength: float) -> np.ndarray:
    y, x = np.mgrid[0:SIDE, 0:SIDE] - SIDE / 2
    theta = np.deg2rad(angle_degrees)
    return 0.5 + 0.5 * np.cos(2 * np.pi * (x * np.cos(theta) + y * np.sin(theta)) / wavelength)


def images() -> dict[str, Image.Image]:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:SIDE, 0:SIDE] - SIDE / 2
    disc = (np.hypot(x, y) < SIDE / 4).astype(float)
    colour = np.stack([grating(30, 8), disc, 1 - grating(120, 16)], axis=-1)
    to8 = lambda a: (np.clip(a, 0, 1) * 255).astype(np.uint8)  # noqa: E731
    return {
        "grating_000": Image.fromarray(to8(grating(0, 8))).convert("RGB"),
        "grating_045": Image.fromarray(to8(grating(45, 8))).convert("RGB"),
        "grating_090": Image.fromarray(to8(grating(90, 16))).convert("RGB"),
        "disc": Image.fromarray(to8(disc)).convert("RGB"),
        "noise": Image.fromarray(to8(rng.random((SIDE, SIDE, 3)))),
        "colour": Image.fromarray(to8(colour)),
        "grey_mode": Image.fromarray(to8(grating(135, 12)), mode="L"),
        "wide": Image.fromarray(to8(rng.random((48, 80, 3)))),
    }


SENTENCES = {
    "sentence_0": "The cat sat on the warm windowsill.",
    "sentence_1": "A dog chased the ball across the park.",
    "sentence_2": "Stock markets fell sharply on Monday.",
    "sentence_3": "She played the violin at the concert.",
    "sentence_4": "The café served crème brûlée after dinner.",
    "sentence_5": "Rain is expected tomorrow afternoon.",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_set(folder: Path, modality: str, entries: list[dict], description: str) -> None:
    document = {"spec_version": "1.0", "identifier": f"check-model.{modality}", "modality": modality, "license": LICENSE,
                "citation": CITATION, "description": description, "stimuli": entries}
    (folder / "stimulus_set.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def main() -> None:
    image_dir = HERE / "image"
    (image_dir / "images").mkdir(parents=True, exist_ok=True)
    entries = []
    for stimulus_id, image in images().items():
        path = image_dir / "images" / f"{stimulus_id}.png"
        image.save(path, format="PNG", optimize=True)
        entries.append({"stimulus_id": stimulus_id, "file": f"images/{stimulus_id}.png", "sha256": sha256(path)})
    write_set(image_dir, "image", entries, "Synthetic images for braindock check-model, shown at 8 degrees of visual angle.")
    text_dir = HERE / "text"
    (text_dir / "sentences").mkdir(parents=True, exist_ok=True)
    entries = []
    for stimulus_id, sentence in SENTENCES.items():
        path = text_dir / "sentences" / f"{stimulus_id}.txt"
        path.write_text(sentence + "\n", encoding="utf-8")
        entries.append({"stimulus_id": stimulus_id, "file": f"sentences/{stimulus_id}.txt", "sha256": sha256(path), "text": sentence})
    write_set(text_dir, "text", entries, "Short sentences for braindock check-model.")


if __name__ == "__main__":
    main()
