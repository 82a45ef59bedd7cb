"""Build the run request a model container receives: stimuli placed on its screen, regions, time bins, seed."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .. import SPEC_VERSION
from ..errors import Problem, ValidationError
from ..store import canonical_json, sha256_bytes
from . import schemas
from .benchmark import Benchmark
from .screen import placed_png

_valid_requests: set[str] = set()  # sha256 of the run requests this process has validated


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def time_bins_for(benchmark: Benchmark, description: dict, who: str) -> list[list[float]]:
    """The benchmark's bins when the model reports them all; a static model (one bin) is asked for its bin."""
    wanted = benchmark.manifest.get("time_bins") or description["time_bins"][:1]
    offered = description["time_bins"]
    if all(b in offered for b in wanted):
        return wanted
    if len(offered) == 1:
        return offered
    raise ValidationError(f"{who} cannot report the time bins {benchmark.identifier} needs", [
        Problem(f"{who} describe#/time_bins", "TIME_BINS_UNAVAILABLE", "the requested time bins are not offered",
                "report these bins, or a single bin for a static model", expected=str(wanted), found=str(offered))
    ])


def lay_out_stimuli(stimulus_set: dict, source_root: Path, input_dir: Path, modality: str,
                    stimulus_degrees: float | None, model_degrees: float | None, folder: str = "stimuli") -> list[dict]:
    """Place a stimulus set's files under input_dir/<folder> (images on the model's screen); the request's stimuli."""
    rescale = modality == "image" and stimulus_degrees != model_degrees
    stimuli = []
    for entry in stimulus_set["stimuli"]:
        relative = f"{folder}/{entry['file']}"
        target = input_dir / relative
        if rescale:
            data, digest = _place(source_root / entry["file"], entry["sha256"], stimulus_degrees, model_degrees)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        else:
            _link_or_copy(source_root / entry["file"], target)
            digest = entry["sha256"]
        stimuli.append({"stimulus_id": entry["stimulus_id"], "path": relative, "sha256": digest,
                        **({"text": entry["text"]} if "text" in entry else {})})
    return stimuli


class _Placements:
    """Placed stimuli by (content sha256, screen), each placed once per process (a suite asks many models with the
    same visual degrees); at most `limit` bytes kept."""

    def __init__(self, limit: int):
        self.limit, self.size, self.kept = limit, 0, {}

    def __call__(self, source: Path, sha256: str, stimulus_degrees: float, model_degrees: float) -> tuple[bytes, str]:
        key = (sha256, stimulus_degrees, model_degrees)
        if key not in self.kept:
            if self.size > self.limit:
                self.kept.clear()
                self.size = 0
            data = placed_png(source, stimulus_degrees, model_degrees)
            self.kept[key] = (data, sha256_bytes(data))
            self.size += len(data)
        return self.kept[key]


_place = _Placements(256 << 20)


def write_request(input_dir: Path, modality: str, stimuli: list[dict], regions: list[str], time_bins: list,
                  number_of_trials: int, seed: int, visual_degrees: float | None, task: dict | None = None) -> dict:
    """Write input_dir/request.json (validated against spec/v1/run-request; request_id from its content); return it."""
    request = {
        "spec_version": SPEC_VERSION,
        "modality": modality,
        "stimuli": stimuli,
        "record": {"regions": regions, "time_bins": time_bins},
        "task": task,
        "number_of_trials": number_of_trials,
        "seed": seed,
    }
    if visual_degrees is not None:
        request["visual_degrees"] = visual_degrees
    request["request_id"] = sha256_bytes(canonical_json(request))[:16]
    data = canonical_json(request)
    digest = sha256_bytes(data)
    if digest not in _valid_requests:  # a suite asks many models the same request: validate its content once
        schemas.require_valid(request, "run-request", "run request")
        _valid_requests.add(digest)
    (input_dir / "request.json").write_bytes(data)
    return request

