"""A whole exported benchmark folder: manifest.json + the stimulus set + recordings it names, cross-checked."""
from __future__ import annotations

from pathlib import Path

from ...contract.constants import BEHAVIORAL_TASKS, POSITIONS
from ...errors import Problem
from .checked import Checked
from .files import inspect, unsafe_relative
from ...contract.benchmark import stratify_columns
from .manifests import check_manifest
from .netcdf import check_assembly
from .stimulus_sets import check_stimulus_json

MANIFEST = "manifest.json"
UNKNOWN_ID_LIMIT = 10
REPETITION_CEILINGS = ("split", "internal", "consistency", "reliability")


def _referenced(folder: Path, manifest_path: Path, manifest: dict, key: str, out: Checked) -> Path | None:
    """The file manifest[key] names, if its path is usable, it exists and its sha256 matches."""
    entry = manifest.get(key)
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        return None  # the schema already reported it
    relative = entry["path"]
    if unsafe_relative(relative):
        return None  # the schema's relative_path pattern reported it
    path = folder / relative
    facts = inspect(path, want_hash=True, want_image=False)
    if not facts.exists:
        out.add(Problem(f"{manifest_path}#/{key}/path", "FILE_NOT_FOUND", f"{relative!r} does not exist in the export",
                        f"write it to {path} or correct the path", found=str(path)))
        return None
    if facts.error:
        out.add(Problem(f"{manifest_path}#/{key}/path", "FILE_UNREADABLE", facts.error, "check permissions"))
        return None
    expected = entry.get("sha256")
    if isinstance(expected, str) and facts.sha256 != expected:
        out.add(Problem(f"{manifest_path}#/{key}/sha256", "SHA256_MISMATCH", f"sha256 of {relative!r} does not match the manifest",
                        "re-export, or set the manifest's sha256 to the file's (sha256sum FILE)", expected=expected, found=facts.sha256))
    return path


def check_export(folder: Path) -> Checked:
    """Every problem of an export folder, with facts from its parts."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    out = Checked()
    if not manifest_path.is_file():
        out.add(Problem(str(manifest_path), "FILE_NOT_FOUND", "the export has no manifest.json",
                        "a benchmark container's `export` writes manifest.json at the root of /output"))
        return out
    checked, manifest = check_manifest(manifest_path)
    out.add(*checked.problems)
    out.facts["manifest"] = checked.facts
    if not isinstance(manifest, dict):
        return out

    stimulus_set = None
    path = _referenced(folder, manifest_path, manifest, "stimulus_set", out)
    if path is not None:
        stimulus_set = check_stimulus_json(path)
        out.add(*stimulus_set.problems)
        out.facts["stimulus_set"] = stimulus_set.facts
    path = _referenced(folder, manifest_path, manifest, "fitting_stimulus_set", out)
    if path is not None:
        fitting = check_stimulus_json(path)
        out.add(*fitting.problems)
        out.facts["fitting_stimulus_set"] = fitting.facts

    kind = assembly_kind(manifest)
    recordings = None
    path = _referenced(folder, manifest_path, manifest, "recordings", out)
    if path is not None:
        recordings = check_assembly(path, kind)
        out.add(*(_escalate(_unread_words(p, manifest, recordings), manifest) for p in recordings.problems))
        out.facts["recordings"] = recordings.facts
        out.add(*_cross_check(path, recordings, stimulus_set))
        out.add(*_time_bins(manifest_path, manifest, recordings))
    out.add(*_stratification(manifest_path, manifest, stimulus_set, recordings))
    if kind == "behavioral":
        out.add(*_task_data(manifest_path, manifest, recordings))
    return out


def assembly_kind(manifest: dict) -> str:
    """What the recordings are: trials (behavioral) for a behavioural benchmark or an engineering one whose task is
    answered per stimulus or triplet (label: the generator's labels); otherwise neural-shaped (reading times and
    next-word log-probabilities are per word and subject)."""
    kind, task = manifest.get("kind"), manifest.get("task")
    return "behavioral" if kind == "behavioral" or (kind == "engineering" and task in BEHAVIORAL_TASKS) else "neural"


def _task_data(manifest_path: Path, manifest: dict, recordings: Checked | None) -> list[Problem]:
    """odd_one_out needs triplet trials, the other tasks choice trials (fitting stimuli: the manifest schema)."""
    task = manifest.get("task")
    triplet_trials = recordings is not None and set(POSITIONS) <= recordings.columns
    if recordings is None or not isinstance(task, str) or (task == "odd_one_out") == triplet_trials:
        return []
    return [Problem(f"{manifest_path}#/task", "TASK_DATA_MISMATCH",
                    f"task {task!r} but the recordings are {'triplet' if triplet_trials else 'choice'} trials",
                    "odd_one_out trials name stimulus_id_1..3 and the chosen stimulus_id; label/probabilities "
                    "trials name stimulus_id, truth and choice", expected=task,
                    found="stimulus_id_1..3" if triplet_trials else "stimulus_id")]


def _escalate(problem: Problem, manifest: dict) -> Problem:
    """Too few repetitions is an error when the manifest's own ceiling splits repetitions."""
    method = str((manifest.get("ceiling") or {}).get("method", "")).lower() if isinstance(manifest.get("ceiling"), dict) else ""
    if problem.code == "REPETITIONS_TOO_FEW_FOR_CEILING" and any(word in method for word in REPETITION_CEILINGS):
        return Problem(problem.where, problem.code, problem.message + f" (ceiling method {method!r})", problem.fix,
                       "error", problem.expected, problem.found)
    return problem


def _unread_words(problem: Problem, manifest: dict, recordings: Checked) -> Problem:
    """Reading times are NaN where a reader did not read a word (Natural Stories: each reader read some stories), and
    the reading-time metrics average the readers who did: a warning there, unless a value is infinite."""
    if problem.code != "NAN_IN_DATA" or manifest.get("kind") != "reading_times" or recordings.facts.get("inf_values", 0):
        return problem
    return Problem(problem.where, problem.code, problem.message + " (readers who did not read these words; the reading-time "
                   "metrics average the readers who did)", problem.fix, "warning", problem.expected, problem.found)


def _cross_check(recordings_path: Path, recordings: Checked, stimulus_set: Checked | None) -> list[Problem]:
    if stimulus_set is None or stimulus_set.stimulus_ids is None or recordings.stimulus_ids is None:
        return []
    unknown = sorted(recordings.stimulus_ids - stimulus_set.stimulus_ids)
    problems = [
        Problem(f"{recordings_path}#/coords/stimulus_id [stimulus_id={sid}]", "UNKNOWN_STIMULUS_ID",
                f"recordings use stimulus_id {sid!r}, which the stimulus set does not list",
                "add the stimulus to stimulus_set.json or drop its presentations")
        for sid in unknown[:UNKNOWN_ID_LIMIT]
    ]
    if len(unknown) > UNKNOWN_ID_LIMIT:
        problems.append(Problem(f"{recordings_path}#/coords/stimulus_id", "UNKNOWN_STIMULUS_ID",
                                f"and {len(unknown) - UNKNOWN_ID_LIMIT} more stimulus_ids missing from the stimulus set",
                                "export the stimulus set the recordings were made with", found=f"{len(unknown)} unknown in total"))
    unused = stimulus_set.stimulus_ids - recordings.stimulus_ids
    if unused:
        problems.append(Problem(f"{recordings_path}#/coords/stimulus_id", "STIMULUS_NOT_RECORDED",
                                f"{len(unused)} stimuli of the stimulus set never appear in the recordings (e.g. {min(unused)!r})",
                                "drop them from the stimulus set or add their recordings", severity="warning"))
    return problems


def _time_bins(manifest_path: Path, manifest: dict, recordings: Checked) -> list[Problem]:
    wanted, have = manifest.get("time_bins"), recordings.facts.get("time_bins")
    if not isinstance(wanted, list) or have is None:
        return []
    try:
        wanted_floats = [[float(a), float(b)] for a, b in wanted]
    except (TypeError, ValueError):
        return []  # the schema reported the shape
    missing = [bin_ for bin_ in wanted_floats if bin_ not in have]
    return [Problem(f"{manifest_path}#/time_bins", "TIME_BIN_NOT_RECORDED", f"time bin {bin_} is not in the recordings",
                    "list only time bins the recordings have", expected=str(have)) for bin_ in missing]


def _stratification(manifest_path: Path, manifest: dict, stimulus_set: Checked | None, recordings: Checked | None) -> list[Problem]:
    available: set[str] = set()
    for part in (stimulus_set, recordings):
        if part is not None:
            available |= part.columns
    if stimulus_set is None and recordings is None:
        return []
    return [
        Problem(f"{manifest_path}#{location}", "STRATIFY_COLUMN_MISSING",
                f"the metric groups by {column!r}, which neither the stimulus set nor the recordings have",
                f"add a {column!r} column to every stimulus in stimulus_set.json, or a {column!r} coordinate on presentation",
                expected=f"one of {sorted(available)[:20]}")
        for location, column in stratify_columns(manifest) if column not in available
    ]


def validate_benchmark_export(folder: str | Path) -> list[Problem]:
    """Every problem of a benchmark export folder (manifest, stimulus set + files + hashes, recordings header,
    NaN, coordinate lengths, stimulus_id cross-check, behaviour), sorted; empty when it can be ingested.

    Problems with severity 'warning' do not block ingest; callers keep those with severity 'error'.
    """
    return sorted(set(check_export(Path(folder)).problems))
