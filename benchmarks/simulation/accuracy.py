"""Engineering benchmarks of object recognition (the stand-in for ImageNet top-1): held-out images whose labels are known.

Stimuli. Images of the 8 objects (objects.render) at a seed no other benchmark, pool or model's training set uses;
labelled fitting images (another seed) for the standard readout of models that do not name objects themselves.
Robustness: the same images (same seed), each saved once per declared corruption (objects.corrupt: additive
Gaussian grey-level noise of sd `sd`, a Gaussian blur of `radius` pixels), while the fitting images stay clean.

Recordings. No brain data: one trial per test image by the subject `generator`, whose choice is the object the
image was rendered from (its `truth`). The metric (accuracy) counts the model's labels that match the truth;
ceiling and normalisation are `none`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import behavior, objects
from . import build as builder


def build(config: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    builder.write_stimuli(config, out, "fitting_stimuli")
    behavior.add_labels(out / "fitting_stimuli" / "stimulus_set.json")
    entries, _, labels, _ = builder.write_stimuli(config, out, "stimuli")
    truth = np.array(objects.CATEGORIES)[labels].astype(object)
    coords = {"stimulus_id": np.array([e["stimulus_id"] for e in entries], dtype=object), "truth": truth, "choice": truth.copy(),
              "subject": np.array(["generator"] * len(entries), dtype=object)}
    facts = {"images": len(entries), "chance": 1.0 / len(objects.CATEGORIES),
             **({"corruptions": config["stimuli"]["corruptions"]} if "corruptions" in config["stimuli"] else {})}
    return behavior.write_export(config, out, coords, "the generator's own labels (ground truth), no subjects", __doc__, facts)
