"""The grammar's surprisal is exact: it agrees with brute-force enumeration of state paths, next-word probabilities
sum as they must, and the models' shipped corpus is the grammar's own output."""
from __future__ import annotations

import gzip
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import grammar  # noqa: E402


def brute_force_probability(words: list[str]) -> float:
    """p(w_1..t) by summing every topic and every state path (no forward recursion), mixed with the noise reader."""
    vocabulary, index, transition, emission = grammar.tables()
    n_states = len(grammar.STATES)
    total = 0.0
    for z in range(emission.shape[0]):
        for path in itertools.product(range(n_states), repeat=len(words)):
            p, previous = 1.0, 0
            for state, word in zip(path, words):
                p *= transition[previous, state + 1] * emission[z, state, index[word]]
                previous = state + 1
                if p == 0:
                    break
            total += p / emission.shape[0]
    uniform = 1 / (len(vocabulary) + len(grammar.NONWORDS))
    return (1 - grammar.NOISE) * total + grammar.NOISE * uniform ** len(words)


@pytest.mark.parametrize("words", [["the", "bee"], ["in", "the", "meadow"], ["a", "busy", "hive"], ["bee", "the", "hive"]])
def test_surprisal_agrees_with_brute_force_enumeration(words):
    expected = -np.log2(brute_force_probability(words))
    assert grammar.surprisal(words).sum() == pytest.approx(expected, rel=1e-9)


def test_next_word_probabilities_sum_to_one_where_the_sentence_cannot_end():
    vocabulary, *_ = grammar.tables()
    prefix = ["the", "golden"]
    before = grammar.surprisal(prefix).sum()
    total = sum(2 ** -(grammar.surprisal(prefix + [w]).sum() - before) for w in vocabulary + grammar.NONWORDS)
    assert total == pytest.approx(1.0, abs=1e-9)


def test_where_the_sentence_may_end_the_words_leave_the_end_probability():
    vocabulary, *_ = grammar.tables()
    prefix = ["the", "bee", "collects"]  # verb -> end with probability 0.15
    before = grammar.surprisal(prefix).sum()
    total = sum(2 ** -(grammar.surprisal(prefix + [w]).sum() - before) for w in vocabulary + grammar.NONWORDS)
    assert 0.8 < total < 0.9


def test_well_formedness_separates_sentences_scrambles_and_nonwords():
    rng = np.random.default_rng(0)
    sentences = [grammar.sample(rng, t % 12) for t in range(40)]
    assert all(grammar.well_formedness(s) == 1.0 for s in sentences)
    scrambled = [grammar.well_formedness(grammar.scramble(s, rng)) for s in sentences]
    assert np.mean(scrambled) < 0.8
    assert all(grammar.well_formedness(grammar.nonword_string(6, rng)) == 0.0 for _ in range(5))
    assert np.mean([grammar.surprisal(s).mean() for s in sentences]) < np.mean([grammar.surprisal(grammar.scramble(s, rng)).mean() for s in sentences])


def test_the_models_corpus_is_the_grammars_own():
    expected = "\n".join(" ".join(s) for s in grammar.corpus(20000, 7)) + "\n"
    for model in ("ngram", "gru-lm"):
        shipped = gzip.decompress((ROOT / "containers" / "models" / model / "corpus.txt.gz").read_bytes()).decode()
        assert shipped == expected, f"containers/models/{model}/corpus.txt.gz: regenerate with python3 -m simulation.grammar corpus 20000 7"
