"""A simulated language network that cares about predictability; the language benchmarks built from it.

Every string comes from `grammar` (sentences of a topic, their scrambled word order, or strings of non-words),
so each word's surprisal under the declared reader is exact. What the network responds to, per stimulus:
- semantics: the mean of the declared word embeddings (`language.embedding`; non-words have their own);
- predictability: the mean surprisal of its words (bits), or for word-by-word recordings the current word's;
- well-formedness: the fraction of its word transitions the grammar allows;
- length: its number of words (word-by-word: the position in the sentence, so the response rises).
Each block is z-scored and weighted by its declared variance share. Voxels (electrodes, fROIs) read the
semantic block through a rank-`rank` basis shared by all subjects with their own Gaussian loadings, and the
scalar blocks with loadings 1 + 0.5 * N(0, 1) (mostly positive: one network that all its voxels share). Each
response is z-scored, scaled to `signal` and gets Gaussian noise of variance var * (1/reliability - 1) per
presentation, so the reliability of a single presentation is exactly `reliability`; extrapolating to
infinitely many subjects then gives the ceiling sqrt(reliability).

Designs: `sentences` (Pereira2018 experiments, the drive/suppress set), `story` (Blank2014 fROIs), `ecog`
(Fedorenko2016, one stimulus per sentence prefix), `reading` (Futrell2018 self-paced reading times: RT =
intercept + slope * surprisal + per-letter cost * letters + subject offset + Gaussian noise) and `next_word`
(held-out text; the recordings are the generator's own log-probabilities, the best any model can do).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from . import build as builder
from . import grammar
from .language import TOPICS, _zscore, embedding

TOPIC_NAMES = list(TOPICS)


def semantics(words: list[str]) -> np.ndarray:
    return np.mean([embedding(w) for w in words], axis=0)


# stimuli --------------------------------------------------------------------------------------------------------
def _sentence(rng: np.random.Generator, topic: int, spec: dict) -> list[str]:
    """A grammatical sentence of the topic within the design's word limits (redrawn until it fits)."""
    while True:
        words = grammar.sample(rng, topic)
        if spec.get("min_words", 1) <= len(words) <= spec.get("max_words", 30):
            return words


def sentences_design(spec: dict, rng: np.random.Generator) -> list[dict]:
    """Passages of one topic each; per condition (`grammatical`, `scrambled`, `nonwords`) its count of passages."""
    out = []
    for condition, passages in spec["conditions"].items():
        for p in range(passages):
            topic = p % len(TOPIC_NAMES)
            for index in range(spec["sentences_per_passage"]):
                words = _sentence(rng, topic, spec)
                if condition == "scrambled":
                    words = grammar.scramble(words, rng)
                elif condition == "nonwords":
                    words = grammar.nonword_string(len(words), rng)
                out.append({"stimulus_id": f"{condition}-{p:03d}-{index}", "words": words, "condition": condition,
                            "topic": TOPIC_NAMES[topic], "passage": f"{condition}-{p:03d}", "sentence_index": index})
    return out


def story_design(spec: dict, rng: np.random.Generator) -> list[dict]:
    """Stories of `fragments` sentences; a story keeps its topic."""
    return [{"stimulus_id": f"story{s}-{f:03d}", "words": _sentence(rng, s % len(TOPIC_NAMES), spec), "condition": "grammatical",
             "topic": TOPIC_NAMES[s % len(TOPIC_NAMES)], "story": f"story{s}", "sentence_index": f}
            for s in range(spec["stories"]) for f in range(spec["fragments"])]


def ecog_design(spec: dict, rng: np.random.Generator) -> list[dict]:
    """Sentences of exactly `words` words; one stimulus per prefix (the words read so far)."""
    n = spec["words"]
    out = []
    for s in range(spec["sentences"]):
        topic = s % len(TOPIC_NAMES)
        words = _sentence(rng, topic, {"min_words": n, "max_words": n})
        out += [{"stimulus_id": f"sentence{s:03d}-word{k + 1}", "words": words[: k + 1], "condition": "grammatical",
                 "topic": TOPIC_NAMES[topic], "sentence": f"sentence{s:03d}", "word_position": k + 1} for k in range(n)]
    return out


DESIGNS = {"sentences": sentences_design, "story": story_design, "ecog": ecog_design, "reading": story_design,
           "next_word": story_design}


# the network -----------------------------------------------------------------------------------------------------
def scalars(stimulus: dict, word_level: bool) -> dict[str, float]:
    """The scalar blocks of one stimulus: surprisal, well-formedness, length."""
    s = grammar.surprisal(stimulus["words"])
    return {"surprisal": float(s[-1] if word_level else s.mean()),
            "well_formedness": grammar.well_formedness(stimulus["words"]),
            "length": float(len(stimulus["words"]))}


def stage(stimuli: list[dict], shares: dict[str, float], word_level: bool = False) -> tuple[np.ndarray, int]:
    """(stimuli, 64 semantic + scalar columns) with each block z-scored and weighted by its share; the 64."""
    semantic = np.array([semantics(s["words"]) for s in stimuli])
    values = [scalars(s, word_level) for s in stimuli]
    blocks = [_zscore(semantic) * np.sqrt(shares["semantic"] / semantic.shape[1])]
    for name in ("surprisal", "well_formedness", "length"):
        column = np.array([v[name] for v in values])[:, None]
        blocks.append(_zscore(column) * np.sqrt(shares[name]) if column.std() > 0 else np.zeros_like(column))
    return np.concatenate(blocks, axis=1), semantic.shape[1]


def declared_stage(generative_model: dict, entries: list[dict]) -> np.ndarray:
    """The stage the recordings of a neural langnet export were generated from, from its stimulus-set entries."""
    stimuli = [{"words": e["words"].split()} for e in entries]
    return stage(stimuli, generative_model["shares"], word_level=generative_model["design"] == "ecog")[0]


def responses(config: dict, features: np.ndarray, n_semantic: int) -> tuple[np.ndarray, list[str]]:
    """(stimuli, subjects x neuroids) single-presentation responses and each neuroid's subject."""
    gen = config["generative_model"]
    rng = np.random.default_rng(config["seed"])
    basis = rng.standard_normal((n_semantic, gen["rank"])) / np.sqrt(n_semantic)
    semantic = features[:, :n_semantic] @ basis
    scalar = features[:, n_semantic:]
    columns, subjects = [], []
    for subject in config["subjects"]:
        n = config["neuroids_per_subject"]
        mu = semantic @ rng.standard_normal((gen["rank"], n)) * np.sqrt(n_semantic / gen["rank"])
        mu = mu + scalar @ (1 + 0.5 * rng.standard_normal((scalar.shape[1], n)))
        mu = _zscore(mu) * gen["signal"]
        columns.append(mu + rng.standard_normal(mu.shape) * np.sqrt(mu.var(0) * (1 / gen["reliability"] - 1)))
        subjects += [subject] * n
    return np.concatenate(columns, axis=1), subjects


def reading_times(config: dict, stimuli: list[dict]) -> tuple[np.ndarray, list[dict]]:
    """(word tokens, subjects) reading times in ms and the tokens (stimulus_id, word_index, word, surprisal)."""
    gen = config["generative_model"]
    rng = np.random.default_rng(config["seed"])
    tokens = [{"stimulus_id": s["stimulus_id"], "word_index": k, "word": w, "surprisal": float(b), "story": s["story"]}
              for s in stimuli for k, (w, b) in enumerate(zip(s["words"], grammar.surprisal(s["words"])))]
    mean = np.array([gen["intercept_ms"] + gen["ms_per_bit"] * t["surprisal"] + gen["ms_per_letter"] * len(t["word"]) for t in tokens])
    offsets = rng.normal(0, gen["subject_sd_ms"], len(config["subjects"]))
    return mean[:, None] + offsets[None, :] + rng.normal(0, gen["noise_sd_ms"], (len(tokens), len(config["subjects"]))), tokens


def generator_log_probabilities(stimuli: list[dict]) -> tuple[np.ndarray, list[dict]]:
    """The generator's own natural-log probability of every word token given the words before it."""
    tokens, values = [], []
    for s in stimuli:
        bits = grammar.surprisal(s["words"])
        tokens += [{"stimulus_id": s["stimulus_id"], "word_index": k, "word": w, "story": s["story"]} for k, w in enumerate(s["words"])]
        values += list(-bits * np.log(2))
    return np.array(values)[:, None], tokens


# files -----------------------------------------------------------------------------------------------------------
def word_presentations(tokens: list[dict]) -> dict[str, list]:
    """Presentation coordinates of word tokens: each word is one presentation of its sentence (repetition = word_index)."""
    return {**{key: [t[key] for t in tokens] for key in ("stimulus_id", "word_index", "word", "story")},
            "repetition": [t["word_index"] for t in tokens]}


def write_assembly(config: dict, data: np.ndarray, presentation: dict, neuroid_ids: list[str], subjects: list[str],
                   method: str, units: str, out: Path) -> Path:
    recordings = xr.DataArray(
        data[:, :, None].astype(np.float32), dims=("presentation", "neuroid", "time_bin"), name="recordings",
        coords={**{key: ("presentation", values) for key, values in presentation.items()},
                "neuroid_id": ("neuroid", neuroid_ids), "region": ("neuroid", ["language"] * len(neuroid_ids)),
                "subject": ("neuroid", subjects),
                "time_bin_start": ("time_bin", [config["recording_window"][0]]),
                "time_bin_end": ("time_bin", [config["recording_window"][1]])},
        attrs={"identifier": config["recordings_identifier"], "species": "Homo sapiens (simulated)", "method": method,
               "units": units, "license": "MIT", "citation": config["citation"], "simulated": 1},
    )
    path = out / "recordings" / "assembly.nc"
    path.parent.mkdir(parents=True, exist_ok=True)
    recordings.to_netcdf(path, engine="h5netcdf", encoding={"recordings": {"zlib": True, "complevel": 4}})
    return path


def write_stimuli(config: dict, stimuli: list[dict], out: Path) -> Path:
    folder = out / "stimuli"
    (folder / "sentences").mkdir(parents=True, exist_ok=True)
    entries = []
    for s in stimuli:
        path = folder / "sentences" / f"{s['stimulus_id']}.txt"
        path.write_text(grammar.text(s["words"]) + "\n", encoding="utf-8")
        extra = {k: v for k, v in s.items() if k not in ("stimulus_id", "words")}
        entries.append({"stimulus_id": s["stimulus_id"], "file": f"sentences/{path.name}", "sha256": builder.sha256(path),
                        "text": grammar.text(s["words"]), "words": " ".join(s["words"]), **extra})
    return builder.write_stimulus_set(config, entries, "text", folder)


def recordings_for(config: dict, stimuli: list[dict], out: Path) -> tuple[Path, dict]:
    """Write the design's recordings; return their path and what the manifest should know of them."""
    design, gen = config["design"], config["generative_model"]
    if design == "reading":
        data, tokens = reading_times(config, stimuli)
        presentation = word_presentations(tokens)
        subjects = config["subjects"]
        path = write_assembly(config, data, presentation, subjects, subjects, "simulated self-paced reading", "ms", out)
        return path, {"expected_ceiling": reading_ceiling(data, tokens, gen)}
    if design == "next_word":
        data, tokens = generator_log_probabilities(stimuli)
        presentation = word_presentations(tokens)
        path = write_assembly(config, data, presentation, ["generator"], ["generator"], "the generator's log-probabilities", "nat", out)
        return path, {"generator_perplexity": float(np.exp(-data.mean())), "words": int(data.size)}
    features, n_semantic = stage(stimuli, gen["shares"], word_level=design == "ecog")
    data, subjects = responses(config, features, n_semantic)
    groups = [k for k in ("condition", "topic", "passage", "story", "sentence", "word_position") if k in stimuli[0]]
    presentation = {"stimulus_id": [s["stimulus_id"] for s in stimuli], "repetition": np.zeros(len(stimuli), dtype=int),
                    **{k: [s[k] for s in stimuli] for k in groups}}
    per = config["neuroids_per_subject"]
    path = write_assembly(config, data, presentation, [f"{subjects[j]}.{config['neuroid_name']}_{j % per:03d}" for j in range(len(subjects))],
                          subjects, config["method"], config["units"], out)
    return path, {"expected_ceiling": float(np.sqrt(gen["reliability"]))}


def reading_ceiling(data: np.ndarray, tokens: list[dict], gen: dict) -> float:
    """The r a perfect model reaches: the correlation of the true mean RT (exact surprisal and letters) with the
    subject-mean RT, whose only other part is noise."""
    truth = np.array([gen["ms_per_bit"] * t["surprisal"] + gen["ms_per_letter"] * len(t["word"]) for t in tokens])
    return float(np.corrcoef(truth, data.mean(1))[0, 1])


def build(config: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    stimuli = DESIGNS[config["design"]](config["stimuli"], np.random.default_rng(config["stimuli"]["seed"]))
    stimulus_set = write_stimuli(config, stimuli, out)
    path, facts = recordings_for(config, stimuli, out)
    manifest = {
        "spec_version": "1.0",
        **{key: config[key] for key in ("identifier", "version", "kind", "region", "modality", "metric", "ceiling",
                                        "normalization", "number_of_trials", "citation", "description") if key in config},
        **({"task": config["task"]} if "task" in config else {}),
        "simulated": True,
        "stimulus_set": {"identifier": config["stimuli"]["identifier"], "path": "stimuli/stimulus_set.json", "sha256": builder.sha256(stimulus_set)},
        "recordings": {"identifier": config["recordings_identifier"], "path": "recordings/assembly.nc", "sha256": builder.sha256(path)},
        "generative_model": {**config["generative_model"], "design": config["design"], "model": __doc__.strip(),
                             "grammar": grammar.__doc__.strip(), "subjects": config["subjects"], "seed": config["seed"], **facts},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest
