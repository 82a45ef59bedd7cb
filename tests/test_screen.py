import numpy as np
from braindock.contract.screen import place_on_screen
from PIL import Image


def _square(tmp_path):
    image = np.zeros((100, 100), dtype=np.uint8)
    image[:] = 255
    path = tmp_path / "white.png"
    Image.fromarray(image).save(path)
    return path


def test_smaller_stimulus_is_padded_grey(tmp_path):
    out = tmp_path / "out.png"
    place_on_screen(_square(tmp_path), out, stimulus_degrees=4, model_degrees=8)
    placed = np.asarray(Image.open(out))
    assert placed.shape == (100, 100)
    assert placed[0, 0] == 128 and placed[50, 50] == 255
    assert (placed == 255).sum() == 50 * 50


def test_larger_stimulus_is_cropped(tmp_path):
    out = tmp_path / "out.png"
    place_on_screen(_square(tmp_path), out, stimulus_degrees=10, model_degrees=8)
    placed = np.asarray(Image.open(out))
    assert placed.shape == (100, 100) and (placed == 255).all()


def test_palette_and_bilevel_images_are_padded_grey_too(tmp_path):
    palette = Image.new("RGB", (40, 30), (255, 0, 0)).convert("P", palette=Image.ADAPTIVE, colors=4)
    palette.save(tmp_path / "p.png")
    Image.new("1", (40, 30), 0).save(tmp_path / "b.png")
    place_on_screen(tmp_path / "p.png", tmp_path / "p_out.png", 4, 8)
    place_on_screen(tmp_path / "b.png", tmp_path / "b_out.png", 4, 8)
    placed, bilevel = Image.open(tmp_path / "p_out.png"), Image.open(tmp_path / "b_out.png")
    assert (placed.mode, placed.size, placed.getpixel((0, 0)), placed.getpixel((20, 15))) == ("RGB", (40, 30), (128, 128, 128), (255, 0, 0))
    assert (bilevel.mode, bilevel.getpixel((0, 0)), bilevel.getpixel((20, 15))) == ("L", 128, 0)
