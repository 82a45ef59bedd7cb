"""The probabilistic grammar every simulated language benchmark draws its sentences from, with exact surprisal.

A sentence has one topic z (uniform over the 12 topics of `language.TOPICS`) and is a path through a
probabilistic finite-state grammar over syntactic states (TRANSITIONS, from START to END). Each state emits
a word of its category: determiners, prepositions and conjunctions from fixed Zipf-weighted lists; nouns,
verbs, adjectives and places from the topic's own list with probability TOPIC_STAY, otherwise from every
topic's list of that category (Zipf weights 1/rank inside each list).

A reader of the language network knows this grammar but not the topic, and allows that a string may be
noise: with prior probability NOISE a string is a uniform draw over the vocabulary and the declared
non-words. So p(w_1..t) = (1 - NOISE) * sum_z P(z) * forward_z(w_1..t) + NOISE * U^t, and the surprisal of
word t is -log2 p(w_1..t) / p(w_1..t-1): exact for every string, grammatical, scrambled or made of non-words.
Well-formedness is the fraction of a string's word transitions (from START) that the grammar allows.

`python3 -m simulation.grammar corpus N SEED OUT` writes N sentences, one per line (the language models'
training text).
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from .language import TOPICS

TOPIC_STAY = 0.8
NOISE = 1e-3
FUNCTION_WORDS = {
    "det": ["the", "a", "every", "this"],
    "prep": ["in", "near", "at", "behind"],
    "conj": ["and", "while", "because"],
}
CATEGORY = {"det0": "det", "det1": "det", "det2": "det", "det3": "det", "adj1": "adjectives", "adj2": "adjectives",
            "noun1": "nouns", "noun2": "nouns", "verb": "verbs", "prep0": "prep", "prep": "prep",
            "place0": "places", "place": "places", "conj": "conj"}
TRANSITIONS = {
    "start": {"det1": 0.7, "prep0": 0.3},
    "prep0": {"det0": 1.0}, "det0": {"place0": 1.0}, "place0": {"det1": 1.0},
    "det1": {"adj1": 0.35, "noun1": 0.65}, "adj1": {"noun1": 0.9, "adj1": 0.1}, "noun1": {"verb": 1.0},
    "verb": {"det2": 0.6, "prep": 0.25, "end": 0.15},
    "det2": {"adj2": 0.35, "noun2": 0.65}, "adj2": {"noun2": 0.9, "adj2": 0.1},
    "noun2": {"prep": 0.35, "end": 0.45, "conj": 0.2},
    "prep": {"det3": 1.0}, "det3": {"place": 1.0}, "place": {"end": 0.8, "conj": 0.2},
    "conj": {"det1": 1.0},
}
STATES = list(CATEGORY)
SYLLABLES = ["bla", "fro", "mip", "tur", "gek", "zon", "wib", "plo", "snu", "dar", "vek", "ome"]
NONWORDS = sorted({a + b for a in SYLLABLES for b in SYLLABLES if a != b})[::4]  # 33 pronounceable non-words


def _zipf(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1)
    return weights / weights.sum()


@lru_cache(maxsize=1)
def tables() -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray]:
    """Vocabulary, its index, the transition matrix (start + states + end) and emissions E[topic, state, word]."""
    topics = list(TOPICS)
    vocabulary = sorted({w for ws in FUNCTION_WORDS.values() for w in ws} | {w for t in TOPICS.values() for ws in t.values() for w in ws})
    index = {w: i for i, w in enumerate(vocabulary)}
    nodes = ["start", *STATES, "end"]
    transition = np.zeros((len(nodes), len(nodes)))
    for source, targets in TRANSITIONS.items():
        for target, p in targets.items():
            transition[nodes.index(source), nodes.index(target)] = p
    emission = np.zeros((len(topics), len(STATES), len(vocabulary)))
    for s, state in enumerate(STATES):
        category = CATEGORY[state]
        for z, topic in enumerate(topics):
            if category in FUNCTION_WORDS:
                words = FUNCTION_WORDS[category]
                emission[z, s, [index[w] for w in words]] = _zipf(len(words))
                continue
            own = TOPICS[topic][category]
            emission[z, s, [index[w] for w in own]] += TOPIC_STAY * _zipf(len(own))
            for other in topics:
                words = TOPICS[other][category]
                emission[z, s, [index[w] for w in words]] += (1 - TOPIC_STAY) / len(topics) * _zipf(len(words))
    return vocabulary, index, transition, emission


def sample(rng: np.random.Generator, topic: int, max_words: int = 30) -> list[str]:
    """One sentence (lower-case words) about topic index `topic`; paths longer than max_words are redrawn."""
    vocabulary, _, transition, emission = tables()
    while True:
        node, words = 0, []
        while True:
            node = rng.choice(transition.shape[0], p=transition[node])
            if node == transition.shape[0] - 1:
                break
            words.append(vocabulary[rng.choice(len(vocabulary), p=emission[topic, node - 1])])
        if len(words) <= max_words:
            return words


def surprisal(words: list[str]) -> np.ndarray:
    """Exact surprisal (bits) of each word given the words before it, under the noisy reader of the module doc."""
    vocabulary, index, transition, emission = tables()
    n_topics = emission.shape[0]
    uniform = 1.0 / (len(vocabulary) + len(NONWORDS))
    alpha = np.tile(transition[0, 1:-1], (n_topics, 1))  # p(next state) per topic, before any emission
    log_grammar, log_noise, previous = 0.0, 0.0, 0.0  # log p(prefix) under grammar (per topic, scaled) and noise
    scale = np.zeros(n_topics)  # log-scale of alpha per topic
    out = []
    for word in words:
        column = emission[:, :, index[word]] if word in index else np.zeros(emission.shape[:2])
        joint = alpha * column  # p(prefix, state_t) per topic, in units of exp(scale)
        mass = joint.sum(1)
        with np.errstate(divide="ignore"):
            log_topic = scale + np.log(mass)
        log_grammar = np.logaddexp.reduce(log_topic) - np.log(n_topics)
        log_noise += np.log(uniform)
        total = np.logaddexp(np.log1p(-NOISE) + log_grammar, np.log(NOISE) + log_noise)
        out.append((previous - total) / np.log(2))
        previous = total
        safe = np.where(mass > 0, mass, 1.0)
        scale = np.where(mass > 0, log_topic, -np.inf)
        alpha = (joint / safe[:, None]) @ transition[1:-1, 1:-1]
    return np.array(out)


def well_formedness(words: list[str]) -> float:
    """Fraction of the word transitions (START -> w1, w1 -> w2, ...) some grammar states allow."""
    _, index, transition, emission = tables()
    emits = emission.sum(0) > 0  # (state, word)
    allowed = 0
    reachable = transition[0, 1:-1] > 0
    for word in words:
        states = emits[:, index[word]] if word in index else np.zeros(len(STATES), dtype=bool)
        now = reachable & states
        allowed += bool(now.any())
        reachable = (transition[1:-1, 1:-1][states].sum(0) > 0) if states.any() else np.zeros(len(STATES), dtype=bool)
    return allowed / len(words)


def scramble(words: list[str], rng: np.random.Generator) -> list[str]:
    """The same words in a random order that differs from the original."""
    while True:
        order = rng.permutation(len(words))
        if len(words) < 2 or (order != np.arange(len(words))).any():
            return [words[i] for i in order]


def nonword_string(length: int, rng: np.random.Generator) -> list[str]:
    return [str(w) for w in rng.choice(NONWORDS, size=length)]


def text(words: list[str]) -> str:
    """How a sentence is shown: first letter capitalised, a full stop."""
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:] + "."


def corpus(n: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [sample(rng, int(rng.integers(len(TOPICS)))) for _ in range(n)]


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "corpus":
        sys.exit("usage: python3 -m simulation.grammar corpus N SEED OUT")
    lines = [" ".join(s) for s in corpus(int(sys.argv[2]), int(sys.argv[3]))]
    Path(sys.argv[4]).write_text("\n".join(lines) + "\n", encoding="utf-8")
