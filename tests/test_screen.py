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
