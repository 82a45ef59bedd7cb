"""Bundles: everything needed to rerun some scores elsewhere (images, benchmark data, records), hash-verified."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import Settings
from ..errors import Problem, UsageError, ValidationError
from ..execution.engines import Engine
from ..store import Store, atomic_write, canonical_json, sha256_file
from .ledger import Ledger
from .records import ScoreRecord

FORMAT = "braindock-bundle/1"


def export_bundle(records: list[ScoreRecord], settings: Settings, engine: Engine, out: Path) -> dict[str, Any]:
    """Write records, their model and benchmark images (docker save) and benchmark exports to the folder `out`."""
    if out.exists():
        raise UsageError(f"{out} exists", [Problem(str(out), "OUTPUT_EXISTS", "refusing to overwrite", "choose a new path")])
    store = Store(settings.store_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        images, exports = {}, {}
        for record in records:
            for side in ("model", "benchmark"):
                images[record.inputs[side]["image_id"]] = record.inputs[side]["image"]
            benchmark_id = record.inputs["benchmark"]["image_id"]
            digest = store.ref("benchmark-exports", benchmark_id)
            if digest is None:
                raise UsageError(f"the benchmark data of record {record.record_id[:12]} is not in the store", [
                    Problem(str(settings.store_dir), "DATA_NOT_STORED", f"no export for benchmark image {benchmark_id}",
                            "score the benchmark once on this machine (or import a bundle that holds it)")])
            exports[benchmark_id] = digest
            atomic_write(staging / "records" / f"{record.record_id}.json", canonical_json(record.to_dict()))
        (staging / "images").mkdir()
        for image_id, reference in sorted(images.items()):
            engine.save(image_id if _moved(engine, reference, image_id) else reference, staging / "images" / f"{image_id.split(':')[1]}.tar")
        for digest in sorted(set(exports.values())):
            shutil.copytree(store.objects / digest, staging / "store" / digest)
        manifest = {
            "format": FORMAT, "runner_version": __version__,
            "records": [r.record_id for r in records],
            "images": [{"image_id": i, "reference": r, "file": f"images/{i.split(':')[1]}.tar"} for i, r in sorted(images.items())],
            "benchmark_exports": [{"benchmark_image_id": b, "digest": d} for b, d in sorted(exports.items())],
            "files": {p.relative_to(staging).as_posix(): sha256_file(p) for p in sorted(staging.rglob("*")) if p.is_file()},
        }
        atomic_write(staging / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _moved(engine: Engine, reference: str, image_id: str) -> bool:
    """True when the tag no longer names the recorded image (then the image is saved by ID, untagged)."""
    try:
        return engine.inspect(reference).image_id != image_id
    except UsageError:
        return True


def verify(bundle: Path) -> dict[str, Any]:
    """The bundle's manifest, after checking every file against its sha256 (all mismatches reported at once)."""
    path = bundle / "manifest.json"
    if not path.exists():
        raise ValidationError(f"{bundle} is not a bundle", [Problem(str(path), "FILE_NOT_FOUND", "manifest.json is missing",
                                                                    "give the folder `braindock export -o` wrote")])
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise ValidationError(f"{bundle} has an unknown format", [Problem(f"{path}#/format", "UNKNOWN_FORMAT", "not a braindock bundle",
                                                                          f"expected {FORMAT}", expected=FORMAT, found=str(manifest.get("format")))])
    problems = []
    for relative, digest in sorted(manifest["files"].items()):
        file = bundle / relative
        if not file.exists():
            problems.append(Problem(str(file), "FILE_NOT_FOUND", "listed in the manifest but missing", "copy the whole bundle folder"))
        elif sha256_file(file) != digest:
            problems.append(Problem(str(file), "SHA256_MISMATCH", "content differs from the manifest", "copy the bundle again; it was damaged",
                                    expected=digest, found=sha256_file(file)))
    if problems:
        raise ValidationError(f"{bundle} failed verification; nothing was imported", problems)
    return manifest


def import_bundle(bundle: Path, settings: Settings, engine: Engine) -> dict[str, Any]:
    """Verify, then load images, store benchmark exports (content-checked) and add the records to the ledger."""
    manifest = verify(bundle)
    loaded = []
    for image in manifest["images"]:
        ids = engine.load(bundle / image["file"])
        if image["image_id"] not in ids:
            raise ValidationError("an image in the bundle is not the one recorded", [
                Problem(str(bundle / image["file"]), "IMAGE_ID_MISMATCH", "loaded image has another ID", "re-export the bundle",
                        expected=image["image_id"], found=str(ids))])
        loaded.append(image["image_id"])
    store = Store(settings.store_dir)
    for item in manifest["benchmark_exports"]:
        source = bundle / "store" / item["digest"]
        entry_meta = json.loads((source / "entry.json").read_text())
        entry = store.put_tree(source / "content", entry_meta["kind"], entry_meta["metadata"])
        if entry.digest != item["digest"]:
            raise ValidationError("benchmark data in the bundle does not hash to its name", [
                Problem(str(source), "SHA256_MISMATCH", "stored content digest differs", "re-export the bundle",
                        expected=item["digest"], found=entry.digest)])
        store.set_ref("benchmark-exports", item["benchmark_image_id"], entry.digest)
    ledger = Ledger(settings.ledger_path)
    for record_id in manifest["records"]:
        ledger.add(ScoreRecord.from_dict(json.loads((bundle / "records" / f"{record_id}.json").read_text())))
    return {"images": loaded, "benchmark_exports": [i["digest"] for i in manifest["benchmark_exports"]], "records": manifest["records"]}
