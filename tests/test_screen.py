import io

import numpy as np
from braindock.contract.screen import placed_png
from PIL import Image


def _square(tmp_path):
    image = np.zeros((100, 100), dtype=np.uint8)
    image[:] = 255
    path = tmp_path / "white.png"
    Image.fromarray(image).save(path)
    return path


def _open(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_smaller_stimulus_is_padded_grey(tmp_path):
    placed = np.asarray(_open(placed_png(_square(tmp_path), stimulus_degrees=4, model_degrees=8)))
    assert placed.shape == (100, 100)
    assert placed[0, 0] == 128 and placed[50, 50] == 255
    assert (placed == 255).sum() == 50 * 50


def test_larger_stimulus_is_cropped(tmp_path):
    placed = np.asarray(_open(placed_png(_square(tmp_path), stimulus_degrees=10, model_degrees=8)))
    assert placed.shape == (100, 100) and (placed == 255).all()


def test_palette_and_bilevel_images_are_padded_grey_too(tmp_path):
    palette = Image.new("RGB", (40, 30), (255, 0, 0)).convert("P", palette=Image.ADAPTIVE, colors=4)
    palette.save(tmp_path / "p.png")
    Image.new("1", (40, 30), 0).save(tmp_path / "b.png")
    placed, bilevel = _open(placed_png(tmp_path / "p.png", 4, 8)), _open(placed_png(tmp_path / "b.png", 4, 8))
    assert (placed.mode, placed.size, placed.getpixel((0, 0)), placed.getpixel((20, 15))) == ("RGB", (40, 30), (128, 128, 128), (255, 0, 0))
    assert (bilevel.mode, bilevel.getpixel((0, 0)), bilevel.getpixel((20, 15))) == ("L", 128, 0)
