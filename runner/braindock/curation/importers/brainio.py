"""Import Brain-Score's brainio standard: stimulus CSV + folder/ZIP of files, and netCDF assemblies.

Each import builds spec/ shaped output in a staging place next to `out`, validates it, and tells the curator
which metadata is still missing, with a YAML sidecar template (spec/v1/metadata-sidecar) to pass back as
`--metadata`. With `write_invalid=False` (the CLI) nothing appears at `out` unless the output is valid.
Recognised on the way: renamed columns, trial-level tables (`deduplicate`), spike-time assemblies (`bins`),
model outputs (refused, saying why), HDF5 groups (carried along).
"""
from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import xarray as xr

from ...contract.assemblies import only_variable, open_netcdf
from ...errors import Problem, UsageError, ValidationError
from ...store import sha256_file
from ..sidecar import absent_dims, entry, load_metadata, section_of, template
from ..validation import Report, validate_path
from ..validation.files import IMAGE_SUFFIXES, unsafe_relative
from ..validation.layouts import (
    activations_problem,
    event_coords,
    event_problem,
    hdf5_groups,
    model_activations,
    probability_matrix,
    probability_problem,
)
from ..validation.netcdf import SCHEMA_OF_KIND, coordinate_dims, ours
from ..validation.stimulus_sets import FILE_COLUMN, ID_COLUMN, check_stimulus_csv

SPEC_VERSION = "1.0"
LEGACY_COORDS = {"image_id": "stimulus_id"}
STIMULUS_SET_FILE = "stimulus_set.json"


@dataclass
class ImportResult:
    """What an import wrote, its validation report, the notes on what the importer changed, what is missing."""

    output: Path
    kind: str
    report: Report
    notes: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (sidecar section, key)
    written: bool = True  # False: invalid, and nothing was put at `output`

    @property
    def template(self) -> str:
        return template(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output), "written": self.written, "kind": self.kind, "notes": self.notes, "valid": self.report.valid,
                "missing_metadata": [f"{s}.{k}" if k else s for s, k in self.missing],
                "metadata_template": self.template, "report": self.report.to_dict()}


def _explain_missing(report: Report, kind: str, metadata_path: str) -> tuple[Report, list[tuple[str, str]]]:
    """Rewrite the fix of every problem the sidecar can solve to name its entry; the template lists them all."""
    coords_on = coordinate_dims(SCHEMA_OF_KIND[kind]) if kind in SCHEMA_OF_KIND else {}
    missing = [m for p in report.problems if (m := section_of(p, coords_on))]
    if not missing:
        return report, []
    problems = []
    for p in report.problems:
        supplied = section_of(p, coords_on)
        if supplied:
            fix = (f"put `{entry(*supplied)}` in {metadata_path} and re-import with --metadata {metadata_path} "
                   "(the template printed below lists every missing entry)")
            p = Problem(p.where, p.code, p.message, fix, p.severity, p.expected, p.found)
        problems.append(p)
    return Report(report.targets, problems, report.facts), missing


def _typed(value: str) -> Any:
    """A CSV cell as brainio (pandas) would read it: int, finite float, empty -> None, else the string."""
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


class _Files:
    """Stimulus files from a folder or a ZIP, by the CSV's relative filename (ZIPs may nest one folder)."""

    def __init__(self, source: Path):
        self.source = source
        try:
            self.zip = zipfile.ZipFile(source) if source.is_file() else None
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError(f"{source} cannot be read as the stimulus files", [Problem(
                str(source), "BAD_ZIP", f"looked for a folder or a ZIP archive of the stimulus files; the ZIP reader said: {exc}",
                "pass --files with the folder holding the files, or a complete .zip (re-download it if it was cut short)")]) from None
        self.members: dict[str, str] = {}
        if self.zip is not None:
            names = [n for n in self.zip.namelist() if not n.endswith("/")]
            for name in names:
                self.members.setdefault(name, name)
            by_base: dict[str, list[str]] = {}
            for name in names:
                by_base.setdefault(PurePosixPath(name).name, []).append(name)
            self.unique_base = {b: ns[0] for b, ns in by_base.items() if len(ns) == 1}

    def copy(self, relative: str, target: Path) -> bool:
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.zip is None:
            source = self.source / relative
            if not source.is_file():
                return False
            shutil.copyfile(source, target)
            return True
        member = self.members.get(relative) or self.unique_base.get(PurePosixPath(relative).name)
        if member is None:
            return False
        with self.zip.open(member) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return True

    def close(self):
        if self.zip is not None:
            self.zip.close()


def _refuse_existing(out: Path, force: bool) -> None:
    if not force and out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} already exists", [Problem(str(out), "OUTPUT_EXISTS", "refusing to overwrite",
                                                           "choose a new --out, or pass --force to replace it")])


def _require_input(path: Path, what: str) -> None:
    if not path.exists():
        raise UsageError(f"{path} does not exist", [Problem(str(path), "FILE_NOT_FOUND", f"looked for the {what}; no such file or folder",
                                                           "check the path")])


def _staged_report(report: Report, staging: Path, out: Path) -> Report:
    """The staging output's report, located at `out` (where the curator will find the file)."""
    old, new = str(staging), str(out)

    def moved(p: Problem) -> Problem:
        return Problem(p.where.replace(old, new), p.code, p.message.replace(old, new), p.fix.replace(old, new),
                       p.severity, p.expected, p.found)
    targets = [{**t, "path": t["path"].replace(old, new)} for t in report.targets]
    return Report(targets, [moved(p) for p in report.problems], {k.replace(old, new): v for k, v in report.facts.items()})


def _install(staging: Path, out: Path, valid: bool, write_invalid: bool) -> bool:
    """Move the staged output into place (replacing what --force allowed); False when it was withheld."""
    if not valid and not write_invalid:
        return False
    if out.is_dir() and not out.is_symlink():
        shutil.rmtree(out)
    elif out.exists():
        out.unlink()
    os.replace(staging, out)
    return True


def _blocking(problems: list[Problem], deduplicate: bool, columns: dict) -> list[Problem]:
    """Errors the importer cannot repair itself (it renames near-miss columns, deduplicates on request and
    reports missing metadata on the output with a template)."""
    repaired = {"MISSING_METADATA"} | ({"TRIAL_LEVEL_TABLE"} if deduplicate else set())
    return [p for p in problems if p.severity == "error" and p.code not in repaired
            and not (p.code == "MISSING_COLUMN" and columns.get(p.where.rsplit(":column ", 1)[-1]))]


def _per_stimulus_rows(rows: list[dict], id_column: str, notes: list[str]) -> list[dict]:
    """One row per stimulus_id (the first); columns whose value differs within an id are dropped (per-trial)."""
    first: dict[str, dict] = {}
    varying: set[str] = set()
    for row in rows:
        seen = first.setdefault(row[id_column].strip(), row)
        varying.update(k for k, v in row.items() if seen.get(k) != v)
    notes.append(f"kept one row per stimulus: {len(first):,} stimuli from {len(rows):,} rows"
                 + (f"; dropped the per-trial columns {', '.join(sorted(varying))}" if varying else "")
                 + "; the repetitions belong in the assembly")
    return [{k: v for k, v in row.items() if k not in varying} for row in first.values()]


def import_stimulus_set(csv_path: str | Path, files: str | Path | None, out: str | Path,
                        metadata: dict | str | Path | None = None, *, deduplicate: bool = False, force: bool = False,
                        write_invalid: bool = True) -> ImportResult:
    """brainio CSV (stimulus_id or legacy image_id or a near-miss name, filename or e.g. stimulus_paths, extra
    columns) + folder or ZIP -> out/stimulus_set.json + files. `deduplicate` turns a trial-level table into its
    stimulus set; `force` replaces an existing `out`; `write_invalid=False` puts nothing at `out` unless valid."""
    csv_path, out = Path(csv_path), Path(out)
    files = Path(files) if files is not None else csv_path.parent
    _require_input(csv_path, "stimulus CSV")
    _require_input(files, "stimulus files (pass --files DIR or ZIP)")
    meta = load_metadata(metadata)
    refused = absent_dims(meta, (), "stimulus-set", str(metadata) if not isinstance(metadata, dict) else "--metadata")
    if refused:
        raise ValidationError("the metadata sidecar holds values a stimulus set has no place for", refused)
    _refuse_existing(out, force)
    checked = check_stimulus_csv(csv_path, check_files=False, metadata=meta)
    columns = checked.facts.get("columns") or {}
    blocking = _blocking(checked.problems, deduplicate, columns)
    if blocking:
        raise ValidationError(f"{csv_path} cannot be imported", blocking)
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = [{(k or "").strip(): v for k, v in row.items()} for row in csv.DictReader(handle)]
    rows = [r for r in rows if any((v or "").strip() for v in r.values() if isinstance(v, str))]
    notes = []
    id_column, file_column = columns[ID_COLUMN], columns[FILE_COLUMN]
    for wanted, used in ((ID_COLUMN, id_column), (FILE_COLUMN, file_column)):
        if used != wanted:
            notes.append(f"read column {used!r} as {wanted}")
    if checked.facts.get("layout") == "trial-table":
        rows = _per_stimulus_rows(rows, id_column, notes)
    attrs = dict(meta.get("attrs") or {})
    if "identifier" not in attrs:
        stem = csv_path.stem
        attrs["identifier"] = stem.removeprefix("image_")
        notes.append(f"identifier {attrs['identifier']!r} taken from the CSV's name (brainio names it image_<identifier>.csv); "
                     "set attrs.identifier in --metadata to change it")
    if "modality" not in attrs and all(PurePosixPath(r[file_column]).suffix.lower() in IMAGE_SUFFIXES for r in rows):
        attrs["modality"] = "image"
        notes.append("modality 'image' because every file has an image suffix")
    constant = meta.get("stimulus") or {}
    out.parent.mkdir(parents=True, exist_ok=True)
    source = _Files(files)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.importing-"))
    try:
        stimuli, missing_files = [], []
        for row in rows:
            sid, relative = row[id_column].strip(), row[file_column].strip().replace("\\", "/")
            if unsafe_relative(relative):
                raise ValidationError(f"{csv_path} names an unsafe path", [Problem(
                    f"{csv_path} [stimulus_id={sid}]", "BAD_PATH", f"{relative!r} is not a plain relative path",
                    "use paths relative to the files folder, without '..'")])
            target = staging / relative
            if not source.copy(relative, target):
                missing_files.append(Problem(f"{csv_path} [stimulus_id={sid}]", "FILE_NOT_FOUND",
                                             f"looked for {relative!r} in {files}; not found", "pass the folder or ZIP that holds every stimulus file"))
                continue
            entry = {"stimulus_id": sid, "file": relative, "sha256": sha256_file(target)}
            for key, value in row.items():
                if key in (id_column, file_column, "sha256", "license", "citation", "visual_degrees") or not key:
                    continue
                entry[key] = _typed(value.strip() if isinstance(value, str) else "")
            entry.update(constant)
            stimuli.append(entry)
        if missing_files:
            raise ValidationError(f"{len(missing_files)} stimulus files are missing", missing_files)
        for key in ("license", "citation", "visual_degrees"):  # a constant column stands for the set's field
            values = {(r.get(key) or "").strip() for r in rows}
            if key not in attrs and key in rows[0] and len(values) == 1 and "" not in values:
                attrs[key] = _typed(values.pop())
                notes.append(f"{key} taken from the CSV's constant {key!r} column")
        document = {"spec_version": SPEC_VERSION, **attrs, "stimuli": stimuli}
        (staging / STIMULUS_SET_FILE).write_text(json.dumps(document, indent=1, ensure_ascii=False))
        report = _staged_report(validate_path(staging / STIMULUS_SET_FILE, kind="stimulus-set"), staging, out)
        # what the CSV check asked for beyond the schema (visual degrees) is asked for again, with the template
        asked = [p for p in checked.problems if p.code == "MISSING_METADATA" and p.severity == "warning"]
        report = Report(report.targets, report.problems + asked, report.facts)
        written = _install(staging, out, report.valid, write_invalid)
    finally:
        source.close()
        shutil.rmtree(staging, ignore_errors=True)
    report, missing = _explain_missing(report, "stimulus-set", "meta.yaml")
    return ImportResult(out, "stimulus-set", report, notes, missing, written)


def _rename_flattened(array: xr.DataArray, notes: list[str]) -> xr.DataArray:
    """brainio's reset_index leaves a dim's own level as '<dim>_' (e.g. choice_): give it the dim's name back."""
    for dim in array.dims:
        flat = f"{dim}_"
        if flat in array.coords and dim not in array.coords and array.coords[flat].dims == (dim,):
            array = array.assign_coords({dim: (dim, array.coords[flat].values)}).drop_vars(flat)
            notes.append(f"renamed flattened coordinate {flat} to {dim}")
    for legacy, name in LEGACY_COORDS.items():
        if legacy in array.coords and name not in array.coords:
            array = array.rename({legacy: name})
            notes.append(f"renamed legacy coordinate {legacy} to {name}")
    return array


def _assembly_kind(array: xr.DataArray) -> str:
    return "behavioral" if "choice" in array.dims or array.dims == ("presentation",) else "neural"


def _repetitions(stimulus_ids: np.ndarray) -> np.ndarray:
    seen: dict[Any, int] = {}
    out = np.empty(len(stimulus_ids), dtype=np.int64)
    for i, sid in enumerate(stimulus_ids):
        out[i] = seen.get(sid, 0)
        seen[sid] = out[i] + 1
    return out


def _neural(array: xr.DataArray, meta: dict, notes: list[str]) -> xr.DataArray:
    bins = meta.get("time_bins")
    if "time_bin" not in array.dims:
        array = array.expand_dims("time_bin", axis=array.ndim)
        notes.append("added a time_bin dimension of one bin (the file had none)")
    if bins and len(bins) != array.sizes["time_bin"]:
        raise ValidationError("the sidecar's time_bins do not fit the assembly", [Problem(
            "--metadata#/time_bins", "ABSENT_DIMENSION", f"looked for {len(bins)} time bin(s) in the file; it has {array.sizes['time_bin']}",
            f"list exactly {array.sizes['time_bin']} [start_ms, end_ms] pair(s)" if "time_bin_start" not in array.coords
            else "remove time_bins: the file has its own time_bin_start/time_bin_end")])
    if bins and "time_bin_start" in array.coords:
        raise ValidationError("the sidecar's time_bins would replace the file's own", [Problem(
            "--metadata#/time_bins", "ABSENT_DIMENSION", "the file already has time_bin_start/time_bin_end; the sidecar's would be ignored",
            "remove time_bins from the sidecar")])
    if bins:
        array = array.assign_coords(time_bin_start=("time_bin", [b[0] for b in bins]), time_bin_end=("time_bin", [b[1] for b in bins]))
    if "repetition" not in array.coords and "stimulus_id" in array.coords and array.coords["stimulus_id"].dims == ("presentation",):
        array = array.assign_coords(repetition=("presentation", _repetitions(array.coords["stimulus_id"].values)))
        notes.append("derived repetition by counting each stimulus_id's presentations in file order (0, 1, ...)")
    order = [d for d in ("presentation", "neuroid", "time_bin") if d in array.dims]
    if len(order) == array.ndim:
        array = array.transpose(*order)
    return array


def parse_bins(text: str) -> list[tuple[float, float]]:
    """'70:170,170:270' -> [(70, 170), (170, 270)] in ms; UsageError naming the bad part."""
    bins = []
    for part in text.split(","):
        try:
            start, end = (float(x) for x in part.split(":"))
        except ValueError:
            start = end = None
        if start is None or not start < end:
            raise UsageError(f"--bin {text!r} is not a list of START:END windows", [Problem(
                "--bin", "BAD_BIN", f"looked for START:END in ms with START < END; found {part!r}", "e.g. --bin 70:170 or --bin 70:120,120:170")])
        bins.append((start, end))
    return bins


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique values in first-appearance order, index of each value into them)."""
    _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return values[np.sort(first)], rank[inverse.ravel()]


def bin_events(array: xr.DataArray, names: dict[str, str], bins: list[tuple[float, float]], notes: list[str]) -> xr.DataArray:
    """A spike-time assembly (one spike per event) -> presentation x neuroid x time_bin firing rates (spikes/s).

    A presentation is one (stimulus_id, trial keys) pair; other event coordinates constant within a presentation
    (or a neuroid) are carried along on it, the rest dropped with a note."""
    coords = array.coords
    times = np.asarray(array.values if names["time"] == "data" else coords[names["time"]].values, dtype=float)
    keys = [names["stimulus_id"]] + [k for k in names["trial"].split(",") if k]
    key_text = np.array(["\x1f".join(map(str, parts)) for parts in zip(*(np.asarray(coords[k].values) for k in keys))])
    presentations, p_index = _codes(key_text)
    neuroids, n_index = _codes(np.asarray(coords[names["neuroid"]].values))
    counts = np.zeros((len(presentations), len(neuroids), len(bins)))
    for b, (start, end) in enumerate(bins):
        hit = (times >= start) & (times < end)
        np.add.at(counts, (p_index[hit], n_index[hit], b), 1)
        counts[:, :, b] /= (end - start) / 1000.0
    first_p = np.unique(p_index, return_index=True)[1]
    first_n = np.unique(n_index, return_index=True)[1]
    out_coords: dict[str, Any] = {"neuroid_id": ("neuroid", [str(n) for n in neuroids]),
                                  "time_bin_start": ("time_bin", [b[0] for b in bins]), "time_bin_end": ("time_bin", [b[1] for b in bins])}
    dropped = []
    for name, coord in coords.items():
        if coord.dims != array.dims or name in (names["time"], names["neuroid"]):
            continue
        values = np.asarray(coord.values)
        target = "stimulus_id" if name == names["stimulus_id"] else name
        if (values == values[first_p][p_index]).all():
            out_coords[target] = ("presentation", values[first_p])
        elif (values == values[first_n][n_index]).all():
            out_coords[target] = ("neuroid", values[first_n])
        else:
            dropped.append(name)
    if not names["trial"]:
        notes.append("no trial or repetition coordinate on the events: each stimulus_id counted as one presentation")
    notes.append(f"binned {len(times):,} spike times into {len(presentations):,} presentations x {len(neuroids):,} neuroids x "
                 f"{len(bins)} time bin(s) {[list(b) for b in bins]} ms, as spikes/s (a presentation without a spike of a neuroid is 0; "
                 "presentations in which no neuroid spiked are not in the file and so not in the output)"
                 + (f"; dropped coordinates that vary within a presentation and a neuroid: {', '.join(dropped)}" if dropped else ""))
    binned = xr.DataArray(counts, dims=("presentation", "neuroid", "time_bin"), coords=out_coords, name="data",
                          attrs={**array.attrs, "units": "spikes/s"})
    return binned


def _layout(array: xr.DataArray, nc_path: Path, bins, notes: list[str]) -> xr.DataArray:
    """Refuse model outputs, bin spike-time assemblies (which need --bin), reject --bin for anything else."""
    where = str(nc_path)
    if probability_matrix(array):
        raise ValidationError(f"{nc_path} holds a model's output, not trials", [probability_problem(where, array)])
    if model_activations(array):
        raise ValidationError(f"{nc_path} holds a model's activations, not recordings", [activations_problem(where, array)])
    names = event_coords(array)
    if names is not None:
        if not bins:
            raise ValidationError(f"{nc_path} is a spike-time assembly; say how to bin it", [event_problem(where, names, array)])
        return bin_events(array, names, bins, notes)
    if bins:
        raise UsageError("--bin is for spike-time (event) assemblies", [Problem(
            "--bin", "BAD_BIN", f"looked for spike times along one event dimension; {nc_path.name} has dims {list(array.dims)}",
            "drop --bin: this assembly is already binned")])
    return array


def _carry_groups(source: Path, target: Path, groups: dict[str, list[str]], notes: list[str]) -> None:
    """Copy the source's HDF5 groups unchanged into the output; ValidationError naming a group that cannot be."""
    import h5py

    with h5py.File(source, "r") as src, h5py.File(target, "a") as dst:
        for name in groups:
            try:
                src.copy(src[name], dst, name=name)
            except (OSError, ValueError, KeyError, RuntimeError) as exc:
                raise ValidationError(f"HDF5 group {name!r} cannot be carried along", [Problem(
                    f"{source}#{name}", "HDF5_GROUP_NOT_COPIED", f"copying group {name!r} failed; the HDF5 library said: {exc}",
                    f"remove group {name!r} from the source (h5py: del f[{name!r}]) if it is not needed, then re-import")]) from None
            notes.append(f"carried HDF5 group {name} ({', '.join(groups[name][:6]) or 'empty'}) along unchanged")


def import_assembly(nc_path: str | Path, out: str | Path, metadata: dict | str | Path | None = None, *,
                    bins: list[tuple[float, float]] | None = None, force: bool = False, write_invalid: bool = True) -> ImportResult:
    """A brainio netCDF assembly -> a spec/ shaped netCDF at `out`, validated. `bins` ([(start_ms, end_ms)])
    bins a spike-time assembly; `force` replaces `out`; `write_invalid=False` puts nothing at `out` unless valid."""
    nc_path, out = Path(nc_path), Path(out)
    _require_input(nc_path, "assembly")
    meta = load_metadata(metadata)
    _refuse_existing(out, force)
    opened: list[Problem] = []
    dataset = open_netcdf(nc_path, lambda p: opened.append(ours(p)))
    array = only_variable(dataset, nc_path, opened.append) if dataset is not None else None
    if array is None:
        if dataset is not None:
            dataset.close()
        raise ValidationError(f"{nc_path} cannot be imported", opened)
    notes: list[str] = []
    with dataset:
        try:
            array = array.load()
        except (OSError, ValueError, RuntimeError, KeyError, TypeError) as exc:  # damaged data blocks
            raise ValidationError(f"{nc_path} cannot be imported", [Problem(
                str(nc_path), "UNREADABLE_NETCDF", f"could not read the data; the reader said: {type(exc).__name__}: {str(exc)[:200]}",
                "re-write the file with xarray (DataArray.to_netcdf)")]) from None
    groups = hdf5_groups(nc_path)
    if str(array.name).startswith("__xarray_dataarray_variable__") or array.name is None:
        notes.append("the data variable was unnamed (__xarray_dataarray_variable__); named it 'data'")
    array = _layout(array, nc_path, bins, notes)
    array.name = "data"
    array = _rename_flattened(array, notes)
    attrs = dict(meta.get("attrs") or {})
    if "identifier" not in attrs and "identifier" not in array.attrs:
        stem = nc_path.stem
        attrs["identifier"] = stem.removeprefix("assy_")
        notes.append(f"identifier {attrs['identifier']!r} taken from the file's name (brainio names it assy_<identifier>.nc); "
                     "set attrs.identifier in --metadata to change it")
    kind = _assembly_kind(array)
    if kind == "neural":
        array = _neural(array, meta, notes)
    refused = absent_dims(meta, tuple(array.dims), kind, str(metadata) if not isinstance(metadata, dict) else "--metadata")
    if kind == "behavioral" and meta.get("time_bins"):
        refused.append(Problem("--metadata#/time_bins", "ABSENT_DIMENSION", "a behavioural assembly has no time_bin dimension",
                               "remove time_bins from the sidecar"))
    if refused:
        raise ValidationError("the metadata sidecar holds values this assembly has no place for", refused)
    for section in ("neuroid", "presentation"):
        for name, value in (meta.get(section) or {}).items():
            array = array.assign_coords({name: (section, [value] * array.sizes[section])})
    array.attrs = {**array.attrs, **attrs}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".nc")
    os.close(fd)
    staging = Path(tmp)
    try:
        array.to_dataset(promote_attrs=True).to_netcdf(staging, engine="h5netcdf")
        if groups:
            _carry_groups(nc_path, staging, groups, notes)
        report = _staged_report(validate_path(staging, kind=kind), staging, out)
        written = _install(staging, out, report.valid, write_invalid)
    finally:
        staging.unlink(missing_ok=True)
    report, missing = _explain_missing(report, kind, "meta.yaml")
    return ImportResult(out, kind, report, notes, missing, written)
