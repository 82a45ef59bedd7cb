"""alexnet model container (braindock spec v1): `describe` prints the description, `run REQUEST` answers it."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from readouts import INPUT_SIDE, READOUTS, WEIGHT_SEED, neuroids  # noqa: E402

INPUT = os.environ.get("BRAINDOCK_INPUT", "/input")
OUTPUT = os.environ.get("BRAINDOCK_OUTPUT", "/output")
BATCH = 64
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)

DESCRIPTION = {
    "spec_version": "1.0",
    "identifier": "alexnet-seeded",
    "version": "1.0.0",
    "authors": [{"name": "braindock team"}],
    "license": "MIT",
    "modality": "image",
    "description": (
        "A small AlexNet-shaped CNN in PyTorch (conv 7x7/2 48, conv 5x5 64, conv 3x3 128, 128, 96; max-pools 3/2) on "
        f"{INPUT_SIDE}x{INPUT_SIDE} RGB input. The weights are NOT trained: they are drawn once from a Kaiming-normal "
        f"distribution with seed {WEIGHT_SEED} (no weights can be downloaded here), so this is a random-features "
        "baseline, not ImageNet AlexNet. Each region reads one layer average-pooled to a small grid: V1 conv1 (8x8), "
        "V2 conv2 (6x6), V4 conv4 (4x4), IT pool5 (4x4). Deterministic; the request's seed is unused."
    ),
    "regions": {region: {"layer": layer, "neuroids": neuroids(region)} for region, (layer, _) in READOUTS.items()},
    "time_bins": [[70, 170]],
    "visual_degrees": 8,
    "tasks": ["passive"],
}


def load_image(path: str):
    import torch
    from PIL import Image

    image = Image.open(path).convert("RGB").resize((INPUT_SIDE, INPUT_SIDE), Image.BILINEAR)
    pixels = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).view(INPUT_SIDE, INPUT_SIDE, 3)
    tensor = pixels.permute(2, 0, 1).float() / 255.0
    return (tensor - torch.tensor(MEAN).view(3, 1, 1)) / torch.tensor(STD).view(3, 1, 1)


def run(request_path: str) -> None:
    import numpy as np
    import torch

    from network import build_network, readouts

    with open(request_path) as handle:
        request = json.load(handle)
    regions = request["record"]["regions"]
    unknown = sorted(set(regions) - set(READOUTS))
    if unknown:
        sys.exit(f"alexnet: regions not committed by this model: {unknown}")
    torch.set_num_threads(2)  # same thread count everywhere: results must not depend on the host's cores (CPU kernels are deterministic at a fixed count)
    network = build_network()
    stimuli = request["stimuli"]
    parts = {region: [] for region in regions}
    with torch.inference_mode():
        for start in range(0, len(stimuli), BATCH):
            batch = torch.stack([load_image(os.path.join(INPUT, s["path"])) for s in stimuli[start:start + BATCH]])
            for region, values in readouts(network, batch, regions).items():
                parts[region].append(values)
    time_bins = request["record"]["time_bins"]
    ids = [s["stimulus_id"] for s in stimuli]
    activations = {}
    for region in regions:
        rows = torch.cat(parts[region]).numpy()
        array = np.repeat(rows[:, :, None], len(time_bins), axis=2).astype(np.float32)  # a static model repeats per bin
        np.save(os.path.join(OUTPUT, f"{region}.npy"), array)
        activations[region] = {"file": f"{region}.npy", "stimulus_ids": ids, "time_bins": time_bins, "layer": READOUTS[region][0]}
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
