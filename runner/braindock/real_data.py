"""Real-data benchmarks: Brain-Score's public files -> sha1 check -> brainio import -> export -> container.

`benchmarks/real/benchmarks.yaml` names, per benchmark, the assembly and stimulus set (by brainio identifier)
and Brain-Score's metric settings; `benchmarks/real/catalog.csv` gives each data file's name and sha1 (from
brain-score/vision's data registry). Nothing is read before its sha1 matches.
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
    """The brainio assembly imported (legacy names fixed), renamed to spec/v1 coordinates, with the recipe's attrs."""
    imported = work / "imported.nc"
    import_assembly(raw, imported, {"attrs": {"identifier": identifier, **spec["attrs"], "citation": spec["citation"]}})
    with xr.open_dataset(imported, engine="h5netcdf") as dataset:
        array = dataset[list(dataset.data_vars)[0]].load()
        array.attrs = {**dataset.attrs, **array.attrs}
    renames = {old: new for old, new in (spec.get("rename") or {}).items() if old in array.coords and new not in array.coords}
    array = array.rename(renames)
    for name, value in (spec.get("constant_neuroid") or {}).items():
        if name not in array.coords and "neuroid" in array.dims:
            array = array.assign_coords({name: ("neuroid", [value] * array.sizes["neuroid"])})
    if spec["kind"] == "neural" and "time_bin" in array.dims and spec.get("time_bins"):
        starts = np.asarray(array["time_bin_start"].values, dtype=float)
        wanted = [i for i, s in enumerate(starts) if [s, float(array["time_bin_end"].values[i])] in [[float(a), float(b)] for a, b in spec["time_bins"]]]
        array = array.isel(time_bin=wanted)
    return array


def prepare_export(name: str, source: Path, out: Path, catalog_path: Path = CATALOG, recipes_path: Path = RECIPES) -> dict:
    """Check sha1s, import, and write a benchmark export for real-data benchmark `name` into `out`; its manifest."""
    spec = recipe(name, recipes_path)
    catalog = load_catalog(catalog_path)
    rows = [files_for(spec["assembly"], "assembly", catalog, catalog_path)]
    sets = [spec["stimulus_set"]] + ([spec["fitting_stimulus_set"]] if spec.get("fitting_stimulus_set") else [])
    for identifier in dict.fromkeys(sets):
        rows += [files_for(identifier, kind, catalog, catalog_path) for kind in ("stimulus_set_csv", "stimulus_set_zip")]
    paths = verify(rows, Path(source), catalog_path)
    out.mkdir(parents=True, exist_ok=False)
    work = Path(tempfile.mkdtemp(prefix=".import-", dir=out.parent))
    try:
        array = _assembly(paths[f"assembly:{spec['assembly']}"], work, spec, spec["assembly"])
        used = {str(s) for s in np.asarray(array["stimulus_id"].values).tolist()}
        files = lambda identifier: (paths[f"stimulus_set_csv:{identifier}"], paths[f"stimulus_set_zip:{identifier}"])
        stimulus_set = _import_stimuli(*files(spec["stimulus_set"]), out / "stimuli", spec["stimulus_set"], spec["citation"],
                                       None, used, None)
        manifest = {
            "spec_version": SPEC_VERSION, "identifier": name, "version": "1.0.0", "kind": spec["kind"], "region": spec["region"],
            "modality": "image", "metric": spec["metric"], "ceiling": spec["ceiling"], "normalization": spec["normalization"],
            "visual_degrees": spec["visual_degrees"], "number_of_trials": spec["number_of_trials"], "citation": spec["citation"],
            "description": f"{name}: Brain-Score's public {spec['assembly']} on {spec['stimulus_set']}, with Brain-Score's metric settings.",
            "simulated": False,
            "stimulus_set": {"identifier": spec["stimulus_set"], "path": "stimuli/stimulus_set.json",
                             "sha256": sha256_file(out / "stimuli" / "stimulus_set.json")},
        }
        if spec.get("time_bins"):
            manifest["time_bins"] = spec["time_bins"]
        if spec.get("task"):
            manifest["task"] = spec["task"]
        if spec.get("fitting_stimulus_set"):
            _import_stimuli(*files(spec["fitting_stimulus_set"]), out / "fitting_stimuli", f"{spec['fitting_stimulus_set']}.fitting",
                            spec["citation"], spec["label_column"], None, {s["stimulus_id"] for s in stimulus_set["stimuli"]})
            manifest["fitting_stimulus_set"] = {"identifier": f"{spec['fitting_stimulus_set']}.fitting", "path": "fitting_stimuli/stimulus_set.json",
                                                "sha256": sha256_file(out / "fitting_stimuli" / "stimulus_set.json")}
        recordings = out / "recordings" / "assembly.nc"
        recordings.parent.mkdir(parents=True)
        array.name = "recordings" if spec["kind"] == "neural" else "choices"
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
