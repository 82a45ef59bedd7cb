"""A tiny text model for tests (braindock spec v1): each word hashed to a fixed random vector, averaged per sentence."""
import hashlib
import json
import os
import sys

import numpy as np

INPUT = os.environ.get("BRAINDOCK_INPUT", "/input")
OUTPUT = os.environ.get("BRAINDOCK_OUTPUT", "/output")
DIM = 128

DESCRIPTION = {
    "spec_version": "1.0", "identifier": "test-bag-of-words", "version": "1.0.0",
    "authors": [{"name": "braindock team"}], "license": "MIT", "modality": "text",
    "description": "Mean of per-word random vectors (seeded by the word's sha256); reads each sentence from its .txt file.",
    "regions": {"language": {"layer": "bag-of-words", "neuroids": DIM}},
    "time_bins": [[0, 4000]], "tasks": ["passive"],
}


def vector(word):
    seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(DIM)


def features(path):
    with open(path, encoding="utf-8") as handle:
        words = [w.strip(".,").lower() for w in handle.read().split()]
    return np.mean([vector(w) for w in words], axis=0)


def run(request_path):
    with open(request_path) as handle:
        request = json.load(handle)
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    bins = request["record"]["time_bins"]
    values = np.stack([features(os.path.join(INPUT, s["path"])) for s in request["stimuli"]])
    activations = {}
    for region in request["record"]["regions"]:
        np.save(os.path.join(OUTPUT, f"{region}.npy"), np.repeat(values[:, :, None], len(bins), axis=2).astype(np.float32))
        activations[region] = {"file": f"{region}.npy", "stimulus_ids": ids, "time_bins": bins, "layer": "bag-of-words"}
    with open(os.path.join(OUTPUT, "response.json"), "w") as handle:
        json.dump({"spec_version": "1.0", "request_id": request["request_id"], "activations": activations}, handle)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "describe":
        json.dump(DESCRIPTION, sys.stdout)
    elif command == "run":
        run(sys.argv[2] if len(sys.argv) > 2 else os.path.join(INPUT, "request.json"))
    else:
        sys.exit("usage: model.py describe | run [/input/request.json]")
