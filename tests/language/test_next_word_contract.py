"""Task next_word as the contract states it: the request must carry the words, answers are checked word by word, and
a model that does not list the task (or reads images) is refused before anything runs."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from braindock.contract import schemas
from braindock.contract.benchmark import Benchmark
from braindock.contract.task_answers import read_next_word, words_of
from braindock.errors import ResponseError, ValidationError
from braindock.execution.engines import ImageInfo
from braindock.scoring import kinds, language

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import build as simulation_build  # noqa: E402

SHA = "0" * 64
REQUEST = {"spec_version": "1.0", "request_id": "r1", "modality": "text", "number_of_trials": 1, "seed": 0,
           "record": {"regions": [], "time_bins": [[0, 1000]]},
           "stimuli": [{"stimulus_id": "a", "path": "stimuli/a.txt", "sha256": SHA}, {"stimulus_id": "b", "path": "stimuli/b.txt", "sha256": SHA}],
           "task": {"name": "next_word", "words": {"a": ["the", "bee"], "b": ["a", "hive", "hums"]}}}


def test_words_are_split_lowered_and_stripped_of_punctuation():
    assert words_of("The busy bee, (again) collects honey.") == ["the", "busy", "bee", "again", "collects", "honey"]


def test_the_request_schema_requires_the_words_of_next_word():
    assert schemas.problems(REQUEST, "run-request") == []
    without = {**REQUEST, "task": {"name": "next_word"}}
    assert schemas.problems(without, "run-request") != []


def test_a_valid_answer_becomes_one_log_probability_per_word():
    answer = read_next_word({"behavior": {"next_word": {"a": [-1.0, -2.0], "b": [-0.5, -3.0, -1.5]}}}, REQUEST, "model m")
    assert answer.values.tolist() == [-1.0, -2.0, -0.5, -3.0, -1.5]
    assert answer["word"].values.tolist() == ["the", "bee", "a", "hive", "hums"]
    assert answer["word_index"].values.tolist() == [0, 1, 0, 1, 2]


@pytest.mark.parametrize("answered,code", [
    (None, "MISSING_BEHAVIOR"),
    ({"a": [-1.0, -2.0]}, "MISSING_STIMULUS"),
    ({"a": [-1.0], "b": [-0.5, -3.0, -1.5]}, "WRONG_COUNT"),
    ({"a": [-1.0, 0.7], "b": [-0.5, -3.0, -1.5]}, "BAD_LOG_PROBABILITY"),
    ({"a": [-1.0, "x"], "b": [-0.5, -3.0, -1.5]}, "BAD_LOG_PROBABILITY"),
])
def test_bad_answers_are_refused_with_their_location(answered, code):
    response = {} if answered is None else {"behavior": {"next_word": answered}}
    with pytest.raises(ResponseError) as caught:
        read_next_word(response, REQUEST, "model m")
    assert caught.value.problems[0].code == code
    assert "behavior/next_word" in caught.value.problems[0].where


@pytest.fixture(scope="module")
def nextword(tmp_path_factory) -> Benchmark:
    root = tmp_path_factory.mktemp("nextword") / "export"
    simulation_build.build(json.loads((ROOT / "benchmarks" / "nextword-perplexity" / "benchmark.json").read_text()), root)
    return Benchmark(ImageInfo("test/nextword:1", "sha256:" + "4" * 64), "4" * 64, root)


def description(modality="text", tasks=("passive",)) -> dict:
    return {"modality": modality, "tasks": list(tasks), "regions": {"language": {"layer": "x"}}, "time_bins": [[0, 1000]]}


def test_a_model_that_does_not_list_next_word_is_refused_before_it_runs(nextword):
    kind = kinds.kind_of(nextword)
    assert kind.name == "engineering"
    with pytest.raises(ValidationError) as caught:
        kind.check(nextword, description(), "model minilm")
    assert [p.code for p in caught.value.problems] == ["TASK_NOT_LISTED"]


def test_an_image_model_is_refused_for_its_modality(nextword):
    codes = [p.code for p in language.problems(nextword, description("image"), "model alexnet")]
    assert codes == ["WRONG_MODALITY", "TASK_NOT_LISTED"]


def test_the_request_carries_every_stimulus_words_and_the_generator_scores_its_own_perplexity(nextword, tmp_path):
    request = language.build_request(nextword, description(tasks=("passive", "next_word")), tmp_path / "input", "model m")
    words = request["task"]["words"]
    assert len(words) == len(nextword.stimulus_set["stimuli"]) == 500
    generator = nextword.recordings()  # the generator's own ln p per word token, in reading order
    answers = {}
    for stimulus_id, value in zip(generator["stimulus_id"].values, generator.values[:, 0, 0]):
        answers.setdefault(str(stimulus_id), []).append(float(value))
    outcome = language.score(nextword, request, {"behavior": {"next_word": answers}}, tmp_path, "model m")
    assert outcome.raw.value == pytest.approx(nextword.manifest["generative_model"]["generator_perplexity"], rel=1e-6)
    assert outcome.ceiled.value == outcome.raw.value
    uniform = {i: [-np.log(224.0)] * len(w) for i, w in words.items()}
    assert language.score(nextword, request, {"behavior": {"next_word": uniform}}, tmp_path, "model m").raw.value == pytest.approx(224.0)
