"""Simulated odd-one-out triplets shaped like Hebart et al. (2023, THINGS): which of three images is the odd one?

Generating model. The IT stage of the declared hierarchy gives each test image a feature vector f; the
similarity of two images is their dot product divided by the number of features (s_ab = f_a . f_b / n, the
readout Brain-Score uses, similarity_measure 'dot'). For a triplet (a, b, c) the odd one is a with probability
softmax(beta * [s_bc, s_ac, s_ab] / sd(s)), where sd(s) is the spread of all pairwise similarities: the
pair most alike stays together. `triplets` distinct triplets are drawn uniformly and each is answered
`repeats` times by random subjects. The expected noise ceiling (each trial against the majority of the
triplet's other trials, ties sharing credit) follows exactly from these probabilities and is recorded.
"""
from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np

from . import behavior, hierarchy, objects
from . import build as builder


def choice_probabilities(features: np.ndarray, triplets: np.ndarray, beta: float) -> np.ndarray:
    """(triplet, 3) probability that each member is chosen as the odd one."""
    s = features @ features.T / features.shape[1]
    spread = s[np.triu_indices_from(s, k=1)].std()
    a, b, c = triplets.T
    return behavior.softmax(beta * np.stack([s[b, c], s[a, c], s[a, b]], axis=1) / spread)


def expected_ceiling(p: np.ndarray, repeats: int) -> float:
    """Expected leave-one-out majority agreement with `repeats` answers per triplet, by enumerating the others' votes."""
    others = repeats - 1
    total = np.zeros(len(p))
    for votes in product(range(3), repeat=others):
        counts = np.bincount(np.array(votes, dtype=int), minlength=3)
        winners = counts == counts.max()
        chance_of_votes = np.prod(p[:, list(votes)], axis=1)
        total += chance_of_votes * (p * winners).sum(axis=1) / winners.sum()
    return float(total.mean())


def build(config: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    gen = config["generative_model"]
    entries, images, labels, latents = builder.write_stimuli(config, out, "stimuli")
    features = hierarchy.features(images, labels, len(objects.CATEGORIES), latents, seed=gen["hierarchy_seed"])[gen["stage"]]
    rng = np.random.default_rng(config["seed"])
    n = len(entries)
    chosen: dict[frozenset, tuple] = {}
    while len(chosen) < config["triplets"]:
        triplet = tuple(int(i) for i in rng.choice(n, 3, replace=False))
        chosen.setdefault(frozenset(triplet), triplet)
    triplets = np.array(list(chosen.values()))
    p = choice_probabilities(features, triplets, gen["beta"])
    repeats = config["repeats"]
    trial_triplet = np.repeat(np.arange(len(triplets)), repeats)
    odd = (p[trial_triplet].cumsum(axis=1) < rng.random((trial_triplet.size, 1))).sum(axis=1)
    order = rng.permutation(trial_triplet.size)  # trials in a random order, as collected
    trial_triplet, odd = trial_triplet[order], odd[order]
    ids = np.array([e["stimulus_id"] for e in entries], dtype=object)
    members = ids[triplets[trial_triplet]]
    coords = {
        "stimulus_id_1": members[:, 0], "stimulus_id_2": members[:, 1], "stimulus_id_3": members[:, 2],
        "choice": members[np.arange(odd.size), odd],
        "subject": np.array([f"subject_{s:03d}" for s in rng.integers(0, config["subjects"], odd.size)], dtype=object),
    }
    ceiling = expected_ceiling(p, repeats)
    return behavior.write_export({**config, "expected_ceiling": round(ceiling, 4)}, out, coords,
                                 "simulated triplet odd-one-out task", __doc__,
                                 {"repeats": repeats, "triplets": len(triplets),
                                  "modal_agreement": round(float(p.max(axis=1).mean()), 4)})
