"""Real-data benchmarks: Brain-Score's public files -> sha1 check -> brainio import -> export -> container.

`benchmarks/real/benchmarks.yaml` names, per benchmark, the assembly and stimulus set (by brainio identifier)
and Brain-Score's metric settings; `benchmarks/real/catalog.csv` gives each data file's name and sha1 (from
brain-score/vision's and brain-score/language's data registries). Nothing is read before its sha1 matches.
Vision benchmarks read their images from the stimulus-set files; language assemblies carry their own text,
which a recipe's `text` section turns into the stimulus set (`text_stimuli`).
"""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
import yaml

from .catalog import repo_root
from .curation.importers.brainio import import_assembly, import_stimulus_set
from .errors import Problem, UsageError, ValidationError
from .store import sha256_file

REAL = repo_root() / "benchmarks" / "real"
RECIPES = REAL / "benchmarks.yaml"
CATALOG = REAL / "catalog.csv"
SPEC_VERSION = "1.0"


@dataclass(frozen=True)
class CatalogRow:
    identifier: str
    lookup_type: str  # assembly | stimulus_set_csv | stimulus_set_zip
    filename: str
    sha1: str


def load_recipes(path: Path = RECIPES) -> dict[str, dict]:
    return yaml.safe_load(path.read_text())


def recipe(name: str, path: Path = RECIPES) -> dict:
    recipes = load_recipes(path)
    if name not in recipes:
        raise UsageError(f"no real-data benchmark {name!r}", [Problem(str(path), "UNKNOWN_BENCHMARK", f"{name!r} is not defined",
                                                                       f"use one of: {', '.join(sorted(recipes))}")])
    return recipes[name]


def load_catalog(path: Path = CATALOG) -> list[CatalogRow]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    missing = [c for c in ("identifier", "lookup_type", "filename", "sha1") if rows and c not in rows[0]]
    if missing or not rows:
        raise UsageError(f"{path} is not a data catalog", [Problem(str(path), "BAD_CATALOG", f"missing columns {missing} or no rows",
                                                                   "columns: identifier, lookup_type, filename, sha1")])
    return [CatalogRow(r["identifier"], r["lookup_type"], r["filename"], r["sha1"].strip().lower()) for r in rows]


def files_for(identifier: str, lookup_type: str, catalog: list[CatalogRow], catalog_path: Path) -> CatalogRow:
    for row in catalog:
        if row.identifier == identifier and row.lookup_type == lookup_type:
            return row
    raise UsageError(f"{identifier} ({lookup_type}) is not in the catalog", [
        Problem(str(catalog_path), "NOT_IN_CATALOG", f"no row with identifier {identifier!r} and lookup_type {lookup_type!r}",
                "add its filename and sha1 to the catalog (or pass --catalog)")])


def sha1_file(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(rows: list[CatalogRow], source: Path, catalog_path: Path) -> dict[str, Path]:
    """Every row's file exists in `source` with the catalog's sha1; lookup_type+identifier -> path."""
    problems, found = [], {}
    for row in rows:
        path = source / row.filename
        if not path.is_file():
            problems.append(Problem(str(path), "FILE_NOT_FOUND", f"{row.filename} ({row.identifier}) is not in {source}",
                                    "download it from Brain-Score's public bucket into this folder"))
            continue
        actual = sha1_file(path)
        if actual != row.sha1:
            problems.append(Problem(str(path), "SHA1_MISMATCH", f"{row.filename} is not the catalogued {row.identifier}",
                                    f"download it again (a truncated or different version?), or catalog your own file with --catalog; catalog: {catalog_path}",
                                    expected=row.sha1, found=actual))
            continue
        found[f"{row.lookup_type}:{row.identifier}"] = path
    if problems:
        raise ValidationError(f"data files in {source} do not match the catalog; nothing was built", problems)
    return found


def _import_stimuli(csv_path: Path, zip_path: Path, out: Path, identifier: str, citation: str, label_column: str | None,
                    keep: set[str] | None, drop: set[str] | None) -> dict:
    attrs = {"identifier": identifier, "modality": "image", "license": "CC-BY-4.0", "citation": citation}
    result = import_stimulus_set(csv_path, zip_path, out, {"attrs": attrs})
    blocking = [p for p in result.report.problems if p.severity == "error"]
    if blocking:
        raise ValidationError(f"stimulus set {identifier} does not import cleanly", blocking)
    document_path = out / "stimulus_set.json"
    document = json.loads(document_path.read_text())
    stimuli = [s for s in document["stimuli"] if (keep is None or s["stimulus_id"] in keep) and (drop is None or s["stimulus_id"] not in drop)]
    if label_column:
        for entry in stimuli:
            entry["label"] = str(entry[label_column])
    for removed in {s["file"] for s in document["stimuli"]} - {s["file"] for s in stimuli}:
        (out / removed).unlink(missing_ok=True)
    document["stimuli"] = stimuli
    document_path.write_text(json.dumps(document, indent=1, ensure_ascii=False))
    return document


def _assembly(raw: Path, work: Path, spec: dict, identifier: str) -> xr.DataArray:
    """The brainio assembly imported (legacy names fixed), renamed to spec/v1 coordinates, with the recipe's attrs,
    restricted to the recipe's presentations (`select`), neuroids (`drop_nan_neuroids`) and time bins."""
    imported = work / "imported.nc"
    meta: dict[str, Any] = {"attrs": {"identifier": identifier, **spec["attrs"], "citation": spec["citation"]}}
    if spec.get("recording_window"):  # a file without time bins (fMRI, ECoG, reading times): its one window, in ms
        meta["time_bins"] = [spec["recording_window"]]
    import_assembly(raw, imported, meta)
    with xr.open_dataset(imported, engine="h5netcdf") as dataset:
        array = dataset[list(dataset.data_vars)[0]].load()
        array.attrs = {**dataset.attrs, **array.attrs}
    array = array.rename({old: new for old, new in (spec.get("rename_dims") or {}).items() if old in array.dims})
    renames = {old: new for old, new in (spec.get("rename") or {}).items() if old in array.coords and new not in array.coords}
    array = array.rename(renames)
    for new, old in (spec.get("copy") or {}).items():
        array = array.assign_coords({new: array[old]})
    for name, value in (spec.get("constant_neuroid") or {}).items():
        if name not in array.coords and "neuroid" in array.dims:
            array = array.assign_coords({name: ("neuroid", [value] * array.sizes["neuroid"])})
    for name, value in (spec.get("select") or {}).items():
        array = array.isel(presentation=np.flatnonzero(np.asarray(array[name].values).astype(str) == str(value)))
    if spec.get("drop_nan_neuroids"):  # Brain-Score's dropna("neuroid"): subjects who did not do the selected part
        other = tuple(d for d in array.dims if d != "neuroid")
        array = array.isel(neuroid=np.flatnonzero(~np.isnan(array.values).any(axis=tuple(array.dims.index(d) for d in other))))
    if spec["kind"] == "neural" and "time_bin" in array.dims and spec.get("time_bins"):
        starts = np.asarray(array["time_bin_start"].values, dtype=float)
        wanted = [i for i, s in enumerate(starts) if [s, float(array["time_bin_end"].values[i])] in [[float(a), float(b)] for a, b in spec["time_bins"]]]
        array = array.isel(time_bin=wanted)
    for name in ("neuroid_id", "subject"):  # brainio files may number them (Fedorenko2016: ints)
        if name in array.coords and not np.issubdtype(array[name].dtype, np.str_):
            array = array.assign_coords({name: (array[name].dims, np.asarray(array[name].values).astype(str))})
    return array.transpose(*[d for d in ("presentation", "neuroid", "time_bin") if d in array.dims], ...)


def _json_value(value: Any) -> Any:
    """A coordinate value as a stimulus-set column (str, int, float, bool; NaN as null)."""
    value = value.item() if isinstance(value, np.generic) else value
    return None if isinstance(value, float) and np.isnan(value) else value


def _rows_of(keys: np.ndarray) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        rows.setdefault(str(key), []).append(i)
    return rows


def text_stimuli(array: xr.DataArray, text: dict) -> tuple[xr.DataArray, list[dict]]:
    """A language assembly's own text as stimuli: (recordings re-keyed to them, [{stimulus_id, text, words, ...}]).

    layout `sentence`: one stimulus per presentation, its text the `column` coordinate (Pereira2018, Blank2014);
    `prefix`: one per presentation, the words (`column`) of its sentence (`group`) so far in `order` (Fedorenko2016,
    as the simulated ECoG design); `tokens`: one per sentence, its words the presentations in `order`, which get the
    sentence's stimulus_id, word_index (0-based) and repetition = word_index (Futrell2018, as the simulated reading
    design). Presentation coordinates constant within a stimulus become its columns."""
    layout, column = text["layout"], np.asarray(array[text["column"]].values).astype(str)
    n = array.sizes["presentation"]
    if layout == "sentence":
        keys = np.asarray(array["stimulus_id"].values).astype(str)
        members = _rows_of(keys)
        words = {key: column[rows[0]].split() for key, rows in members.items()}
    elif layout in ("prefix", "tokens"):
        groups = [".".join(parts) for parts in zip(*(np.asarray(array[g].values).astype(str) for g in text["group"]))]
        order = np.asarray(array[text["order"]].values)
        sentences: dict[str, list[int]] = {}
        for i in np.argsort(order, kind="stable"):
            sentences.setdefault(groups[i], []).append(int(i))
        if layout == "tokens":
            keys, members = np.asarray(groups), sentences
            words = {key: [column[i] for i in rows] for key, rows in sentences.items()}
            position = np.empty(n, dtype=np.int64)
            for rows in sentences.values():
                position[rows] = np.arange(len(rows))
            array = array.assign_coords(stimulus_id=("presentation", keys), word_index=("presentation", position),
                                        repetition=("presentation", position), word=("presentation", column))
        else:
            keys = np.asarray(array["stimulus_id"].values).astype(str)
            members = _rows_of(keys)
            words = {}
            for rows in sentences.values():
                for k, i in enumerate(rows):
                    words[keys[i]] = [column[j] for j in rows[: k + 1]]
    else:
        raise UsageError(f"unknown text layout {layout!r}", [Problem("benchmarks.yaml#/text/layout", "BAD_RECIPE", f"layout {layout!r}",
                                                                   "use one of: sentence, prefix, tokens")])
    array = array.assign_coords(stimulus_id=("presentation", np.asarray(keys).astype(str)))
    skip = {"stimulus_id", "repetition", "word_index", text["column"]}
    columns = {name: np.asarray(coord.values) for name, coord in array.coords.items() if coord.dims == ("presentation",) and name not in skip}
    entries = []
    for key, rows in members.items():
        constant = {name: _json_value(values[rows[0]]) for name, values in columns.items() if (values[rows] == values[rows[0]]).all()}
        sentence = column[rows[0]].strip() if layout == "sentence" else " ".join(words[key])
        entries.append({"stimulus_id": key, "text": sentence, "words": " ".join(words[key]), **constant})
    return array, entries


def _write_text_stimuli(entries: list[dict], out: Path, identifier: str, citation: str, license_: str) -> dict:
    """stimulus_set.json (modality text) + one .txt per stimulus, laid out as the simulated language benchmarks' are."""
    (out / "sentences").mkdir(parents=True)
    stimuli = []
    for k, entry in enumerate(entries):
        path = out / "sentences" / f"{k:05d}.txt"
        path.write_text(entry["text"] + "\n", encoding="utf-8")
        stimuli.append({"stimulus_id": entry["stimulus_id"], "file": f"sentences/{path.name}", "sha256": sha256_file(path),
                        **{key: value for key, value in entry.items() if key != "stimulus_id"}})
    document = {"spec_version": SPEC_VERSION, "identifier": identifier, "modality": "text", "license": license_,
                "citation": citation, "description": "The text the assembly carries, one file per stimulus.", "stimuli": stimuli}
    (out / "stimulus_set.json").write_text(json.dumps(document, indent=1, ensure_ascii=False))
    return document


def prepare_export(name: str, source: Path, out: Path, catalog_path: Path = CATALOG, recipes_path: Path = RECIPES) -> dict:
    """Check sha1s, import, and write a benchmark export for real-data benchmark `name` into `out`; its manifest."""
    spec = recipe(name, recipes_path)
    catalog = load_catalog(catalog_path)
    rows = [files_for(spec["assembly"], "assembly", catalog, catalog_path)]
    sets = [spec[key] for key in ("stimulus_set", "fitting_stimulus_set") if spec.get(key)]
    for identifier in dict.fromkeys(sets):
        rows += [files_for(identifier, kind, catalog, catalog_path) for kind in ("stimulus_set_csv", "stimulus_set_zip")]
    paths = verify(rows, Path(source), catalog_path)
    out.mkdir(parents=True, exist_ok=False)
    work = Path(tempfile.mkdtemp(prefix=".import-", dir=out.parent))
    try:
        array = _assembly(paths[f"assembly:{spec['assembly']}"], work, spec, spec["assembly"])
        files = lambda identifier: (paths[f"stimulus_set_csv:{identifier}"], paths[f"stimulus_set_zip:{identifier}"])
        if spec.get("text"):  # language: the assembly's own text is the stimulus set
            stimulus_set_id = f"{name}.stimuli"
            array, entries = text_stimuli(array, spec["text"])
            for coord, values in (spec.get("exclude") or {}).items():  # after the text: excluded words stay context
                array = array.isel(presentation=np.flatnonzero(~np.isin(np.asarray(array[coord].values), values)))
            used = set(np.asarray(array["stimulus_id"].values).astype(str).tolist())
            stimulus_set = _write_text_stimuli([e for e in entries if e["stimulus_id"] in used], out / "stimuli", stimulus_set_id,
                                               spec["citation"], spec["attrs"]["license"])
            source_text = f"Brain-Score's public {spec['assembly']} (its own text as stimuli)"
        else:
            stimulus_set_id = spec["stimulus_set"]
            used = {str(s) for s in np.asarray(array["stimulus_id"].values).tolist()}
            stimulus_set = _import_stimuli(*files(spec["stimulus_set"]), out / "stimuli", spec["stimulus_set"], spec["citation"],
                                           None, used, None)
            source_text = f"Brain-Score's public {spec['assembly']} on {spec['stimulus_set']}"
        manifest = {
            "spec_version": SPEC_VERSION, "identifier": name, "version": "1.0.0", "kind": spec["kind"], "region": spec["region"],
            "modality": spec.get("modality", "image"), "metric": spec["metric"], "ceiling": spec["ceiling"],
            "normalization": spec["normalization"], "number_of_trials": spec["number_of_trials"], "citation": spec["citation"],
            "description": f"{name}: {source_text}, with Brain-Score's metric settings.",
            "simulated": False,
            "stimulus_set": {"identifier": stimulus_set_id, "path": "stimuli/stimulus_set.json",
                             "sha256": sha256_file(out / "stimuli" / "stimulus_set.json")},
        }
        for key in ("visual_degrees", "time_bins", "task"):
            if spec.get(key):
                manifest[key] = spec[key]
        if spec.get("fitting_stimulus_set"):
            _import_stimuli(*files(spec["fitting_stimulus_set"]), out / "fitting_stimuli", f"{spec['fitting_stimulus_set']}.fitting",
                            spec["citation"], spec["label_column"], None, {s["stimulus_id"] for s in stimulus_set["stimuli"]})
            manifest["fitting_stimulus_set"] = {"identifier": f"{spec['fitting_stimulus_set']}.fitting", "path": "fitting_stimuli/stimulus_set.json",
                                                "sha256": sha256_file(out / "fitting_stimuli" / "stimulus_set.json")}
        recordings = out / "recordings" / "assembly.nc"
        recordings.parent.mkdir(parents=True)
        array.name = "choices" if spec["kind"] == "behavioral" else "recordings"
        array.to_netcdf(recordings, engine="h5netcdf")
        manifest["recordings"] = {"identifier": spec["assembly"], "path": "recordings/assembly.nc", "sha256": sha256_file(recordings)}
        manifest["source_files"] = {row.filename: {"identifier": row.identifier, "sha1": row.sha1} for row in rows}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    from .curation.validation import validate_benchmark_export

    problems = [p for p in validate_benchmark_export(out) if p.severity == "error"]
    if problems:
        raise ValidationError(f"the export built for {name} does not meet spec/v1", problems)
    return manifest


def build_context(export: Path, context: Path) -> Path:
    """A build context: the generic Dockerfile, the entrypoint, and the export (readable by the container's user)."""
    context.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REAL / "Dockerfile", context / "Dockerfile")
    shutil.copyfile(repo_root() / "benchmarks" / "simulation" / "entry.py", context / "entry.py")
    if export != context / "export":
        shutil.copytree(export, context / "export")
    for path in [context, *context.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return context


def default_tag(name: str) -> str:
    return "braindock/benchmark-real-" + "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") + ":1.0.0"


def build(engine: Any, name: str, source: Path, work_dir: Path, tag: str | None = None, catalog_path: Path = CATALOG) -> tuple[str, dict]:
    """prepare_export + build the generic container; the tag and the manifest."""
    work_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="real-benchmark-", dir=work_dir))
    try:
        manifest = prepare_export(name, source, staging / "export", catalog_path)
        build_context(staging / "export", staging)
        tag = tag or default_tag(name)
        engine.build(staging, tag)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tag, manifest
