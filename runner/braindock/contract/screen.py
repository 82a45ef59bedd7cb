"""Place stimuli on a model's screen: rescale, pad grey or crop to the model's visual degrees (same for every model)."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

GREY = 128
CONVERTED = {"P": "RGB", "1": "L"}  # modes placed as another (palette images with transparency as RGBA)


def placed_png(source: Path, stimulus_degrees: float, model_degrees: float) -> bytes:
    """`source` as the model would see it, as PNG bytes.

    A stimulus shown at `stimulus_degrees` occupies stimulus_degrees / model_degrees of a field of view of
    `model_degrees`: smaller stimuli shrink and sit centred on grey; larger ones are enlarged and centre-cropped.
    The output keeps the input's pixel size and colour mode, except palette (P) images, which become RGB (RGBA when
    transparent), and bilevel (1) images, which become L, so that the padding is grey.
    """
    image = Image.open(source)
    image.load()
    if image.mode in CONVERTED:  # a palette index or a bilevel pixel cannot be grey 128: place their colours instead
        image = image.convert("RGBA" if "transparency" in image.info else CONVERTED[image.mode])
    ratio = stimulus_degrees / model_degrees
    width, height = image.size
    scaled = image.resize((max(1, round(width * ratio)), max(1, round(height * ratio))), Image.BICUBIC)
    if ratio <= 1:
        fill = GREY if len(image.getbands()) == 1 else (GREY,) * len(image.getbands())
        canvas = Image.new(image.mode, (width, height), fill)
        canvas.paste(scaled, ((width - scaled.width) // 2, (height - scaled.height) // 2))
    else:
        left, top = (scaled.width - width) // 2, (scaled.height - height) // 2
        canvas = scaled.crop((left, top, left + width, top + height))
    encoded = io.BytesIO()
    canvas.save(encoded, format="PNG")
    return encoded.getvalue()
