"""Faulty test model: behaves like a small valid model except for the fault named in $FAULT.

Faults: none, drop_stimulus, wrong_shape, nan, crash, wrong_dtype, bad_describe, escape_output, network, probe,
and for check-model: invalid_description, wrong_order, nondeterministic, network_quiet, silent_network (tries, says
nothing), symlink_output, extra_file, slow, wrong_label, missing_triplet and bad_probabilities (behavioural tasks
answered wrongly).
"""
import json
import os
import socket
import sys
import time

import numpy as np

FAULT = os.environ.get("FAULT", "none")
DESCRIPTION = {
    "spec_version": "1.0", "identifier": f"faulty-{FAULT.replace('_', '-')}", "version": "0.0.1",
    "authors": [{"name": "braindock tests"}], "license": "MIT", "modality": "image",
    "regions": {r: {"layer": "hash"} for r in ("V1", "V2", "V4", "IT")},
    "time_bins": [[70, 170]], "visual_degrees": 8,
    "tasks": ["passive"] + {"wrong_label": ["label"], "missing_triplet": ["odd_one_out"],
                           "bad_probabilities": ["probabilities"]}.get(FAULT, []),
}


def features(path, seed):
    with open(path, "rb") as handle:
        data = np.frombuffer(handle.read()[-256:], dtype=np.uint8).astype(np.float32)
    rng = np.random.default_rng(None if FAULT == "nondeterministic" else seed)
    return np.concatenate([data[:64] / 255.0, rng.standard_normal(8).astype(np.float32)])


def probe():
    facts = {"uid": os.getuid()}
    try:
        open("/input/probe", "w")
        facts["input_writable"] = True
    except OSError:
        facts["input_writable"] = False
    try:
        socket.create_connection(("93.184.216.34", 80), timeout=3)
        facts["network"] = True
    except OSError as exc:
        facts["network"] = False
        facts["network_error"] = str(exc)
    try:
        open("/rootfs-probe", "w")
        facts["root_writable"] = True
    except OSError:
        facts["root_writable"] = False
    print("PROBE " + json.dumps(facts), file=sys.stderr)
    sys.exit(3)


def run(request_path):
    if FAULT == "crash":
        print("loading weights...", file=sys.stderr)
        raise RuntimeError("simulated crash: weights file is corrupt")
    if FAULT == "probe":
        probe()
    if FAULT == "network":
        socket.create_connection(("93.184.216.34", 80), timeout=3)
    if FAULT == "network_quiet":  # tries to fetch weights, swallows the failure and carries on
        try:
            socket.create_connection(("huggingface.co", 443), timeout=3)
        except OSError as exc:
            print(f"warning: could not download weights from huggingface.co ({exc}); using built-in weights", file=sys.stderr)
    if FAULT == "silent_network":
        try:
            socket.create_connection(("10.0.0.1", 9), timeout=1)
        except OSError:
            pass
    if FAULT == "slow":
        time.sleep(60)
    request = json.load(open(request_path))
    if request.get("task"):
        return answer_task(request)
    stimuli = request["stimuli"]
    if FAULT == "drop_stimulus":
        stimuli = stimuli[:3] + stimuli[4:]
    if FAULT == "wrong_order":
        stimuli = stimuli[::-1]
    array = np.stack([features(os.path.join("/input", s["path"]), request["seed"]) for s in stimuli])[:, :, None]
    array = np.repeat(array, len(request["record"]["time_bins"]), axis=2).astype(np.float32)
    if FAULT == "nan":
        array[1, 0, 0] = np.nan
    if FAULT == "wrong_shape":
        array = array[:, :, 0]
    if FAULT == "wrong_dtype":
        array = array.astype(np.float64)
    out = "/output"
    name = "../../tmp/escape.npy" if FAULT == "escape_output" else "IT.npy"
    if FAULT == "symlink_output":  # the array lives in /tmp; /output holds only a link to it
        np.save("/tmp/IT.npy", array)
        os.symlink("/tmp/IT.npy", os.path.join(out, "IT.npy"))
    else:
        np.save(os.path.join(out, os.path.basename(name)), array)
    if FAULT == "extra_file":
        with open(os.path.join(out, "debug.log"), "w") as handle:
            handle.write("left behind\n")
    activations = {
        region: {"file": name, "stimulus_ids": [s["stimulus_id"] for s in stimuli], "time_bins": request["record"]["time_bins"]}
        for region in request["record"]["regions"]
    }
    if FAULT == "bad_v4" and "V4" in activations:  # one region broken (NaN), the others valid
        broken = array.copy()
        broken[0, 0, 0] = np.nan
        np.save(os.path.join(out, "V4.npy"), broken)
        activations["V4"]["file"] = "V4.npy"
    json.dump({"spec_version": "1.0", "request_id": request["request_id"], "activations": activations}, open(os.path.join(out, "response.json"), "w"))


def answer_task(request):
    """label: the first label for every stimulus (wrong_label: one unknown label); odd_one_out: the first member
    of each triplet (missing_triplet: the last triplet unanswered); probabilities: uniform (bad_probabilities: 0.4 each)."""
    task = request["task"]
    behavior = {}
    if task["name"] == "label":
        behavior["choices"] = {s["stimulus_id"]: task["labels"][0] for s in request["stimuli"]}
        if FAULT == "wrong_label":
            behavior["choices"][request["stimuli"][2]["stimulus_id"]] = "zebra"
    elif task["name"] == "probabilities":
        p = 0.4 if FAULT == "bad_probabilities" else 1 / len(task["labels"])
        behavior["probabilities"] = {s["stimulus_id"]: {label: p for label in task["labels"]} for s in request["stimuli"]}
    elif task["name"] == "odd_one_out":
        behavior["odd_one_out"] = [triplet[0] for triplet in task["triplets"]]
        if FAULT == "missing_triplet":
            behavior["odd_one_out"].pop()
    response = {"spec_version": "1.0", "request_id": request["request_id"], "behavior": behavior}
    json.dump(response, open("/output/response.json", "w"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["describe"]:
        if FAULT == "bad_describe":
            print("model v0.0.1 ready")  # not JSON
            description = dict(DESCRIPTION)
            del description["license"]
            print(json.dumps(description))
        elif FAULT == "invalid_description":
            description = {k: v for k, v in DESCRIPTION.items() if k != "license"}
            description["regions"] = {"V3": {"layer": "hash"}, "IT": {"layer": "hash"}}
            print(json.dumps(description))
        else:
            print(json.dumps(DESCRIPTION))
    elif sys.argv[1:2] == ["run"]:
        run(sys.argv[2])
    else:
        sys.exit("usage: model.py describe | run REQUEST")
