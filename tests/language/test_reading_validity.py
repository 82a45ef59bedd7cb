"""The reading-time benchmark tells models apart: the generator's own surprisal reaches the ceiling, the ceiling is
the declared one, and surprisal shuffled across words falls to what letters alone explain."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from braindock.contract import assemblies
from braindock.scoring import language

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import build as simulation_build  # noqa: E402
from simulation import grammar  # noqa: E402

pytestmark = pytest.mark.slow


def test_generator_reaches_the_declared_ceiling_and_shuffled_surprisal_does_not(tmp_path):
    root = tmp_path / "export"
    simulation_build.build(json.loads((ROOT / "benchmarks" / "futrell2018-reading" / "benchmark.json").read_text()), root)
    manifest = json.loads((root / "manifest.json").read_text())
    recordings = assemblies.load_neural(root / manifest["recordings"]["path"])
    words = {e["stimulus_id"]: e["words"].split() for e in json.loads((root / "stimuli" / "stimulus_set.json").read_text())["stimuli"]}
    tokens = language.word_assembly(recordings)
    bits = np.array([grammar.surprisal(words[s])[k] for s, k in zip(tokens["stimulus_id"].values, tokens["word_index"].values)])
    generator = language.score_answer(manifest, recordings, language.generator_answer(recordings, bits))
    shuffled = language.score_answer(manifest, recordings, language.generator_answer(recordings, np.random.default_rng(0).permutation(bits)))
    print(f"ceiling {generator.ceiling.value:.3f} (declared {manifest['generative_model']['expected_ceiling']:.3f}); "
          f"generator {generator.ceiled.value:.3f}, shuffled surprisal {shuffled.ceiled.value:.3f}")
    assert generator.ceiling.value == pytest.approx(manifest["generative_model"]["expected_ceiling"], abs=0.02)
    assert generator.ceiled.value > 0.95
    assert shuffled.ceiled.value < generator.ceiled.value - 0.2
