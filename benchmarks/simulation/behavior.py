"""Simulated object-recognition behaviour shaped like Rajalingham2018: per-trial two-alternative choices.

Generating model. The IT stage of the declared hierarchy (hierarchy.features over fitting and test images
together) is read out by ridge regression onto one-hot object labels, fitted on the fitting images
(`ridge` is the penalty). Population choice probabilities are p(o | image) = softmax(beta * readout), with
`beta` (the inverse temperature) setting overall accuracy. Each simulated subject adds its own Gaussian
perturbation (sd `subject_noise`) to those logits, fixed per (subject, image, object). A trial shows an image
of object t with one distractor object d (uniform among the others) to a random subject, who chooses d with
probability p_s(d) / (p_s(d) + p_s(t)), the model-side rule of the I2n metric. The reliability of the human
I2n pattern is then set by the number of trials, chosen so that the split-half ceiling lands near
Rajalingham et al.'s published 0.479.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from . import build as builder
from . import hierarchy, objects


def readout(features: np.ndarray, labels: np.ndarray, fit: np.ndarray, ridge: float) -> np.ndarray:
    """Ridge regression of one-hot labels on the fitting rows; returns the read-out scores for every row."""
    x = features - features[fit].mean(axis=0)
    onehot = np.eye(len(objects.CATEGORIES))[labels[fit]]
    onehot = onehot - onehot.mean(axis=0)
    weights = np.linalg.solve(x[fit].T @ x[fit] + ridge * np.eye(x.shape[1]), x[fit].T @ onehot)
    return x @ weights


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def difficulty_gain(latents: np.ndarray, kappa: float) -> np.ndarray:
    """Per-image gain exp(kappa * z): large, upright objects are easy, small, rotated ones hard.

    z is the z-scored (size z-score minus |rotation| z-score); latents columns are tx, ty, size, rotation.
    """
    zscore = lambda v: (v - v.mean()) / v.std()
    ease = zscore(latents[:, 2]) - zscore(np.abs(latents[:, 3]))
    return np.exp(kappa * zscore(ease))


def logits(config: dict, stage: np.ndarray, labels: np.ndarray, latents: np.ndarray, n_fitting: int) -> np.ndarray:
    """Population logits for the test images (rows n_fitting: of the stage) over the objects."""
    gen = config["generative_model"]
    fit = np.arange(len(labels)) < n_fitting
    scores = readout(stage, labels, fit, gen["ridge"])[~fit]
    return gen["beta"] * difficulty_gain(latents[~fit], gen["kappa"])[:, None] * scores


def probabilities(config: dict, images: np.ndarray, labels: np.ndarray, latents: np.ndarray, n_fitting: int) -> np.ndarray:
    """Population logits (test images x objects); rows n_fitting: of the inputs are the test images."""
    gen = config["generative_model"]
    stage = hierarchy.features(images, labels, len(objects.CATEGORIES), latents, seed=gen["hierarchy_seed"])[gen["stage"]]
    return logits(config, stage, labels, latents, n_fitting)


def trials(logits: np.ndarray, truth: np.ndarray, config: dict) -> dict[str, np.ndarray]:
    """Per-trial image index, distractor, subject and choice (index arrays) drawn from the generating model."""
    rng = np.random.default_rng(config["seed"])
    gen = config["generative_model"]
    n_images, n_objects = logits.shape
    n_subjects, n_trials = config["subjects"], config["trials"]
    perturbation = rng.standard_normal((n_subjects, n_images, n_objects)) * gen["subject_noise"]
    subject_p = softmax(logits[None] + perturbation)
    image = rng.integers(0, n_images, n_trials)
    offset = rng.integers(1, n_objects, n_trials)
    distractor = (truth[image] + offset) % n_objects
    subject = rng.integers(0, n_subjects, n_trials)
    p_truth = subject_p[subject, image, truth[image]]
    p_distractor = subject_p[subject, image, distractor]
    chose_truth = rng.random(n_trials) < p_truth / (p_truth + p_distractor)
    choice = np.where(chose_truth, truth[image], distractor)
    return {"image": image, "distractor": distractor, "subject": subject, "choice": choice}


def build(config: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    entries, labels, logits = test_logits(config, out)
    drawn = trials(logits, labels, config)
    names = np.array(objects.CATEGORIES)
    ids = np.array([e["stimulus_id"] for e in entries])
    coords = {
        "stimulus_id": ids[drawn["image"]].astype(object),
        "truth": names[labels[drawn["image"]]].astype(object),
        "distractor": names[drawn["distractor"]].astype(object),
        "choice": names[drawn["choice"]].astype(object),
        "subject": np.array([f"subject_{s:02d}" for s in drawn["subject"]], dtype=object),
    }
    return write_export(config, out, coords, "simulated two-alternative forced choice", __doc__)


def test_logits(config: dict, out: Path) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """Write labelled fitting and test stimuli; return the test entries, their labels and population logits."""
    _, fit_images, fit_labels, fit_latents = builder.write_stimuli(config, out, "fitting_stimuli")
    add_labels(out / "fitting_stimuli" / "stimulus_set.json")
    entries, images, labels, latents = builder.write_stimuli(config, out, "stimuli")
    logits = probabilities(config, np.concatenate([fit_images, images]), np.concatenate([fit_labels, labels]),
                           np.concatenate([fit_latents, latents]), len(fit_labels))
    return entries, labels, logits


def write_export(config: dict, out: Path, coords: dict[str, np.ndarray], method: str, doc: str,
                 facts: dict | None = None) -> dict:
    """Write the per-trial assembly (coords along presentation; the choice is the data) and the manifest."""
    n_trials = len(coords["choice"])
    assembly = xr.DataArray(
        coords["choice"], dims=("presentation",), name="choices",
        coords={**{name: ("presentation", values) for name, values in coords.items()}, "trial": ("presentation", np.arange(n_trials))},
        attrs={"identifier": config["recordings_identifier"], "species": "Homo sapiens (simulated)",
               "method": method, "license": "MIT", "citation": config["citation"], "simulated": 1},
    )
    path = out / "recordings" / "trials.nc"
    path.parent.mkdir(parents=True, exist_ok=True)
    assembly.to_netcdf(path, engine="h5netcdf")
    sha = builder.sha256
    fitting = out / "fitting_stimuli" / "stimulus_set.json"
    manifest = {
        "spec_version": "1.0",
        **{key: config[key] for key in ("identifier", "version", "kind", "region", "modality", "task", "metric", "ceiling",
                                        "normalization", "visual_degrees", "number_of_trials", "citation", "description")},
        "simulated": True,
        "stimulus_set": {"identifier": config["stimuli"]["identifier"], "path": "stimuli/stimulus_set.json",
                         "sha256": sha(out / "stimuli" / "stimulus_set.json")},
        **({"fitting_stimulus_set": {"identifier": config["fitting_stimuli"]["identifier"], "path": "fitting_stimuli/stimulus_set.json",
                                     "sha256": sha(fitting)}} if fitting.exists() else {}),
        "recordings": {"identifier": config["recordings_identifier"], "path": "recordings/trials.nc", "sha256": sha(path)},
        "generative_model": {
            **config["generative_model"],
            "model": doc.strip(), **({"hierarchy": hierarchy.__doc__.strip()} if "stage" in config["generative_model"] else {}),
            "subjects": config["subjects"], "trials": n_trials, "seed": config["seed"],
            "expected_ceiling": config.get("expected_ceiling"), **(facts or {}),
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def add_labels(path: Path) -> None:
    """Fitting stimuli carry the `label` a readout is fitted to (their object_name)."""
    document = json.loads(path.read_text())
    for entry in document["stimuli"]:
        entry["label"] = entry["object_name"]
    path.write_text(json.dumps(document, indent=1))
