"""Simulated sentence-reading fMRI shaped like Pereira2018: sentences in passages, voxels of several subjects.

Stimuli. Passages of `sentences_per_passage` sentences about one topic, generated from templates whose
slots take the topic's words (nouns, verbs, adjectives, places) and a few shared function words.

Generating model (the "language" stage). Every word w has a 64-d embedding drawn from a generator seeded
by sha256(w): topic words = 0.8 * their topic's vector + 0.6 * their own vector, other words their own
vector at 0.5. A sentence's stage is three z-scored blocks with declared variance shares: the mean word
embedding (semantics, 0.5), a rectified random projection of that mean to 128 units (composition, 0.4),
and the sentence's length in words and its position in the passage (0.1).

Voxels. All subjects share a rank-`rank` read-out basis of the stage (the network's representational
subspace); each voxel has its own loadings on it, is z-scored across sentences and scaled to % signal
change, and gets one Gaussian noise draw per sentence with variance var_s * (1/rho - 1), so its
reliability is rho. Predicting one subject from infinitely many others then reaches r = sqrt(rho), which
the extrapolation ceiling estimates.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import xarray as xr

from . import build as builder

DIM = 64
TOPICS = {
    "beekeeping": {"nouns": ["bee", "hive", "honey", "queen", "comb", "keeper"], "verbs": ["collects", "guards", "feeds", "builds"],
                   "adjectives": ["busy", "golden", "sweet"], "places": ["meadow", "orchard"]},
    "sailing": {"nouns": ["boat", "sail", "mast", "sailor", "harbour", "wind"], "verbs": ["steers", "crosses", "anchors", "rigs"],
                "adjectives": ["salty", "swift", "calm"], "places": ["bay", "coast"]},
    "baking": {"nouns": ["bread", "oven", "flour", "dough", "baker", "crust"], "verbs": ["kneads", "bakes", "shapes", "slices"],
               "adjectives": ["warm", "crisp", "soft"], "places": ["bakery", "kitchen"]},
    "astronomy": {"nouns": ["star", "planet", "telescope", "comet", "orbit", "galaxy"], "verbs": ["observes", "tracks", "maps", "measures"],
                  "adjectives": ["distant", "bright", "faint"], "places": ["observatory", "desert"]},
    "medicine": {"nouns": ["doctor", "patient", "fever", "pill", "nurse", "wound"], "verbs": ["treats", "examines", "heals", "bandages"],
                 "adjectives": ["sterile", "gentle", "urgent"], "places": ["hospital", "clinic"]},
    "football": {"nouns": ["ball", "goal", "striker", "referee", "team", "pitch"], "verbs": ["kicks", "passes", "defends", "scores"],
                 "adjectives": ["fast", "loud", "muddy"], "places": ["stadium", "park"]},
    "gardening": {"nouns": ["seed", "rose", "soil", "gardener", "weed", "spade"], "verbs": ["plants", "waters", "prunes", "digs"],
                  "adjectives": ["green", "fragrant", "wild"], "places": ["garden", "greenhouse"]},
    "music": {"nouns": ["violin", "melody", "choir", "drum", "singer", "concert"], "verbs": ["plays", "rehearses", "tunes", "composes"],
              "adjectives": ["quiet", "lively", "harmonic"], "places": ["hall", "studio"]},
    "volcanoes": {"nouns": ["volcano", "lava", "ash", "crater", "eruption", "magma"], "verbs": ["erupts", "buries", "heats", "shakes"],
                  "adjectives": ["molten", "smoky", "ancient"], "places": ["island", "mountain"]},
    "law": {"nouns": ["judge", "lawyer", "witness", "verdict", "court", "contract"], "verbs": ["argues", "signs", "questions", "appeals"],
            "adjectives": ["formal", "binding", "fair"], "places": ["courtroom", "office"]},
    "weather": {"nouns": ["storm", "cloud", "rain", "thunder", "snow", "forecast"], "verbs": ["soaks", "covers", "threatens", "clears"],
                "adjectives": ["grey", "cold", "humid"], "places": ["valley", "city"]},
    "trains": {"nouns": ["train", "station", "track", "conductor", "ticket", "carriage"], "verbs": ["departs", "brakes", "connects", "carries"],
               "adjectives": ["crowded", "late", "electric"], "places": ["platform", "tunnel"]},
}
TEMPLATES = [
    "The {adjective} {noun} {verb} the {noun2} in the {place}.",
    "Every morning a {noun} {verb} a {adjective} {noun2}.",
    "In the {place}, the {noun} {verb} while the {noun2} waits.",
    "Nobody expected that the {noun} {verb} so many {adjective} things.",
    "A {noun} near the {place} {verb} the {adjective} {noun2} again.",
    "They said the {noun2} was {adjective} after the {noun} {verb} it.",
]


def _vector(word: str, scale: float) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
    return scale * np.random.default_rng(seed).standard_normal(DIM) / np.sqrt(DIM)


def embedding(word: str) -> np.ndarray:
    """The declared 64-d embedding of a word (lower case, punctuation stripped)."""
    for topic, vocabulary in TOPICS.items():
        if any(word in words for words in vocabulary.values()):
            return 0.8 * _vector(f"topic:{topic}", 1.0) + 0.6 * _vector(word, 1.0)
    return _vector(word, 0.5)


def words(sentence: str) -> list[str]:
    return [w.strip(".,").lower() for w in sentence.split()]


def _zscore(m: np.ndarray) -> np.ndarray:
    return (m - m.mean(0)) / (m.std(0) + 1e-9)


def stage(sentences: list[str], positions: list[int], seed: int = 0) -> np.ndarray:
    """The language stage for sentences (and their positions in their passages): (sentences, 64 + 128 + 2)."""
    semantic = np.array([np.mean([embedding(w) for w in words(s)], axis=0) for s in sentences])
    projection = np.random.default_rng(seed).standard_normal((DIM, 128)) / np.sqrt(DIM)
    composition = np.maximum(_zscore(semantic) @ projection, 0)
    form = np.array([[len(words(s)), p] for s, p in zip(sentences, positions)], dtype=float)
    blocks = ((semantic, 0.5), (composition, 0.4), (form, 0.1))
    return np.concatenate([_zscore(m) * np.sqrt(w / m.shape[1]) for m, w in blocks], axis=1)


def passages(config: dict) -> list[dict]:
    """Every sentence: stimulus_id, text, topic, passage and its index in the passage."""
    spec = config["stimuli"]
    rng = np.random.default_rng(spec["seed"])
    out = []
    for topic, vocabulary in TOPICS.items():
        for p in range(spec["passages_per_topic"]):
            templates = rng.permutation(len(TEMPLATES))[: spec["sentences_per_passage"]]
            for index, t in enumerate(templates):
                nouns = rng.permutation(vocabulary["nouns"])
                text = TEMPLATES[t].format(noun=nouns[0], noun2=nouns[1], verb=rng.choice(vocabulary["verbs"]),
                                           adjective=rng.choice(vocabulary["adjectives"]), place=rng.choice(vocabulary["places"]))
                out.append({"stimulus_id": f"{topic}-{p}-{index}", "text": text, "topic": topic,
                            "passage": f"{topic}-{p}", "sentence_index": index})
    return out


def voxels(config: dict, features: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(sentences, subjects x voxels) single-scan responses and the subject of each voxel."""
    gen = config["generative_model"]
    rng = np.random.default_rng(config["seed"])
    basis = rng.standard_normal((gen["rank"], features.shape[1]))
    columns, subjects = [], []
    for subject in config["subjects"]:
        loadings = rng.standard_normal((config["voxels_per_subject"], gen["rank"]))
        mu = _zscore(features @ (loadings @ basis).T) * gen["signal_percent"]
        columns.append(mu + rng.standard_normal(mu.shape) * np.sqrt(mu.var(0) * (1 / gen["reliability"] - 1)))
        subjects += [subject] * mu.shape[1]
    return np.concatenate(columns, axis=1), subjects


def build(config: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    sentences = passages(config)
    folder = out / "stimuli"
    (folder / "sentences").mkdir(parents=True, exist_ok=True)
    entries = []
    for s in sentences:
        path = folder / "sentences" / f"{s['stimulus_id']}.txt"
        path.write_text(s["text"] + "\n", encoding="utf-8")
        entries.append({"stimulus_id": s["stimulus_id"], "file": f"sentences/{path.name}", "sha256": builder.sha256(path),
                        **{k: s[k] for k in ("text", "topic", "passage", "sentence_index")}})
    stimulus_set = builder.write_stimulus_set(config, entries, "text", folder)
    features = stage([s["text"] for s in sentences], [s["sentence_index"] for s in sentences], config["generative_model"]["stage_seed"])
    data, subjects = voxels(config, features)
    n_voxels = data.shape[1]
    recordings = xr.DataArray(
        data[:, :, None].astype(np.float32), dims=("presentation", "neuroid", "time_bin"), name="recordings",
        coords={
            "stimulus_id": ("presentation", [s["stimulus_id"] for s in sentences]),
            "repetition": ("presentation", np.zeros(len(sentences), dtype=int)),
            "passage": ("presentation", [s["passage"] for s in sentences]),
            "topic": ("presentation", [s["topic"] for s in sentences]),
            "neuroid_id": ("neuroid", [f"{subjects[j]}.voxel_{j % config['voxels_per_subject']:03d}" for j in range(n_voxels)]),
            "region": ("neuroid", ["language"] * n_voxels),
            "subject": ("neuroid", subjects),
            "time_bin_start": ("time_bin", [config["recording_window"][0]]),
            "time_bin_end": ("time_bin", [config["recording_window"][1]]),
        },
        attrs={"identifier": config["recordings_identifier"], "species": "Homo sapiens (simulated)",
               "method": "simulated fMRI (language network voxels)", "units": "% BOLD signal change", "license": "MIT",
               "citation": config["citation"], "simulated": 1},
    )
    path = out / "recordings" / "assembly.nc"
    path.parent.mkdir(parents=True, exist_ok=True)
    recordings.to_netcdf(path, engine="h5netcdf", encoding={"recordings": {"zlib": True, "complevel": 4}})
    manifest = {
        "spec_version": "1.0",
        **{key: config[key] for key in ("identifier", "version", "kind", "region", "modality", "metric", "ceiling",
                                        "normalization", "number_of_trials", "citation", "description")},
        "simulated": True,
        "stimulus_set": {"identifier": config["stimuli"]["identifier"], "path": "stimuli/stimulus_set.json", "sha256": builder.sha256(stimulus_set)},
        "recordings": {"identifier": config["recordings_identifier"], "path": "recordings/assembly.nc", "sha256": builder.sha256(path)},
        "generative_model": {
            **config["generative_model"], "model": __doc__.strip(),
            "subjects": config["subjects"], "voxels_per_subject": config["voxels_per_subject"], "seed": config["seed"],
            "expected_ceiling": float(np.sqrt(config["generative_model"]["reliability"])),
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest
