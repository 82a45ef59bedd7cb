"""The generating model of an exported simulated benchmark, recomputed from the export alone.

`stages(export)` reads the export's manifest and stimulus set and returns the declared hierarchy's stages
for every stimulus: the features the recordings were generated from. Validity checks offer these (and
degraded versions of them) as models and expect the benchmark to rank them correctly.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from . import hierarchy, langnet, language, objects


def load(export: Path) -> tuple[dict, dict]:
    manifest = json.loads((Path(export) / "manifest.json").read_text())
    stimulus_set = json.loads((Path(export) / manifest["stimulus_set"]["path"]).read_text())
    return manifest, stimulus_set


def _images(root: Path, entries: list[dict]) -> np.ndarray:
    return np.array([np.asarray(Image.open(root / e["file"]).convert("L").resize((hierarchy.SIDE, hierarchy.SIDE), resample=2),
                                dtype=float) / 255.0 for e in entries])


def stages(export: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    """(stimulus_ids, {stage: (stimuli, features)}) of an export, in stimulus-set order.

    Image benchmarks: the hierarchy's V1, V2 (and V4, IT for objects). Text: the language stage, and
    `letters`, a model of the wrong level (letter counts: form without meaning).
    """
    manifest, stimulus_set = load(export)
    entries = stimulus_set["stimuli"]
    ids = [e["stimulus_id"] for e in entries]
    if stimulus_set["modality"] == "text":
        texts = [e["text"] for e in entries]
        if "design" in manifest["generative_model"]:  # the language network of langnet.py
            return ids, {"language": langnet.declared_stage(manifest["generative_model"], entries), "letters": letters(texts)}
        return ids, {"language": language.stage(texts, [e["sentence_index"] for e in entries], manifest["generative_model"]["stage_seed"]),
                     "letters": letters(texts)}
    root = Path(export) / Path(manifest["stimulus_set"]["path"]).parent
    images = _images(root, entries)
    if "texture_family" in entries[0]:
        return ids, hierarchy.texture_features(images)
    return ids, object_stages(images, entries, manifest["generative_model"]["hierarchy_seed"])


def object_stages(images: np.ndarray, entries: list[dict], seed: int) -> dict[str, np.ndarray]:
    """The hierarchy's stages for object images (stages are z-scored over the rows given, as generated)."""
    labels = np.array([objects.CATEGORIES.index(e["object_name"]) for e in entries])
    latents = np.array([[e["tx"], e["ty"], e["size"], e["rotation"]] for e in entries])
    return hierarchy.features(images, labels, len(objects.CATEGORIES), latents, seed=seed)


def fitting_and_test_stages(export: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    """Stages of a behavioural export's fitting then test stimuli, computed together as its generator did."""
    manifest, stimulus_set = load(export)
    export = Path(export)
    fitting = json.loads((export / manifest["fitting_stimulus_set"]["path"]).read_text())["stimuli"]
    roots = (export / Path(manifest["fitting_stimulus_set"]["path"]).parent, export / Path(manifest["stimulus_set"]["path"]).parent)
    entries = fitting + stimulus_set["stimuli"]
    images = np.concatenate([_images(roots[0], fitting), _images(roots[1], stimulus_set["stimuli"])])
    return [e["stimulus_id"] for e in entries], object_stages(images, entries, manifest["generative_model"]["hierarchy_seed"])


def letters(texts: list[str]) -> np.ndarray:
    """Counts of each letter a-z and of spaces per sentence: orthography, no semantics."""
    alphabet = "abcdefghijklmnopqrstuvwxyz "
    return np.array([[t.lower().count(c) for c in alphabet] for t in texts], dtype=float)
