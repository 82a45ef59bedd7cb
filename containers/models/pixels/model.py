"""Pixels baseline model container (braindock spec v1): grey-level pixels at 32x32 stand for every region.

It also answers two behavioural tasks itself, as a model with its own decision stage would: `label` by the
nearest class mean of the labelled fitting stimuli' pixels, `odd_one_out` by Pearson correlation of pixels
(the pair most correlated stays, the third is the odd one).
"""
import json
import os
import sys

import numpy as np
from PIL import Image

SIDE = 32
INPUT = os.environ.get("BRAINDOCK_INPUT", "/input")
OUTPUT = os.environ.get("BRAINDOCK_OUTPUT", "/output")
REGIONS = ["V1", "V2", "V4", "IT"]

DESCRIPTION = {
    "spec_version": "1.0",
    "identifier": "pixels",
    "version": "1.0.0",
    "authors": [{"name": "braindock team"}],
    "license": "MIT",
    "modality": "image",
    "description": "Grey-level pixels, resized to 32x32 and scaled to [0, 1]; no weights. A floor for every region. Tasks: label by the nearest class mean of the fitting stimuli, odd_one_out by pixel correlation.",
    "regions": {region: {"layer": "pixels", "neuroids": SIDE * SIDE} for region in REGIONS},
    "time_bins": [[70, 170]],
    "visual_degrees": 8,
    "tasks": ["passive", "label", "odd_one_out"],
}


def features(path):
    image = Image.open(path).convert("L").resize((SIDE, SIDE), Image.BILINEAR)
    return np.asarray(image, dtype=np.float32).ravel() / 255.0


def nearest_mean_labels(task, ids, pixels):
    """Label each stimulus with the class whose fitting stimuli's mean pixels are nearest (Euclidean)."""
    fitting = task.get("fitting_stimuli") or []
    if not fitting:
        raise SystemExit("task label: this model needs fitting_stimuli to learn what the labels look like")
    fit = np.stack([features(os.path.join(INPUT, s["path"])) for s in fitting])
    labels = task["labels"]
    means = np.stack([fit[[s["label"] == label for s in fitting]].mean(axis=0) for label in labels])
    distance = ((pixels[:, None, :] - means[None]) ** 2).sum(axis=2)
    return {stimulus_id: labels[int(k)] for stimulus_id, k in zip(ids, distance.argmin(axis=1))}


def odd_one_out(task, ids, pixels):
    """Per triplet: correlations of the three pairs; the member left out of the most correlated pair."""
    row = {stimulus_id: i for i, stimulus_id in enumerate(ids)}
    r = np.corrcoef(pixels)
    answers = []
    for a, b, c in task["triplets"]:
        i, j, k = row[a], row[b], row[c]
        answers.append((a, b, c)[int(np.argmax([r[j, k], r[i, k], r[i, j]]))])
    return answers


def run(request_path):
    with open(request_path) as handle:
        request = json.load(handle)
    stimuli = request["stimuli"]
    time_bins = request["record"]["time_bins"]
    ids = [s["stimulus_id"] for s in stimuli]
    pixels = np.stack([features(os.path.join(INPUT, s["path"])) for s in stimuli])
    array = np.repeat(pixels[:, :, None], len(time_bins), axis=2).astype(np.float32)
    activations = {}
    for region in request["record"]["regions"]:
        np.save(os.path.join(OUTPUT, f"{region}.npy"), array)
        activations[region] = {"file": f"{region}.npy", "stimulus_ids": ids, "time_bins": time_bins, "layer": "pixels"}
    response = {"spec_version": "1.0", "request_id": request["request_id"], "activations": activations}
    task = request.get("task") or {"name": "passive"}
    if task["name"] == "label":
        response["behavior"] = {"choices": nearest_mean_labels(task, ids, pixels)}
    elif task["name"] == "odd_one_out":
        response["behavior"] = {"odd_one_out": odd_one_out(task, ids, pixels)}
    with open(os.path.join(OUTPUT, "response.json"), "w") as handle:
        json.dump(response, handle)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "describe":
        json.dump(DESCRIPTION, sys.stdout)
    elif command == "run":
        run(sys.argv[2] if len(sys.argv) > 2 else os.path.join(INPUT, "request.json"))
    else:
        sys.exit("usage: model.py describe | run [/input/request.json]")
