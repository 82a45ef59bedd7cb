"""Benchmarks scored from a model's next-word probabilities (manifest kind `reading_times`, and `engineering` with task next_word).

Both ask task next_word on the benchmark's text stimuli (the words of each stimulus come from its stimulus-set
entry's `words`, else from its text) and read behavior.next_word, checked by contract.task_answers:
- reading_times: the recordings are reading times per word token (presentation) and reader (neuroid); the
  model's surprisal and the word's letters predict the readers' mean time (metric reading_time_predictivity,
  ceiling reading_time_consistency);
- engineering: the recordings are the generator's own log-probabilities (no brain data); the metric is
  perplexity, with ceiling and normalisation `none`.
A model that does not list next_word cannot be scored (TASK_NOT_LISTED): no readout turns activations into
probabilities over words.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from .. import metrics
from ..contract.benchmark import Benchmark
from ..contract.run_request import lay_out_stimuli, write_request
from ..contract.task_answers import read_next_word, words_of
from ..errors import Problem
from .neural import Outcome

TASK = "next_word"


def problems(benchmark: Benchmark, description: dict, who: str) -> list[Problem]:
    """Modality text and task next_word listed; every reason the model cannot be scored here."""
    found = []
    if benchmark.manifest["modality"] != description["modality"]:
        found.append(Problem(f"{who} describe#/modality", "WRONG_MODALITY", f"{benchmark.identifier} shows {benchmark.manifest['modality']} stimuli",
                             "score this model on benchmarks of its modality", expected=benchmark.manifest["modality"], found=description["modality"]))
    if TASK not in description["tasks"]:
        found.append(Problem(f"{who} describe#/tasks", "TASK_NOT_LISTED", f"{benchmark.identifier} scores next-word probabilities, which this model does not give",
                             "list 'next_word' under tasks and answer behavior.next_word (spec/README.md#next-word)",
                             expected=TASK, found=str(description["tasks"])))
    return found


def stimulus_words(entry: dict) -> list[str]:
    """A stimulus's words: its `words` field (space-separated) when the benchmark gives one, else its text's."""
    return str(entry["words"]).split() if "words" in entry else words_of(entry["text"])


def build_request(benchmark: Benchmark, description: dict, input_dir: Path, who: str, seed: int = 0) -> dict:
    """Task next_word on the benchmark's stimuli, no region recorded (scoring.kinds checks the model first)."""
    manifest = benchmark.manifest
    stimuli = lay_out_stimuli(benchmark.stimulus_set, benchmark.stimulus_set_path.parent, input_dir, manifest["modality"], None, None)
    task = {"name": TASK, "words": {e["stimulus_id"]: stimulus_words(e) for e in benchmark.stimulus_set["stimuli"]}}
    return write_request(input_dir, manifest["modality"], stimuli, [], description["time_bins"][:1],
                         manifest["number_of_trials"], seed, None, task=task)


def word_assembly(recordings: xr.DataArray) -> xr.DataArray:
    """The recordings (presentation = word token, neuroid = reader) as ("word", "subject") with the token coordinates."""
    values = recordings.mean("time_bin").transpose("presentation", "neuroid").values
    coords = {name: ("word", coord.values) for name, coord in recordings.coords.items() if coord.dims == ("presentation",)}
    return xr.DataArray(values, dims=("word", "subject"),
                        coords={**coords, "subject": ("subject", recordings["neuroid_id"].values.astype(str))})


def score_answer(manifest: dict, recordings: xr.DataArray, answer: xr.DataArray) -> Outcome:
    """The manifest's metric of the model's log-probabilities against the word-level recordings, its ceiling, normalised."""
    target = word_assembly(recordings)
    spec, ceiling_spec = manifest["metric"], manifest["ceiling"]
    raw = metrics.get_metric(spec["name"], **spec["parameters"])(answer, target)
    ceiling = metrics.get_ceiling(ceiling_spec["method"], **ceiling_spec["parameters"])(target)
    return Outcome(raw, ceiling, metrics.normalize(manifest["normalization"], raw, ceiling))


def score(benchmark: Benchmark, request: dict, response: dict, folder: Path, who: str) -> Outcome:
    return score_answer(benchmark.manifest, benchmark.recordings(), read_next_word(response, request, who))


def generator_answer(recordings: xr.DataArray, surprisal_bits: np.ndarray) -> xr.DataArray:
    """Log-probabilities in the shape a model's answer has, from per-token surprisal (bits) in the recordings' order
    (the validity tests score the generator's own surprisal this way)."""
    target = word_assembly(recordings)
    return xr.DataArray(-np.asarray(surprisal_bits) * np.log(2), dims=("word",),
                        coords={"stimulus_id": ("word", target["stimulus_id"].values), "word_index": ("word", target["word_index"].values)})
