"""Simulated object labelling shaped like Geirhos et al. (2021): every subject names every test image once.

Generating model. The population logits over the objects are those of the two-alternative simulation
(behavior.py: the IT stage read out by ridge regression onto the object labels, fitted on the fitting images,
times an inverse temperature `beta` and a per-image difficulty gain). Each simulated subject adds its own
Gaussian perturbation (sd `subject_noise`) to the logits, fixed per (subject, image, object), and names each
test image once, drawing the label from the softmax of its logits. Errors then agree across subjects through
the shared image difficulty, which is what error consistency measures; the ceiling (mean kappa over pairs of
subjects) is estimated from the data themselves.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import behavior, objects


def build(config: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    entries, labels, logits = behavior.test_logits(config, out)
    rng = np.random.default_rng(config["seed"])
    n_subjects, (n_images, n_objects) = config["subjects"], logits.shape
    perturbation = rng.standard_normal((n_subjects, n_images, n_objects)) * config["generative_model"]["subject_noise"]
    p = behavior.softmax(logits[None] + perturbation)
    choice = (p.cumsum(axis=-1) < rng.random((n_subjects, n_images, 1))).sum(axis=-1)  # inverse-CDF draw per row
    names = np.array(objects.CATEGORIES)
    ids = np.array([e["stimulus_id"] for e in entries])
    coords = {
        "stimulus_id": np.tile(ids, n_subjects).astype(object),
        "truth": np.tile(names[labels], n_subjects).astype(object),
        "choice": names[choice.ravel()].astype(object),
        "subject": np.repeat([f"subject_{s:02d}" for s in range(n_subjects)], n_images).astype(object),
    }
    accuracy = float(np.mean(choice == labels[None]))
    return behavior.write_export(config, out, coords, "simulated object labelling (one of the objects per image)", __doc__,
                                 {"human_accuracy": round(accuracy, 4)})
