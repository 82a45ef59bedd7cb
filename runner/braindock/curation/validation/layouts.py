"""Recognise what a file really holds when it is not the expected layout, and say the way forward.

CSV: a stimulus set under other column names (near misses and Brain-Score's own names), a trial-level table
(one row per presentation), a brainio lookup catalog. netCDF: a model's choice probabilities, a model's
activations, a spike-time (event) assembly, HDF5 groups beside the data.
"""
from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path, PurePosixPath

from ...errors import Problem

# the columns spec/ names, and the names Brain-Score's packaging and labs use for them, most likely first
ALIASES = {
    "stimulus_id": ("image_id", "stimulus", "stim_id", "stimulusid", "image_name", "image", "id"),
    "filename": ("stimulus_paths", "stimulus_path", "image_file_name", "image_path", "image_file", "filepath",
                 "file_path", "file", "path", "stimulus", "image", "image_name"),
}
FILE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".mp4", ".avi", ".txt", ".wav"}
CATALOG_COLUMNS = {"identifier", "lookup_type", "location_type", "location", "sha1"}
TRIAL_COLUMNS = ("repetition", "trial", "trial_id", "rep", "subject", "choice", "response", "rt", "reaction_time", "correct", "session")
TIME_COORDS = ("spike_time", "spike_times", "time", "time_ms", "t")
EVENT_NEUROID_COORDS = ("neuroid_id", "neuron", "unit", "unit_id", "channel")
EVENT_TRIAL_COORDS = ("presentation", "presentation_id", "trial", "trial_id", "repetition")


def _looks_like_files(values: list[str]) -> bool:
    sample = [v for v in values[:200] if v]
    return bool(sample) and sum(PurePosixPath(v).suffix.lower() in FILE_SUFFIXES for v in sample) >= 0.9 * len(sample)


def near_miss(wanted: str, header: list[str], sample: dict[str, list[str]], taken: set[str] = frozenset()) -> str | None:
    """The column most likely meant as `wanted`: a known Brain-Score name, then a close spelling; a file
    column must hold file names and an id column must not."""
    normalized = {h.strip().lower().replace(" ", "_").replace("-", "_"): h for h in header if h not in taken}

    def fits(column: str) -> bool:
        files = _looks_like_files(sample.get(column, []))
        return files if wanted == "filename" else not files or column == "image_id"

    candidates = [normalized[a] for a in ALIASES.get(wanted, ()) if a in normalized]
    candidates += [normalized[m] for m in difflib.get_close_matches(wanted, list(normalized), n=3, cutoff=0.75)]
    if wanted == "filename":
        candidates += [h for h in header if h not in taken and _looks_like_files(sample.get(h, []))]
    return next((c for c in candidates if fits(c)), None)


def is_catalog(header: list[str], rows: list[list[str]]) -> bool:
    """brainio's lookup.csv (identifier, lookup_type, location, sha1, ...) or its S3 version table (packaged
    file names such as image_dicarlo_hvm.csv / assy_*.nc beside a version_id)."""
    if len(CATALOG_COLUMNS & set(header)) >= 4:
        return True
    names = [r[0] for r in rows[:50] if r]
    return "version_id" in header and bool(names) and all(n.startswith(("image_", "assy_", "stimulus_set_")) for n in names)


def catalog_problem(path: Path, header: list[str], rows: list[list[str]]) -> Problem:
    """A brainio lookup catalog: one problem saying what it is and how to get at the data it lists."""
    column = header.index("identifier") if "identifier" in header else 0
    names = [r[column] for r in rows if len(r) > column]
    shown = ", ".join(names[:4]) + (f", ... ({len(names)} in all)" if len(names) > 4 else "")
    return Problem(str(path), "LOOKUP_CATALOG",
                   f"looked for a stimulus set (stimulus_id, filename); this is a brainio lookup catalog: each row points at "
                   f"a packaged dataset file ({shown}), not at a stimulus",
                   "download the file a row names (brainio's `location`, or the S3 object at its version_id), then validate "
                   "or `braindock import brainio` that file (image_*.csv with its .zip, assy_*.nc); the catalog itself is not imported")


def trial_problem(path: Path, id_column: str, ids: list[str], files: list[str | None], header: list[str],
                  varying: list[str]) -> Problem | None:
    """A trial-level table: ids repeat, each always with the same file. None when the repeats conflict."""
    counts = Counter(ids)
    repeated = {sid for sid, n in counts.items() if n > 1}
    if not repeated:
        return None
    file_of: dict[str, set] = {}
    for sid, file in zip(ids, files):
        if sid in repeated:
            file_of.setdefault(sid, set()).add(file)
    if any(len(v) > 1 for v in file_of.values()):
        return None  # the same id names different files: real duplicates, reported row by row
    trial_columns = [c for c in header if c.lower() in TRIAL_COLUMNS]
    per_trial = sorted(set(varying) | set(trial_columns))
    return Problem(
        f"{path}:column {id_column}", "TRIAL_LEVEL_TABLE",
        f"looked for one row per stimulus; found {len(ids):,} rows for {len(counts):,} distinct stimuli "
        f"(up to {max(counts.values())} rows each): a table of presentations (trials), not a stimulus set",
        f"`braindock import brainio {path.name} --deduplicate --out DIR` keeps one row per stimulus"
        + (f" and drops the per-trial columns ({', '.join(per_trial[:8])})" if per_trial else "")
        + "; the repetitions and per-trial values belong in the assembly (one presentation per trial)",
        found=f"{len(ids) - len(counts):,} repeated rows")


# --- netCDF ---------------------------------------------------------------------------------------------

def probability_matrix(array) -> bool:
    """presentation x choice of numbers in [0, 1] whose rows sum to 1: a model's choice probabilities."""
    import numpy as np

    if array.ndim != 2 or "choice" not in array.dims or not np.issubdtype(array.dtype, np.floating) or array.size == 0:
        return False
    values = np.asarray(array.transpose(..., "choice").values[:500])
    finite = values[np.isfinite(values).all(axis=1)]
    return finite.size > 0 and finite.min() >= 0 and finite.max() <= 1 and bool(np.allclose(finite.sum(axis=1), 1, atol=1e-3))


def model_activations(array) -> bool:
    """A model's activations (brainio NeuroidAssembly from model-tools): a `layer` coordinate on neuroid."""
    return "neuroid" in array.dims and "layer" in array.coords and "presentation" not in array.dims


def event_coords(array) -> dict[str, str] | None:
    """For a spike-time (event) assembly, {time, neuroid, trial keys} coordinate names; None otherwise."""
    if array.ndim != 1:
        return None
    dim = array.dims[0]
    on = {name for name, c in array.coords.items() if c.dims == (dim,)}
    time = next((c for c in TIME_COORDS if c in on), None)
    if time is None and (str(array.name) in TIME_COORDS or dim == "event"):
        time = "data"  # the data variable itself holds the spike times
    neuroid = next((c for c in EVENT_NEUROID_COORDS if c in on), None)
    if time is None or neuroid is None or "stimulus_id" not in on and "image_id" not in on:
        return None
    trial = [c for c in EVENT_TRIAL_COORDS if c in on]
    return {"dim": dim, "time": time, "neuroid": neuroid, "stimulus_id": "stimulus_id" if "stimulus_id" in on else "image_id",
            "trial": ",".join(trial)}


def probability_problem(where: str, array) -> Problem:
    return Problem(
        where, "MODEL_OUTPUT_NOT_TRIALS",
        f"looked for behavioural trials (one row per trial with stimulus_id, choice, truth, subject); found "
        f"{array.sizes.get('presentation', array.shape[0]):,} x {array.sizes['choice']} choice probabilities summing to 1 per row: "
        "a model's output, not human (or monkey) trials",
        "a benchmark needs the subjects' trials: one presentation per trial with its stimulus_id, choice, truth and "
        "subject; this file can only serve as a model's expected `probabilities` answer")


def activations_problem(where: str, array) -> Problem:
    layers = sorted({str(v) for v in array.coords["layer"].values.ravel()})[:5]
    return Problem(
        where, "MODEL_OUTPUT_NOT_RECORDINGS",
        f"looked for recordings (presentation x neuroid x time_bin); found a model's activations (dims {list(array.dims)}, "
        f"layer {', '.join(layers)}): not brain data",
        "a benchmark needs recordings from subjects; model activations come from `braindock score` running the model")


def event_problem(where: str, names: dict[str, str], array) -> Problem:
    return Problem(
        where, "EVENT_ASSEMBLY",
        f"looked for presentation x neuroid x time_bin; found {array.size:,} spike times along {names['dim']!r} "
        f"(time in {names['time']!r}, neuroid in {names['neuroid']!r}): a spike-time (event) assembly",
        f"bin it: `braindock import brainio {Path(where.split('#')[0]).name} --bin 70:170 --out binned.nc` counts each "
        "neuroid's spikes per presentation in [start, end) ms windows (several: --bin 70:120,120:170) as spikes/s")


def hdf5_groups(path: Path) -> dict[str, list[str]]:
    """HDF5 groups of a netCDF-4 file beside its root dataset: {group: its variables}; {} when none or unreadable."""
    try:
        import h5py

        with h5py.File(path, "r") as handle:
            return {f"/{name}": sorted(item.keys()) for name, item in handle.items() if isinstance(item, h5py.Group)}
    except (OSError, ValueError, KeyError):
        return {}


def group_problems(path: Path, groups: dict[str, list[str]]) -> list[Problem]:
    return [Problem(f"{path}#{name}", "HDF5_GROUP",
                    f"group {name!r} ({', '.join(variables[:6]) or 'empty'}) is not part of the assembly spec/ reads",
                    "`braindock import brainio` carries it along unchanged into the output (or refuses the import naming it "
                    "if it cannot be copied); delete it there if it is not needed", severity="warning")
            for name, variables in groups.items()]
