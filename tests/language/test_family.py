"""The claim the generative model implies, on real containers: a model that predicts the next word better (the
trigram against the unigram, both counted on the same corpus) is scored more brain-like by the language network."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from braindock.config import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from family import Family  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.engine]
ORDERS = {"unigram": "1", "trigram": "3"}
ROOT = Path(__file__).resolve().parents[2]


def test_the_better_next_word_predictor_is_the_more_brain_like(engine, tmp_path):
    images = {}
    for name, order in ORDERS.items():
        images[name] = f"braindock-test/ngram-{name}:test"
        engine.build(ROOT / "containers" / "models" / "ngram", images[name], build_args={"ORDER": order})
    settings = load_settings(tmp_path / "home")
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    family = Family(["pereira2018-exp2-lang", "tuckute2024-drive", "nextword-perplexity"], tmp_path / "exports", engine, settings)
    scores = {name: family.scores(image) for name, image in images.items()}
    assert scores["trigram"]["nextword-perplexity"] < scores["unigram"]["nextword-perplexity"]
    for benchmark in ("pereira2018-exp2-lang", "tuckute2024-drive"):
        assert scores["trigram"][benchmark] > scores["unigram"][benchmark] + 0.02, (benchmark, scores)
