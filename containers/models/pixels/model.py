"""Pixels baseline model container (braindock spec v1): grey-level pixels at 32x32 stand for every region."""
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
    "description": "Grey-level pixels, resized to 32x32 and scaled to [0, 1]; no weights. A floor for every region.",
    "regions": {region: {"layer": "pixels", "neuroids": SIDE * SIDE} for region in REGIONS},
    "time_bins": [[70, 170]],
    "visual_degrees": 8,
    "tasks": ["passive"],
}


def features(path):
    image = Image.open(path).convert("L").resize((SIDE, SIDE), Image.BILINEAR)
    return np.asarray(image, dtype=np.float32).ravel() / 255.0


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
