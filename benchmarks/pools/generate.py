"""Generate a candidate pool for `braindock design`: fresh stimuli from the simulation's own generators.

Usage: python3 benchmarks/pools/generate.py objects|textures|sentences OUT [-n N] [--seed SEED]

Seeds default to ones no benchmark uses (benchmarks/*/benchmark.json use 0-31337, none of 70001-70003), so a
pool never repeats a benchmark's stimuli. Object images carry their category and pose in PNG text chunks
(object_name, tx, ty, size, rotation): the virtual experiment of an IT or V4 benchmark reads them.
OUT is a stimulus-set folder (stimulus_set.json + files); it must not exist.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: the simulation package

from simulation import grammar, objects, textures  # noqa: E402

SEEDS = {"objects": 70001, "textures": 70002, "sentences": 70003}
SIDE = 128


def _save(image: Image.Image, path: Path, text: dict | None = None) -> str:
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, str(value))
    image.save(path, pnginfo=info, optimize=False)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def object_entries(n: int, seed: int, folder: Path) -> list[dict]:
    """n object images, categories in turn, each at a random pose (objects.render)."""
    rng = np.random.default_rng(seed)
    entries = []
    for index in range(n):
        category = objects.CATEGORIES[index % len(objects.CATEGORIES)]
        image, params = objects.render(category, rng, SIDE)
        stimulus_id = f"pool-{category}-{index:05d}"
        facts = {"object_name": category, **params}
        digest = _save(image, folder / f"{stimulus_id}.png", facts)
        entries.append({"stimulus_id": stimulus_id, "file": f"images/{stimulus_id}.png", "sha256": digest, **facts})
    return entries


def texture_entries(n: int, seed: int, folder: Path) -> list[dict]:
    """n images in an aperture: textures of every family in turn and, every second one, its phase-randomised noise."""
    rng = np.random.default_rng(seed)
    families = list(textures.FAMILIES)
    entries = []
    for index in range(0, n, 2):
        family = families[(index // 2) % len(families)]
        tex = textures.texture(family, rng, SIDE)
        pair = zip(textures.TYPES, (tex, textures.phase_randomised(tex, rng)))
        for offset, (texture_type, pixels) in enumerate(pair):
            if index + offset >= n:
                break
            stimulus_id = f"pool-{family}-{texture_type}-{index // 2:05d}"
            image = Image.fromarray(np.round(textures.aperture(pixels)).astype(np.uint8), mode="L")
            digest = _save(image, folder / f"{stimulus_id}.png")
            entries.append({"stimulus_id": stimulus_id, "file": f"images/{stimulus_id}.png", "sha256": digest,
                            "texture_family": family, "texture_type": texture_type})
    return entries


def sentence_entries(n: int, seed: int, folder: Path) -> list[dict]:
    """n distinct grammatical sentences of the language simulation's topics (grammar.sample), topics in turn."""
    rng = np.random.default_rng(seed)
    entries, seen = [], set()
    while len(entries) < n:
        topic = len(entries) % len(grammar.TOPICS)
        words = grammar.sample(rng, topic)
        sentence = grammar.text(words)
        if sentence in seen or not 4 <= len(words) <= 20:
            continue
        seen.add(sentence)
        stimulus_id = f"pool-s{len(entries):05d}"
        path = folder / f"{stimulus_id}.txt"
        path.write_text(sentence + "\n", encoding="utf-8")
        entries.append({"stimulus_id": stimulus_id, "file": f"sentences/{path.name}",
                        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "text": sentence, "topic": topic})
    return entries


KINDS = {"objects": ("image", "images", object_entries), "textures": ("image", "images", texture_entries),
         "sentences": ("text", "sentences", sentence_entries)}


def generate(kind: str, out: Path, n: int, seed: int | None = None) -> Path:
    """Write the pool to out/ (stimulus_set.json + files); return the stimulus_set.json path."""
    modality, subfolder, make = KINDS[kind]
    seed = SEEDS[kind] if seed is None else seed
    if out.exists():
        raise SystemExit(f"{out} exists; give a new folder (nothing was written)")
    (out / subfolder).mkdir(parents=True)
    entries = make(n, seed, out / subfolder)
    stimulus_set = {
        "spec_version": "1.0", "identifier": f"braindock.pool.{kind}.seed{seed}.n{n}", "modality": modality,
        "license": "MIT", "citation": "braindock simulation generators (benchmarks/simulation)",
        "description": f"{n} fresh {kind} from benchmarks/pools/generate.py, seed {seed} (unused by any benchmark)",
        "stimuli": entries,
    }
    path = out / "stimulus_set.json"
    path.write_text(json.dumps(stimulus_set, indent=1))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=None, help="pool size (default 1000 images, 2000 sentences)")
    parser.add_argument("--seed", type=int, default=None, help="default: the kind's unused seed")
    args = parser.parse_args(argv)
    n = args.n or (2000 if args.kind == "sentences" else 1000)
    print(generate(args.kind, args.out, n, args.seed))


if __name__ == "__main__":
    main()
