"""The language models' answers to bad input: their own answer for characters outside their vocabulary (never a
crash), a clear refusal for image stimuli and for tasks they do not list."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from braindock.config import Limits
from braindock.contract.responses import read_response
from braindock.contract.task_answers import read_next_word
from braindock.execution.containers import model_run_spec

ROOT = Path(__file__).resolve().parents[2]
NGRAM_TEST_IMAGE = "braindock-test/ngram-bigram:test"
ODD_TEXT = "Ünïcødé x@y! 🐝 the bee, 42"
ODD_WORDS = ["ünïcødé", "x@y!", "🐝", "the", "bee", "42"]


def request(folder: Path, modality: str = "text", task: dict | None = None, regions=("language",)) -> Path:
    """A request for one stimulus (the odd text, or a stand-in image file) under folder/input; folder/output made."""
    (folder / "input" / "stimuli").mkdir(parents=True)
    (folder / "output").mkdir()
    name = "s.txt" if modality == "text" else "s.png"
    (folder / "input" / "stimuli" / name).write_text(ODD_TEXT + "\n", encoding="utf-8")
    document = {"spec_version": "1.0", "request_id": "odd", "modality": modality, "number_of_trials": 1, "seed": 0,
                "stimuli": [{"stimulus_id": "s", "path": f"stimuli/{name}", "sha256": "0" * 64, "text": ODD_TEXT}],
                "record": {"regions": list(regions), "time_bins": [[0, 1000]]}, "task": task}
    (folder / "input" / "request.json").write_text(json.dumps(document))
    return folder / "input" / "request.json"


@pytest.fixture(scope="module")
def ngram_image(engine):
    engine.build(ROOT / "containers" / "models" / "ngram", NGRAM_TEST_IMAGE, build_args={"ORDER": "2"})
    return NGRAM_TEST_IMAGE


def run(engine, image: str, folder: Path):
    return engine.run(model_run_spec(image, Limits(), folder / "input", folder / "output"))


@pytest.mark.engine
def test_ngram_gives_its_own_finite_answer_for_characters_outside_its_vocabulary(engine, ngram_image, tmp_path):
    path = request(tmp_path, task={"name": "next_word", "words": {"s": ODD_WORDS}})
    result = run(engine, ngram_image, tmp_path)
    assert result.exit_code == 0, result.tail()
    document = json.loads(path.read_text())
    answer = read_next_word(read_response(tmp_path / "output", document, "ngram"), document, "ngram")
    assert np.isfinite(answer.values).all() and (answer.values < 0).all()
    assert answer.values[1] == answer.values[2]  # <unk> after <unk>, an unseen context: both the unigram's <unk> probability
    assert np.isfinite(np.load(tmp_path / "output" / "language.npy")).all()


@pytest.mark.engine
@pytest.mark.parametrize("modality,task,message", [("image", None, "reads text"), ("text", {"name": "label", "labels": ["a", "b"]}, "not listed")])
def test_ngram_refuses_images_and_unlisted_tasks_clearly(engine, ngram_image, tmp_path, modality, task, message):
    request(tmp_path, modality, task)
    result = run(engine, ngram_image, tmp_path)
    assert result.exit_code == 1 and message in result.stderr, (result.exit_code, result.tail())
    assert not (tmp_path / "output" / "response.json").exists()


@pytest.mark.parametrize("modality,task,message", [
    ("image", None, "reads text"), ("text", {"name": "odd_one_out", "triplets": [["s", "s", "s"]]}, "not listed")])
def test_gru_refuses_images_and_unlisted_tasks_before_loading_torch(tmp_path, modality, task, message):
    path = request(tmp_path, modality, task)
    result = subprocess.run([sys.executable, str(ROOT / "containers" / "models" / "gru-lm" / "model.py"), "run", str(path)],
                            capture_output=True, text=True, env={"BRAINDOCK_INPUT": str(tmp_path / "input"), "BRAINDOCK_OUTPUT": str(tmp_path / "output")})
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "output" / "response.json").exists()
