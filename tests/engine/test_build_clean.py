"""`braindock build --clean` finds the images a rebuild replaced, also those that do not descend from the base
image (FROM scratch models such as the n-gram ones), by braindock's label, and leaves everyone else's alone."""
from __future__ import annotations

from braindock.commands.build import leftover_images, remove_images


def _build(engine, folder, tag, content: str, label: bool) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "weights.txt").write_text(content)
    (folder / "Dockerfile").write_text("FROM scratch\nCOPY weights.txt /weights.txt\n"
                                       + ('LABEL org.braindock.kind="model"\n' if label else ""))
    return engine.build(folder, tag).image_id


def test_a_replaced_labelled_scratch_image_is_a_leftover_and_an_unlabelled_one_is_not(engine, tmp_path):
    labelled = _build(engine, tmp_path / "a", "braindock-test/scratch-labelled:1", "counts v1", label=True)
    unlabelled = _build(engine, tmp_path / "b", "braindock-test/scratch-other:1", "someone else's v1", label=False)
    try:
        assert labelled not in leftover_images(engine)  # tagged: still in use
        _build(engine, tmp_path / "a", "braindock-test/scratch-labelled:1", "counts v2", label=True)
        _build(engine, tmp_path / "b", "braindock-test/scratch-other:1", "someone else's v2", label=False)
        found = leftover_images(engine)  # both old images are now dangling
        assert labelled in found and unlabelled not in found
        assert remove_images(engine, [labelled]) == [labelled]
        assert labelled not in leftover_images(engine)
    finally:
        remove_images(engine, [unlabelled])  # not braindock's to clean; the session's teardown would not see it
