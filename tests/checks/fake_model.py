"""A fake engine that runs a Python stand-in for a model container: check-model's checks without Docker."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from braindock.errors import Problem, UsageError
from braindock.execution.engines import ContainerRun, Engine, ImageInfo, RunResult
from braindock.execution.engines.base import TRAPPED_EXIT

DESCRIPTION = {
    "spec_version": "1.0", "identifier": "fake", "version": "1.0.0", "authors": [{"name": "tests"}], "license": "MIT",
    "modality": "image", "description": "A stand-in model: the first bytes of each stimulus file; no weights.",
    "regions": {"V1": {"layer": "bytes", "neuroids": 16}, "IT": {"layer": "bytes", "neuroids": 16}},
    "time_bins": [[70, 170]], "visual_degrees": 8, "tasks": ["passive"],
}


class FakeModel:
    """Behaves like a valid model; `fault` breaks one thing (same names as tests/containers/faulty)."""

    def __init__(self, fault: str = "none"):
        self.fault = fault
        self.calls = 0

    def describe(self) -> RunResult:
        if self.fault == "bad_describe":
            return RunResult(0, "ready\n" + json.dumps(DESCRIPTION), "", 0.1)
        if self.fault == "describe_crash":
            return RunResult(1, "", "Traceback: boom", 0.1)
        return RunResult(0, json.dumps(DESCRIPTION), "", 0.1)

    def run(self, input_dir: Path, output_dir: Path) -> RunResult:
        self.calls += 1
        if self.fault == "crash":
            return RunResult(1, "", "RuntimeError: weights file is corrupt", 0.2)
        if self.fault == "slow":
            return RunResult(-1, "", "", 5.0, timed_out=True)
        request = json.loads((input_dir / "request.json").read_text())
        stimuli = request["stimuli"]
        if self.fault == "drop_stimulus":
            stimuli = stimuli[:3] + stimuli[4:]
        rows = [np.frombuffer((input_dir / s["path"]).read_bytes()[:16], dtype=np.uint8) for s in stimuli]
        array = np.stack(rows).astype(np.float32)[:, :, None] / 255
        if self.fault == "nondeterministic":
            array = array + np.float32(self.calls)
        if self.fault == "nan":
            array[1, 0, 0] = np.nan
        if self.fault == "wrong_dtype":
            array = array.astype(np.float64)
        np.save(output_dir / "act.npy", array)
        if self.fault == "symlink_output":
            os.replace(output_dir / "act.npy", output_dir.parent / "outside.npy")
            os.symlink(output_dir.parent / "outside.npy", output_dir / "act.npy")
        if self.fault == "extra_file":
            (output_dir / "debug.log").write_text("left behind\n")
        ids = [s["stimulus_id"] for s in stimuli]
        activations = {r: {"file": "act.npy", "stimulus_ids": ids, "time_bins": request["record"]["time_bins"]}
                       for r in request["record"]["regions"]}
        (output_dir / "response.json").write_text(json.dumps({"spec_version": "1.0", "request_id": request["request_id"],
                                                              "activations": activations}))
        log = "warning: urlopen error [Errno -3] Temporary failure in name resolution\n" if self.fault == "network_quiet" else ""
        return RunResult(0, "", log, 0.3)


class FakeEngine(Engine):
    name = "fake"

    def __init__(self, models: dict[str, FakeModel]):
        self.models = models
        self.specs: list[ContainerRun] = []

    def inspect(self, image: str) -> ImageInfo:
        if image not in self.models:
            raise UsageError(f"image {image!r} not found", [Problem(image, "IMAGE_NOT_FOUND", "no such image")])
        return ImageInfo(image, "sha256:" + "0" * 64)

    def run(self, spec: ContainerRun) -> RunResult:
        self.specs.append(spec)
        model = self.models[spec.image]
        if spec.command == ("describe",):
            return model.describe()
        if spec.trap_network and model.fault == "silent_network":  # what the seccomp trap does to an attempt
            return RunResult(TRAPPED_EXIT, "", "", 0.1)
        mounts = {m.target: Path(m.source) for m in spec.mounts}
        return model.run(mounts["/input"], mounts["/output"])

    def build(self, context, tag, dockerfile=None, build_args=None) -> ImageInfo:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        raise NotImplementedError

    def load(self, *args, **kwargs):
        raise NotImplementedError
