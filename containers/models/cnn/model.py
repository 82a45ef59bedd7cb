"""cnn model container (braindock spec v1): a small CNN trained on the simulated object images for a number of epochs.

Regions V1 (conv1), V2 (conv2), V4 (conv3), IT (fc). Task label: when every requested label is one of the objects
it was trained on, its own classifier's most probable of those labels; otherwise (labels it never learned) the
nearest class mean of the fitting stimuli in its IT layer.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

INPUT = os.environ.get("BRAINDOCK_INPUT", "/input")
OUTPUT = os.environ.get("BRAINDOCK_OUTPUT", "/output")
WEIGHTS = os.environ.get("CNN_WEIGHTS", "/model/weights.pt")
TASKS = ["passive", "label"]
BATCH = 64


def load():
    import torch

    from network import ObjectCNN

    torch.set_num_threads(1)  # one thread: bit-identical answers on any host
    saved = torch.load(WEIGHTS, map_location="cpu")
    model = ObjectCNN(len(saved["categories"]))
    model.load_state_dict(saved["state"])
    return model.eval(), saved["epoch"], saved["categories"]


def description(epoch: int, categories: list[str]) -> dict:
    from network import READOUTS, SIDE, neuroids

    return {
        "spec_version": "1.0", "identifier": f"cnn-epoch{epoch}", "version": "1.0.0",
        "authors": [{"name": "braindock team"}], "license": "MIT", "modality": "image",
        "description": (
            f"A small CNN (conv 5x5 16, conv 3x3 32, conv 3x3 64, each max-pooled by 2; fc 128; {len(categories)} logits) on "
            f"{SIDE}x{SIDE} grey input, trained with Adam (batch 32, lr 1e-3, seed 0, CPU) on 800 simulated object images "
            f"(benchmarks/simulation/objects.py, seed 7; objects {', '.join(categories)}) for {epoch} epochs (0 = the seeded "
            "initial weights). Regions read one layer each, conv layers average-pooled: V1 conv1 (8x8), V2 conv2 (4x4), "
            "V4 conv3 (4x4), IT fc. Task label: its own classifier when the labels are objects it learned, else the nearest "
            "class mean of the fitting stimuli in fc. Deterministic; the request's seed is unused."),
        "regions": {region: {"layer": layer, "neuroids": neuroids(region)} for region, (layer, _) in READOUTS.items()},
        "time_bins": [[70, 170]],
        "visual_degrees": 8,
        "tasks": TASKS,
    }


def load_images(stimuli: list[dict]):
    """uint8 (n, SIDE, SIDE): each stimulus in grey, resized bilinear (as the training images were made)."""
    import numpy as np
    from PIL import Image

    from network import SIDE

    return np.stack([np.asarray(Image.open(os.path.join(INPUT, s["path"])).convert("L").resize((SIDE, SIDE), Image.BILINEAR),
                                dtype=np.uint8) for s in stimuli])


def forward(model, stimuli: list[dict], regions: list[str]) -> dict:
    """region (and 'logits') -> (stimuli, units) numpy arrays."""
    import torch

    from network import normalise, readouts

    parts: dict[str, list] = {}
    with torch.inference_mode():
        for start in range(0, len(stimuli), BATCH):
            layers = model(normalise(torch.from_numpy(load_images(stimuli[start:start + BATCH]))))
            for name, values in {**readouts(layers, regions), "logits": layers["logits"]}.items():
                parts.setdefault(name, []).append(values)
    return {name: torch.cat(values).numpy() for name, values in parts.items()}


def labels(model, categories: list[str], task: dict, stimuli: list[dict], outputs: dict) -> dict:
    """stimulus_id -> label: the classifier's best requested label, or the nearest fitting class mean in IT."""
    import numpy as np

    requested = task["labels"]
    ids = [s["stimulus_id"] for s in stimuli]
    if set(requested) <= set(categories):
        columns = [categories.index(label) for label in requested]
        best = outputs["logits"][:, columns].argmax(axis=1)
    else:
        fitting = task.get("fitting_stimuli") or []
        if not fitting:
            sys.exit(f"cnn: task label with labels it never learned ({sorted(set(requested) - set(categories))}) needs fitting_stimuli")
        fit = forward(model, fitting, ["IT"])["IT"]
        means = np.stack([fit[[s["label"] == label for s in fitting]].mean(axis=0) for label in requested])
        best = ((outputs["IT"][:, None, :] - means[None]) ** 2).sum(axis=2).argmin(axis=1)
    return {stimulus_id: requested[int(k)] for stimulus_id, k in zip(ids, best)}


def run(request_path: str) -> None:
    from network import READOUTS

    with open(request_path) as handle:
        request = json.load(handle)
    if request["modality"] != "image":
        sys.exit(f"cnn: this model reads images; the request shows {request['modality']!r} stimuli")
    regions = request["record"]["regions"]
    unknown = sorted(set(regions) - set(READOUTS))
    if unknown:
        sys.exit(f"cnn: regions not committed by this model: {unknown} (it commits: {sorted(READOUTS)})")
    task = request.get("task") or {"name": "passive"}
    if task["name"] not in TASKS:
        sys.exit(f"cnn: task {task['name']!r} is not listed by this model (it lists {TASKS})")
    import numpy as np

    model, _, categories = load()
    stimuli = request["stimuli"]
    ids = [s["stimulus_id"] for s in stimuli]
    outputs = forward(model, stimuli, sorted(set(regions) | ({"IT"} if task["name"] == "label" else set())))
    bins = request["record"]["time_bins"]
    response = {"spec_version": "1.0", "request_id": request["request_id"], "activations": {}}
    for region in regions:
        np.save(os.path.join(OUTPUT, f"{region}.npy"), np.repeat(outputs[region][:, :, None], len(bins), axis=2).astype(np.float32))
        response["activations"][region] = {"file": f"{region}.npy", "stimulus_ids": ids, "time_bins": bins, "layer": READOUTS[region][0]}
    if task["name"] == "label":
        response["behavior"] = {"choices": labels(model, categories, task, stimuli, outputs)}
    with open(os.path.join(OUTPUT, "response.json"), "w") as handle:
        json.dump(response, handle)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "describe":
        _, epoch, categories = load()
        json.dump(description(epoch, categories), sys.stdout)
    elif command == "run":
        run(sys.argv[2] if len(sys.argv) > 2 else os.path.join(INPUT, "request.json"))
    else:
        sys.exit("usage: model.py describe | run [/input/request.json]")
