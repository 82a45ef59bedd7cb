"""gru-lm model container (braindock spec v1): a small causal GRU language model saved at one training step.

Region language: the hidden state averaged over the text's words, then the text's mean and last-word surprisal
(bits) and its number of words. Task next_word: ln p(word | the words before it in the stimulus). Words the model
never saw are <unk>, which training gave a probability (1 % word dropout), so every answer is finite.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

INPUT = os.environ.get("BRAINDOCK_INPUT", "/input")
OUTPUT = os.environ.get("BRAINDOCK_OUTPUT", "/output")
WEIGHTS = os.environ.get("GRU_WEIGHTS", "/model/weights.pt")
TASKS = ["passive", "next_word"]
LAYER = "mean-hidden-state+surprisal"


def load():
    import torch

    from network import GRULanguageModel

    torch.set_num_threads(1)  # one thread: bit-identical answers on any host
    saved = torch.load(WEIGHTS, map_location="cpu")
    model = GRULanguageModel(saved["vocabulary"])
    model.load_state_dict(saved["state"])
    return model.eval(), saved["step"]


def description(model, step: int) -> dict:
    from network import HIDDEN

    return {
        "spec_version": "1.0", "identifier": f"gru-lm-step{step}", "version": "1.0.0",
        "authors": [{"name": "braindock team"}], "license": "MIT", "modality": "text",
        "description": (
            f"A causal GRU language model (embedding 48, one GRU layer of {HIDDEN} units, {len(model.vocabulary)}-word "
            f"vocabulary) trained with Adam (batch 64, lr 3e-3, seed 0, CPU) on 20,000 sentences of braindock's simulated "
            f"grammar, saved after {step} steps (0 = the seeded initial weights). Region language: the hidden state averaged "
            "over the text's words, then its mean and last-word surprisal (bits) and its number of words. Task next_word: "
            "ln p(word | words before it in the stimulus). Deterministic; the request's seed is unused."),
        "regions": {"language": {"layer": LAYER, "neuroids": HIDDEN + 3}},
        "time_bins": [[0, 1000]],
        "tasks": TASKS,
    }


def features(model, text: str):
    import numpy as np
    import torch

    from network import HIDDEN, words_of

    words = words_of(text)
    if not words:
        return np.zeros(HIDDEN + 3, dtype=np.float32)
    with torch.inference_mode():
        log_probs, states = model.read(words)
    bits = (-log_probs / np.log(2)).numpy()
    return np.concatenate([states.mean(0).numpy(), [bits.mean(), bits[-1], len(words)]]).astype(np.float32)


def run(request_path: str) -> None:
    with open(request_path) as handle:
        request = json.load(handle)
    if request["modality"] != "text":
        sys.exit(f"gru-lm: this model reads text; the request shows {request['modality']!r} stimuli")
    regions = request["record"]["regions"]
    if set(regions) - {"language"}:
        sys.exit(f"gru-lm: regions not committed by this model: {sorted(set(regions) - {'language'})} (it commits: language)")
    task = request.get("task") or {"name": "passive"}
    if task["name"] not in TASKS:
        sys.exit(f"gru-lm: task {task['name']!r} is not listed by this model (it lists {TASKS})")
    import numpy as np
    import torch

    model, _ = load()
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    response = {"spec_version": "1.0", "request_id": request["request_id"], "activations": {}}
    if regions:
        rows = []
        for stimulus in request["stimuli"]:
            with open(os.path.join(INPUT, stimulus["path"]), encoding="utf-8") as handle:
                rows.append(features(model, handle.read()))
        bins = request["record"]["time_bins"]
        np.save(os.path.join(OUTPUT, "language.npy"), np.repeat(np.array(rows)[:, :, None], len(bins), axis=2))
        response["activations"]["language"] = {"file": "language.npy", "stimulus_ids": ids, "time_bins": bins, "layer": LAYER}
    if task["name"] == "next_word":
        answers = {}
        with torch.inference_mode():
            for stimulus_id in ids:
                words = [w.lower() for w in task["words"][stimulus_id]]
                answers[stimulus_id] = [float(v) for v in model.read(words)[0]]
        response["behavior"] = {"next_word": answers}
    with open(os.path.join(OUTPUT, "response.json"), "w") as handle:
        json.dump(response, handle)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "describe":
        json.dump(description(*load()), sys.stdout)
    elif command == "run":
        run(sys.argv[2] if len(sys.argv) > 2 else os.path.join(INPUT, "request.json"))
    else:
        sys.exit("usage: model.py describe | run [/input/request.json]")
