"""family.py --report: runs merged from several --json files print (and bootstrap over) the table of one run of them all."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import family  # noqa: E402

BENCHMARKS = (*family.LANGUAGE_NETWORK, *family.NEXT_WORD)


def row(quality: float) -> dict[str, float]:
    """A next-word model's raw scores: better (higher r, lower perplexity) as `quality` rises, unevenly across benchmarks."""
    return {**{b: quality * (1 + 0.1 * i) for i, b in enumerate(BENCHMARKS[:-1])}, "nextword-perplexity": 100 / quality}


def report(folder: Path, capsys, *runs: dict) -> str:
    """What --report prints for `runs` (each one --json file's scores), given in this order."""
    paths = [folder / f"run{i}-of-{len(runs)}.json" for i in range(len(runs))]
    for path, scores in zip(paths, runs):
        path.write_text(json.dumps({"scores": scores}))
    assert family.main(["--report", *map(str, paths)]) == 0
    return capsys.readouterr().out


def test_merged_runs_print_the_table_of_one_run_in_family_order(capsys, tmp_path):
    images = family.IMAGES[:-1]  # the next-word models
    scores = {image: row(0.2 + 0.07 * i + 0.05 * (i % 3)) for i, image in enumerate(images)}
    later = {image: scores[image] for image in images[3:6]}
    earlier = {image: scores[image] for image in images if image not in later}
    merged = report(tmp_path, capsys, earlier, later)
    assert merged == report(tmp_path, capsys, scores)
    shown = [line.split("`")[1] for line in merged.splitlines() if line.startswith("| `")]
    assert shown == [image.split("/")[-1].removeprefix("model-").removesuffix(":1.0.0") for image in images]


def test_images_outside_the_family_follow_it_as_given():
    scores = {"x/other:1": {}, family.IMAGES[2]: {}, "x/another:1": {}, family.IMAGES[0]: {}}
    assert list(family.in_family_order(scores)) == [family.IMAGES[0], family.IMAGES[2], "x/other:1", "x/another:1"]
