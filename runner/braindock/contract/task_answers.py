"""A model's own answer to a behavioural task (response.json#/behavior), checked against the request.

Each reader returns a labelled DataArray for the task's metric, or raises ResponseError listing every
problem with its JSON path (stimulus_id, triplet index): missing, unknown or out-of-set answers.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import Problem, ResponseError
from .constants import POSITIONS

SUM_TOLERANCE = 1e-3
MAX_PROBLEMS = 20


def _answered(response: dict, request: dict, key: str, kind: type, who: str, fix: str):
    where = f"{who} response.json#/behavior/{key}"
    answered = (response.get("behavior") or {}).get(key)
    if not isinstance(answered, kind):
        raise ResponseError(f"{who}: no {key.replace('_', '-')} answer", [
            Problem(where, "MISSING_BEHAVIOR", f"task {request['task']['name']} was asked but behavior.{key} is missing", fix)])
    return answered, where


def _missing(answered: dict, ids: list[str], where: str) -> list[Problem]:
    missing = [i for i in ids if i not in answered]
    return [Problem(where, "MISSING_STIMULUS", f"{len(missing)} stimuli have no answer, e.g. {missing[0]!r}",
                    "answer every stimulus of the request")] if missing else []


def _raise_if(problems: list[Problem], who: str) -> None:
    if problems:
        raise ResponseError(f"{who}: behavioural response breaks the contract", problems[:MAX_PROBLEMS])


def read_probabilities(response: dict, request: dict, who: str) -> xr.DataArray:
    """behavior.probabilities as (presentation, choice), after checking every stimulus, label and sum."""
    answered, where = _answered(response, request, "probabilities", dict, who,
                                "answer behavior.probabilities[stimulus_id] = {label: p, ...} for every stimulus")
    labels = request["task"]["labels"]
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    problems = _missing(answered, ids, where)
    values = np.full((len(ids), len(labels)), np.nan)
    for row, stimulus_id in enumerate(ids):
        given = answered.get(stimulus_id)
        if given is None:
            continue
        if sorted(given) != labels:
            problems.append(Problem(f"{where}/{stimulus_id}", "WRONG_LABELS", "the labels differ from the task's",
                                    "give one probability per task label", expected=str(labels), found=str(sorted(given))))
            continue
        values[row] = [given[label] for label in labels]
        total = values[row].sum()
        if not np.isfinite(total) or abs(total - 1) > SUM_TOLERANCE:
            problems.append(Problem(f"{where}/{stimulus_id}", "PROBABILITIES_SUM", f"probabilities sum to {total}",
                                    "normalise each stimulus's probabilities to sum to 1"))
    _raise_if(problems, who)
    return xr.DataArray(values, dims=("presentation", "choice"),
                        coords={"stimulus_id": ("presentation", ids), "choice": ("choice", labels)})


def read_choices(response: dict, request: dict, who: str) -> xr.DataArray:
    """behavior.choices (task label) as (presentation,) labels, after checking every stimulus and label."""
    answered, where = _answered(response, request, "choices", dict, who,
                                "answer behavior.choices[stimulus_id] = one of the task's labels, for every stimulus")
    labels = set(request["task"]["labels"])
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    problems = _missing(answered, ids, where)
    problems += [Problem(f"{where}/{stimulus_id}", "UNKNOWN_LABEL", f"{answered[stimulus_id]!r} is not one of the task's labels",
                         "choose one of request.task.labels", expected=str(sorted(labels)), found=repr(answered[stimulus_id]))
                 for stimulus_id in ids if stimulus_id in answered and answered[stimulus_id] not in labels]
    _raise_if(problems, who)
    return xr.DataArray(np.array([answered[i] for i in ids], dtype=object), dims=("presentation",),
                        coords={"stimulus_id": ("presentation", ids)})


def triplet_array(choices: list[str], triplets: list[list[str]]) -> xr.DataArray:
    """Odd-one-out choices per triplet with the triplet's ids as coordinates (what the metric reads)."""
    columns = np.array(triplets, dtype=object).reshape(-1, 3)
    return xr.DataArray(np.array(choices, dtype=object), dims=("triplet",),
                        coords={name: ("triplet", columns[:, i]) for i, name in enumerate(POSITIONS)})


def read_odd_one_out(response: dict, request: dict, who: str) -> xr.DataArray:
    """behavior.odd_one_out as (triplet,) chosen ids, after checking one answer per triplet, within it."""
    answered, where = _answered(response, request, "odd_one_out", list, who,
                                "answer behavior.odd_one_out = [the odd stimulus_id of each triplet, in request order]")
    triplets = request["task"]["triplets"]
    if len(answered) != len(triplets):
        _raise_if([Problem(where, "WRONG_COUNT", "one answer per triplet, in request order", "answer every triplet once",
                           expected=str(len(triplets)), found=str(len(answered)))], who)
    _raise_if([Problem(f"{where}/{i}", "NOT_IN_TRIPLET", f"{choice!r} is not one of triplet {i}",
                       "answer with one of the triplet's three stimulus_ids", expected=str(triplet), found=repr(choice))
               for i, (choice, triplet) in enumerate(zip(answered, triplets)) if choice not in triplet], who)
    return triplet_array(answered, triplets)


PUNCTUATION = ".,;:!?\"'()"
LOG_PROBABILITY_TOLERANCE = 1e-6


def words_of(text: str) -> list[str]:
    """The words of a text as task next_word counts them: split on whitespace, lower case, punctuation trimmed."""
    return [w for w in (token.lower().strip(PUNCTUATION) for token in text.split()) if w]


def next_word_task(stimuli: list[dict]) -> dict:
    """Task next_word for text stimuli: each stimulus's words (from its `text`)."""
    return {"name": "next_word", "words": {s["stimulus_id"]: words_of(s["text"]) for s in stimuli}}


def read_next_word(response: dict, request: dict, who: str) -> xr.DataArray:
    """behavior.next_word as (word,) natural-log probabilities with stimulus_id, word_index and word coordinates,
    after checking one finite log-probability <= 0 per request word of every stimulus."""
    answered, where = _answered(response, request, "next_word", dict, who,
                                "answer behavior.next_word[stimulus_id] = [ln p(word | words before it), ...] for every stimulus")
    words = request["task"]["words"]
    ids = [s["stimulus_id"] for s in request["stimuli"]]
    problems = _missing(answered, ids, where)
    for stimulus_id in ids:
        given = answered.get(stimulus_id)
        if given is None:
            continue
        if not isinstance(given, list) or len(given) != len(words[stimulus_id]):
            problems.append(Problem(f"{where}/{stimulus_id}", "WRONG_COUNT", "one log-probability per word of the request",
                                    "answer every word of request.task.words[stimulus_id], in order",
                                    expected=str(len(words[stimulus_id])), found=str(len(given) if isinstance(given, list) else type(given).__name__)))
            continue
        bad = [v for v in given if not isinstance(v, (int, float)) or isinstance(v, bool) or not np.isfinite(v) or v > LOG_PROBABILITY_TOLERANCE]
        if bad:
            problems.append(Problem(f"{where}/{stimulus_id}", "BAD_LOG_PROBABILITY", f"{len(bad)} values are not finite natural-log probabilities <= 0",
                                    "give every word, even one the model has never seen, a probability in (0, 1] as a natural log",
                                    found=repr(bad[:3])))
    _raise_if(problems, who)
    rows = [(i, k, w, float(v)) for i in ids for k, (w, v) in enumerate(zip(words[i], answered[i]))]
    return xr.DataArray(np.array([r[3] for r in rows]), dims=("word",),
                        coords={"stimulus_id": ("word", [r[0] for r in rows]), "word_index": ("word", [r[1] for r in rows]),
                                "word": ("word", [r[2] for r in rows])})


READERS = {"probabilities": read_probabilities, "label": read_choices, "odd_one_out": read_odd_one_out,
           "next_word": read_next_word}


def read_answer(response: dict, request: dict, who: str) -> xr.DataArray:
    """The model's checked answer to the request's task (which must not be null)."""
    return READERS[request["task"]["name"]](response, request, who)
