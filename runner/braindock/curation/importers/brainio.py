"""Import Brain-Score's brainio standard: stimulus CSV + folder/ZIP of files, and netCDF assemblies.

Each import writes spec/ shaped output, validates it, and tells the curator which metadata is still
missing, with a YAML sidecar template to pass back as `--metadata`.
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
from ..validation import Report, validate_path
from ..validation.files import IMAGE_SUFFIXES, unsafe_relative
from ..validation.netcdf import SCHEMA_OF_KIND, coordinate_dims
from ..validation.stimulus_sets import FILE_COLUMN, ID_COLUMN, LEGACY_ID_COLUMN, check_stimulus_csv
from .metadata import load_metadata, section_of, template

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

    @property
    def template(self) -> str:
        return template(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output), "kind": self.kind, "notes": self.notes, "valid": self.report.valid,
                "missing_metadata": [f"{s}.{k}" if k else s for s, k in self.missing],
                "metadata_template": self.template, "report": self.report.to_dict()}


def _explain_missing(report: Report, kind: str, metadata_path: str) -> tuple[Report, list[tuple[str, str]]]:
    """Rewrite the fix of every problem metadata can solve to name the sidecar entry, with the template."""
    coords_on = coordinate_dims(SCHEMA_OF_KIND[kind]) if kind in SCHEMA_OF_KIND else {}
    missing = [m for p in report.problems if (m := section_of(p, coords_on))]
    if not missing:
        return report, []
    sidecar = template(missing)
    problems = []
    for p in report.problems:
        entry = section_of(p, coords_on)
        if entry:
            section, key = entry
            what = "time_bins" if section == "time_bins" else f"{section}.{key}"
            fix = (f"supply {what} in a metadata YAML and re-import with --metadata {metadata_path}; template:\n"
                   + "\n".join(f"        {line}" for line in sidecar.splitlines()))
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
        self.zip = zipfile.ZipFile(source) if source.is_file() else None
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


def _fresh_output(out: Path) -> Path:
    """A staging folder next to `out` (renamed into place when complete); `out` must not hold anything yet."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} already exists", [Problem(str(out), "OUTPUT_EXISTS", "refusing to overwrite", "choose a new --out folder")])
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.importing-"))


def import_stimulus_set(csv_path: str | Path, files: str | Path | None, out: str | Path,
                        metadata: dict | str | Path | None = None) -> ImportResult:
    """brainio CSV (stimulus_id or legacy image_id, filename, extra columns) + folder or ZIP -> out/stimulus_set.json + files."""
    csv_path, out = Path(csv_path), Path(out)
    files = Path(files) if files is not None else csv_path.parent
    meta = metadata if isinstance(metadata, dict) else load_metadata(metadata)
    if not files.exists():
        raise UsageError(f"{files} does not exist", [Problem(str(files), "FILE_NOT_FOUND", "stimulus files not found", "pass --files DIR or ZIP")])
    checked = check_stimulus_csv(csv_path, check_files=False)
    blocking = [p for p in checked.problems if p.severity == "error"]
    if blocking:
        raise ValidationError(f"{csv_path} cannot be imported", blocking)
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    notes = []
    id_column = ID_COLUMN if rows and ID_COLUMN in rows[0] else LEGACY_ID_COLUMN
    if id_column == LEGACY_ID_COLUMN:
        notes.append("renamed legacy column image_id to stimulus_id")
    attrs = dict(meta.get("attrs") or {})
    if "identifier" not in attrs:
        stem = csv_path.stem
        attrs["identifier"] = stem[len("image_"):] if stem.startswith("image_") else stem
        notes.append(f"identifier {attrs['identifier']!r} taken from the CSV's name (brainio names it image_<identifier>.csv); "
                     "set attrs.identifier in --metadata to change it")
    if "modality" not in attrs and all(PurePosixPath(r[FILE_COLUMN]).suffix.lower() in IMAGE_SUFFIXES for r in rows):
        attrs["modality"] = "image"
        notes.append("modality 'image' because every file has an image suffix")
    constant = meta.get("stimulus") or {}
    staging = _fresh_output(out)
    source = _Files(files)
    try:
        stimuli, missing_files = [], []
        for row in rows:
            relative = row[FILE_COLUMN].strip().replace("\\", "/")
            if unsafe_relative(relative):
                raise ValidationError(f"{csv_path} names an unsafe path", [Problem(f"{csv_path} [stimulus_id={row[id_column]}]", "BAD_PATH",
                                                                                   f"{relative!r}", "use paths relative to the files folder")])
            target = staging / relative
            if not source.copy(relative, target):
                missing_files.append(Problem(f"{csv_path} [stimulus_id={row[id_column]}]", "FILE_NOT_FOUND",
                                             f"{relative!r} is not in {files}", "pass the folder or ZIP that holds every stimulus file"))
                continue
            entry = {"stimulus_id": row[id_column].strip(), "file": relative, "sha256": sha256_file(target)}
            for key, value in row.items():
                if key in (id_column, FILE_COLUMN, "sha256") or key is None:
                    continue
                entry[key] = _typed(value.strip() if isinstance(value, str) else "")
            entry.update(constant)
            stimuli.append(entry)
        if missing_files:
            raise ValidationError(f"{len(missing_files)} stimulus files are missing", missing_files)
        document = {"spec_version": SPEC_VERSION, **attrs, "stimuli": stimuli}
        (staging / STIMULUS_SET_FILE).write_text(json.dumps(document, indent=1, ensure_ascii=False))
        if out.exists():
            out.rmdir()
        os.rename(staging, out)
    finally:
        source.close()
        shutil.rmtree(staging, ignore_errors=True)
    report = validate_path(out / STIMULUS_SET_FILE, kind="stimulus-set")
    report, missing = _explain_missing(report, "stimulus-set", "meta.yaml")
    return ImportResult(out, "stimulus-set", report, notes, missing)


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
        if bins and len(bins) != 1:
            raise UsageError("time_bins must list exactly one bin for an assembly without a time_bin dimension",
                             [Problem("--metadata#/time_bins", "WRONG_TYPE", f"found {len(bins)} bins", "time_bins: [[70, 170]]")])
    if bins and "time_bin_start" not in array.coords and len(bins) == array.sizes["time_bin"]:
        array = array.assign_coords(time_bin_start=("time_bin", [b[0] for b in bins]), time_bin_end=("time_bin", [b[1] for b in bins]))
    if "repetition" not in array.coords and "stimulus_id" in array.coords and array.coords["stimulus_id"].dims == ("presentation",):
        array = array.assign_coords(repetition=("presentation", _repetitions(array.coords["stimulus_id"].values)))
        notes.append("derived repetition by counting each stimulus_id's presentations in file order (0, 1, ...)")
    order = [d for d in ("presentation", "neuroid", "time_bin") if d in array.dims]
    if len(order) == array.ndim:
        array = array.transpose(*order)
    return array


def import_assembly(nc_path: str | Path, out: str | Path, metadata: dict | str | Path | None = None) -> ImportResult:
    """A brainio netCDF assembly -> a spec/ shaped netCDF at `out`, validated."""
    nc_path, out = Path(nc_path), Path(out)
    meta = metadata if isinstance(metadata, dict) else load_metadata(metadata)
    if out.exists():
        raise UsageError(f"{out} already exists", [Problem(str(out), "OUTPUT_EXISTS", "refusing to overwrite", "choose a new --out path")])
    opened: list[Problem] = []
    dataset = open_netcdf(nc_path, opened.append)
    array = only_variable(dataset, nc_path, opened.append) if dataset is not None else None
    if array is None:
        raise ValidationError(f"{nc_path} cannot be imported", opened)
    notes: list[str] = []
    with dataset:
        array = array.load()
    if str(array.name).startswith("__xarray_dataarray_variable__") or array.name is None:
        notes.append("the data variable was unnamed (__xarray_dataarray_variable__); named it 'data'")
    array.name = "data"
    array = _rename_flattened(array, notes)
    attrs = dict(meta.get("attrs") or {})
    if "identifier" not in attrs and "identifier" not in array.attrs:
        stem = nc_path.stem
        attrs["identifier"] = stem[len("assy_"):] if stem.startswith("assy_") else stem
        notes.append(f"identifier {attrs['identifier']!r} taken from the file's name (brainio names it assy_<identifier>.nc); "
                     "set attrs.identifier in --metadata to change it")
    kind = _assembly_kind(array)
    if kind == "neural":
        array = _neural(array, meta, notes)
    elif "choice" in array.dims:
        notes.append("this is a presentation x choice assembly (e.g. a model's choice probabilities); spec/v1 behavioural "
                     "assemblies hold one trial per presentation with its choice, truth and subject; it cannot be converted without them")
    for section, dim in (("neuroid", "neuroid"), ("presentation", "presentation")):
        for name, value in (meta.get(section) or {}).items():
            if dim in array.dims:
                array = array.assign_coords({name: (dim, [value] * array.sizes[dim])})
    array.attrs = {**array.attrs, **attrs}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".nc")
    os.close(fd)
    try:
        array.to_dataset(promote_attrs=True).to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    report = validate_path(out, kind=kind)
    report, missing = _explain_missing(report, kind, "meta.yaml")
    return ImportResult(out, kind, report, notes, missing)
