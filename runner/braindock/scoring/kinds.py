"""One object per benchmark kind (manifest `kind`): what the model must commit, what it is asked, how it is scored.

The pipeline never branches on the kind: it asks `kind_of(benchmark)` and calls the same four methods.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from ..contract.benchmark import Benchmark
from ..contract.constants import BEHAVIORAL_TASKS
from ..contract.responses import read_activations
from ..contract.run_request import lay_out_stimuli, time_bins_for, write_request
from ..errors import Problem, UsageError, ValidationError
from . import behavioral, language
from .neural import Outcome, score_neural


def commitment_problems(benchmark: Benchmark, description: dict, who: str, task: str | None = None) -> list[Problem]:
    """The model must show the benchmark's modality and commit its region, unless it answers the benchmark's `task` itself."""
    problems = []
    manifest, region = benchmark.manifest, benchmark.region
    if manifest["modality"] != description["modality"]:
        problems.append(Problem(f"{who} describe#/modality", "WRONG_MODALITY", f"{benchmark.identifier} shows {manifest['modality']} stimuli",
                                "score this model on benchmarks of its modality", expected=manifest["modality"], found=description["modality"]))
    if region in description["regions"] or (task and task in description["tasks"]):
        return problems
    if task:
        problems.append(Problem(f"{who} describe#/regions", "REGION_NOT_COMMITTED",
                                f"{benchmark.identifier} reads {task} answers out of region {region} (or asks for the task)",
                                f"commit a layer to {region}, or list {task!r} under tasks",
                                found=f"regions {sorted(description['regions'])}, tasks {description['tasks']}"))
    else:
        problems.append(Problem(f"{who} describe#/regions", "REGION_NOT_COMMITTED", f"{benchmark.identifier} needs region {region}",
                                f"commit a layer to {region} under regions", found=str(sorted(description["regions"]))))
    return problems


class BenchmarkKind(ABC):
    """What a kind of benchmark asks of a model and how it scores the answer."""

    name: str

    @abstractmethod
    def problems(self, benchmark: Benchmark, description: dict, who: str) -> list[Problem]:
        """Why this model cannot be scored on this benchmark (modality, region, task); empty when it can."""

    @abstractmethod
    def build_request(self, benchmark: Benchmark, description: dict, input_dir: Path, who: str, seed: int) -> dict:
        """Lay the stimuli out under input_dir and write request.json (validated); return the request. Call check() first."""

    @abstractmethod
    def regions(self, benchmark: Benchmark, request: dict) -> list[str]:
        """The response regions this benchmark's score reads (the rest of the response does not concern it)."""

    @abstractmethod
    def score(self, benchmark: Benchmark, request: dict, response: dict, folder: Path, who: str) -> Outcome:
        """Raw score, ceiling and ceiled score of the model's answer in `folder`."""

    def layer(self, benchmark: Benchmark, request: dict, description: dict) -> str:
        """What of the model the score is about, for the record."""
        return description["regions"][benchmark.region]["layer"]

    def check(self, benchmark: Benchmark, description: dict, who: str) -> None:
        """ValidationError listing every reason the model cannot be scored here (before anything runs)."""
        problems = self.problems(benchmark, description, who)
        if problems:
            raise ValidationError(f"{who} cannot be scored on {benchmark.identifier}", problems)


class NeuralKind(BenchmarkKind):
    """Recordings per site: the model's committed region, mapped onto the sites by the manifest's metric."""

    name = "neural"

    def problems(self, benchmark, description, who):
        return commitment_problems(benchmark, description, who)

    def build_request(self, benchmark, description, input_dir, who, seed):
        manifest = benchmark.manifest
        stimuli = lay_out_stimuli(benchmark.stimulus_set, benchmark.stimulus_set_path.parent, input_dir, manifest["modality"],
                                  manifest.get("visual_degrees"), description.get("visual_degrees"))
        # every committed region, so that one run answers every benchmark on these stimuli (V4 and IT share a run)
        return write_request(input_dir, manifest["modality"], stimuli, sorted(description["regions"]),
                             time_bins_for(benchmark, description, who), manifest["number_of_trials"], seed,
                             description.get("visual_degrees"))

    def regions(self, benchmark, request):
        return [benchmark.region]

    def score(self, benchmark, request, response, folder, who):
        activations = read_activations(folder, request, response, benchmark.region, who)
        return score_neural(benchmark.manifest, benchmark.recordings(), activations)


class BehavioralKind(BenchmarkKind):
    """Human trials: the model's own task answer, or the standard readout of its committed region."""

    name = "behavioral"

    def problems(self, benchmark, description, who):
        return commitment_problems(benchmark, description, who, task=behavioral.task_of(benchmark))

    def build_request(self, benchmark, description, input_dir, who, seed):
        return behavioral.build_request(benchmark, description, input_dir, who, seed=seed)

    def regions(self, benchmark, request):
        return [] if request["task"] is not None else [benchmark.region]

    def score(self, benchmark, request, response, folder, who):
        return behavioral.score(benchmark, request, response, folder, who)

    def layer(self, benchmark, request, description):
        return f"behavior.{request['task']['name']}" if request["task"] else super().layer(benchmark, request, description)


class NextWordKind(BenchmarkKind):
    """Scored from the model's own next-word probabilities (task next_word): reading times, or perplexity."""

    def __init__(self, name: str):
        self.name = name

    def problems(self, benchmark, description, who):
        return language.problems(benchmark, description, who)

    def build_request(self, benchmark, description, input_dir, who, seed):
        return language.build_request(benchmark, description, input_dir, who, seed=seed)

    def regions(self, benchmark, request):
        return []

    def score(self, benchmark, request, response, folder, who):
        return language.score(benchmark, request, response, folder, who)

    def layer(self, benchmark, request, description):
        return f"behavior.{language.TASK}"


class EngineeringKind(BenchmarkKind):
    """Task scores with no brain data (ceiling and normalisation `none`): scored as the kind that asks the benchmark's
    task would score it (next_word: perplexity; label: accuracy of the model's own labels or the standard readout)."""

    name = "engineering"

    def __init__(self, by_task: dict[str, BenchmarkKind]):
        self.by_task = by_task

    def of(self, benchmark: Benchmark) -> BenchmarkKind:
        """The kind that scores this benchmark's task; an unknown task lists the known ones."""
        task = benchmark.manifest["task"]
        if task not in self.by_task:
            raise UsageError(f"benchmark {benchmark.identifier}: no engineering scoring for task {task!r}", [
                Problem(f"{benchmark.identifier} manifest.json#/task", "UNKNOWN_TASK", f"engineering benchmarks score tasks {sorted(self.by_task)}",
                        "upgrade braindock, or use one of the known tasks", found=task)])
        return self.by_task[task]

    def problems(self, benchmark, description, who):
        return self.of(benchmark).problems(benchmark, description, who)

    def build_request(self, benchmark, description, input_dir, who, seed):
        return self.of(benchmark).build_request(benchmark, description, input_dir, who, seed)

    def regions(self, benchmark, request):
        return self.of(benchmark).regions(benchmark, request)

    def score(self, benchmark, request, response, folder, who):
        return self.of(benchmark).score(benchmark, request, response, folder, who)

    def layer(self, benchmark, request, description):
        return self.of(benchmark).layer(benchmark, request, description)


BEHAVIORAL = BehavioralKind()
KINDS: dict[str, BenchmarkKind] = {kind.name: kind for kind in (
    NeuralKind(), BEHAVIORAL, NextWordKind("reading_times"),
    EngineeringKind({language.TASK: NextWordKind("engineering"), **{task: BEHAVIORAL for task in BEHAVIORAL_TASKS}}))}


def kind_of(benchmark: Benchmark) -> BenchmarkKind:
    """The kind object of a benchmark's manifest; an unknown kind lists the known ones."""
    name = benchmark.manifest.get("kind", "neural")
    if name not in KINDS:
        raise UsageError(f"benchmark {benchmark.identifier}: no scoring for kind {name!r}", [
            Problem(f"{benchmark.identifier} manifest.json#/kind", "UNKNOWN_KIND", f"this runner scores kinds {sorted(KINDS)}",
                    "upgrade braindock, or use one of the known kinds", found=name)])
    return KINDS[name]
