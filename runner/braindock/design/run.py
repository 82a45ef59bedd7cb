"""`braindock design`: choose the k pool stimuli a model predicts will drive (or suppress) a benchmark's target, write
them as a stimulus set with predictions, a report and a design record; optionally verify them in the virtual brain."""
from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..config import Settings
from ..contract.responses import read_activations
from ..contract.run_request import lay_out_stimuli, time_bins_for, write_request
from ..curation.validation import validate_path
from ..errors import Problem, UsageError, ValidationError
from ..execution.engines import Engine
from ..pipeline.execute import execute
from ..pipeline.plan import ModelRun, inspect, plan
from ..provenance.activation_cache import cache_key
from ..store import canonical_json, sha256_bytes
from . import virtual
from .predict import REGION_MEAN, predict

GOALS = ("drive", "suppress")
RECORD_VERSION = 1


@dataclass(frozen=True)
class Request:
    """What a design asks; with the two image IDs and the pool's hash it is the design record."""

    model: str
    benchmark: str
    pool: Path
    goal: str
    target: str = REGION_MEAN
    k: int = 20
    seed: int = 0


def load_pool(path: Path, work: Path) -> tuple[dict, Path, str]:
    """(stimulus set, its files' root, sha256 of its canonical JSON): a folder with stimulus_set.json, or a CSV
    imported as one; refused (ValidationError) with every problem when it does not validate."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        from ..curation.importers.brainio import import_stimulus_set

        import_stimulus_set(path, None, work / "pool", write_invalid=False)
        path = work / "pool"
    report = validate_path(path, "stimulus-set")
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        raise ValidationError(f"pool {path} is not a valid stimulus set; nothing was designed", errors)
    folder = path if path.is_dir() else path.parent
    stimulus_set = json.loads((folder / "stimulus_set.json").read_text())
    return stimulus_set, folder, sha256_bytes(canonical_json(stimulus_set))


def _check(request: Request, stimulus_set: dict, manifest: dict) -> None:
    if request.goal not in GOALS:
        raise UsageError(f"unknown goal {request.goal!r}", [Problem("--goal", "UNKNOWN_GOAL", "a design drives or suppresses its target",
                                                                    "give --goal drive or --goal suppress", expected="drive | suppress", found=request.goal)])
    if stimulus_set["modality"] != manifest["modality"]:
        raise UsageError(f"pool {request.pool} shows {stimulus_set['modality']} stimuli; {manifest['identifier']} shows {manifest['modality']}", [
            Problem(str(request.pool), "WRONG_MODALITY", "the pool's modality is not the benchmark's (nor the model's)",
                    f"give a pool of {manifest['modality']} stimuli (benchmarks/pools/generate.py)",
                    expected=manifest["modality"], found=stimulus_set["modality"])])
    n = len(stimulus_set["stimuli"])
    if not 1 <= request.k <= n // 3:
        raise UsageError(f"cannot choose k={request.k} of {n} pool stimuli", [
            Problem("-k", "POOL_TOO_SMALL", "a design needs k stimuli and, to verify, a disjoint random set and opposite selection of k each",
                    f"give 1 <= k <= {n // 3} or a larger pool", expected=f"pool >= 3k = {3 * request.k}", found=str(n))])


def _activations(run: ModelRun, settings: Settings, engine: Engine, region: str):
    answer = execute(run, settings, engine)
    answer.require([region], run.model.who)
    return read_activations(answer.folder, run.request, answer.response, region, run.model.who)


def design(request: Request, out: Path, settings: Settings, engine: Engine, force: bool = False, verify: bool = False,
           step: Callable[[str], None] = lambda _: None, expect: dict | None = None) -> dict:
    """Run the design and write out/ (stimulus set, report.json, report.md, design.json[, verify.png]); return the report.

    `expect` (a design record being reproduced): the images must be the recorded content and the pool its hash.
    """
    out = Path(out)
    if out.exists() and not force:
        raise UsageError(f"{out} exists; nothing was written", [Problem(str(out), "OUTPUT_EXISTS", "a design never overwrites a folder",
                                                                         "give a new -o folder, or --force to replace it")])
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=settings.work_dir, prefix="design-"))
    try:
        stimulus_set, root, pool_sha = load_pool(request.pool, work)
        if expect is not None:
            for image, image_id in ((request.model, expect["model"]["image_id"]), (request.benchmark, expect["benchmark"]["image_id"])):
                inspect(engine, image, image_id)
            if pool_sha != expect["pool"]["sha256"]:
                raise ValidationError(f"pool {request.pool} is not the recorded pool", [
                    Problem(str(request.pool), "POOL_CHANGED", "its stimulus set differs from the one the design used",
                            "give the recorded pool (regenerate it with the same generator, n and seed)",
                            expected=expect["pool"]["sha256"], found=pool_sha)])
        step("exporting the benchmark, describing the model")
        planned = plan([request.model], [request.benchmark], settings, engine, work / "plan", seed=request.seed, strict=True)
        pair = planned.pairs[0]
        benchmark, model, manifest = pair.benchmark, pair.model, pair.benchmark.manifest
        if pair.kind.name != "neural":
            raise UsageError(f"{benchmark.identifier} is a {pair.kind.name} benchmark", [
                Problem(f"{benchmark.identifier} manifest.json#/kind", "NOT_NEURAL", "a design predicts recorded sites",
                        "design on a neural benchmark")])
        _check(request, stimulus_set, manifest)
        if verify:
            virtual.require_virtual(benchmark)
        region, who = manifest["region"], model.who
        step(f"running {request.model} on the benchmark's {len(planned.runs[pair.run_key].request['stimuli'])} stimuli")
        benchmark_features = _activations(planned.runs[pair.run_key], settings, engine, region)
        step(f"running {request.model} on the pool's {len(stimulus_set['stimuli'])} stimuli")
        input_dir = work / "pool-run" / "input"
        stimuli = lay_out_stimuli(stimulus_set, root, input_dir, manifest["modality"], manifest.get("visual_degrees"),
                                  model.description.get("visual_degrees"))
        pool_request = write_request(input_dir, manifest["modality"], stimuli, sorted(model.description["regions"]),
                                     time_bins_for(benchmark, model.description, who), manifest["number_of_trials"],
                                     request.seed, model.description.get("visual_degrees"))
        pool_run = ModelRun(cache_key(model.image.image_id, pool_request), model, pool_request, input_dir)
        pool_features = _activations(pool_run, settings, engine, region).mean("time_bin").values
        step("fitting the benchmark's mapping and predicting the pool")
        predicted = predict(manifest, benchmark.recordings(), benchmark_features, np.asarray(pool_features, dtype=np.float64),
                            request.target, f"benchmark {request.benchmark}")
        order = np.argsort(-predicted.value if request.goal == "drive" else predicted.value, kind="stable")
        chosen = order[:request.k]
        ids = [e["stimulus_id"] for e in stimulus_set["stimuli"]]
        record = {
            "design_record_version": RECORD_VERSION,
            "model": {"image": request.model, "image_id": model.image.image_id, "identifier": model.description["identifier"],
                      "layer": model.description["regions"][region]["layer"]},
            "benchmark": {"image": request.benchmark, "image_id": benchmark.image.image_id, "identifier": benchmark.identifier,
                          "region": region, "regression": manifest["metric"].get("parameters", {}).get("regression", "pls")},
            "pool": {"path": str(Path(request.pool).resolve()), "sha256": pool_sha, "identifier": stimulus_set.get("identifier"),
                     "size": len(ids)},
            "goal": request.goal, "target": request.target, "k": request.k, "seed": request.seed,
            "selected": [ids[i] for i in chosen],
        }
        if expect is not None and record["selected"] != expect["selected"]:
            raise ValidationError("the reproduced design selects other stimuli than the record", [
                Problem("design.json#/selected", "NOT_REPRODUCED", "same images, pool and seed gave another selection",
                        "report this: a design must be deterministic", expected=", ".join(expect["selected"]), found=", ".join(record["selected"]))])
        staging = work / "out"
        entries = []
        for rank, i in enumerate(chosen):
            entry = stimulus_set["stimuli"][i]
            (staging / entry["file"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / entry["file"], staging / entry["file"])
            entries.append({**entry, "design_rank": rank + 1, "predicted_response": round(float(predicted.value[i]), 6),
                            "predicted_sd": round(float(predicted.split_sd[i]), 6)})
        selection = {**{k: v for k, v in stimulus_set.items() if k != "stimuli"},
                     "identifier": f"design.{benchmark.identifier}.{request.goal}.{request.target}.k{request.k}",
                     "description": f"the {request.k} stimuli of pool {stimulus_set.get('identifier')} that {model.description['identifier']} "
                                    f"predicts {'drive' if request.goal == 'drive' else 'suppress'} {request.target} of {region} most "
                                    f"({benchmark.identifier}'s mapping); braindock design",
                     "stimuli": entries}
        (staging / "stimulus_set.json").write_text(json.dumps(selection, indent=1))
        report = {
            "design": record,
            "predicted": {"selected_mean": float(predicted.value[chosen].mean()), "pool_mean": float(predicted.value.mean()),
                          "pool_sd": float(predicted.value.std(ddof=1)), "cv_splits": predicted.n_splits,
                          "selected_split_sd_mean": float(predicted.split_sd[chosen].mean())},
        }
        if verify:
            step("recording the three sets in the virtual experiment")
            report["verify"] = _verify(request, order, ids, stimulus_set, root, benchmark, settings, engine, region, staging)
        (staging / "design.json").write_text(json.dumps(record, indent=1))
        (staging / "report.json").write_text(json.dumps(report, indent=1))
        (staging / "report.md").write_text(markdown(report))
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(out))
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _verify(request: Request, order: np.ndarray, ids: list[str], stimulus_set: dict, root: Path, benchmark, settings, engine,
            region: str, staging: Path) -> dict:
    """Selection, a random set (seeded, from the rest of the pool) and the opposite selection, recorded in one run."""
    k = request.k
    chosen, opposite = order[:k], order[::-1][:k]
    rest = np.setdiff1d(np.arange(len(ids)), np.concatenate([chosen, opposite]))
    random = np.random.default_rng(request.seed).choice(rest, k, replace=False)
    sets = {"selected": [ids[i] for i in chosen], "random": [ids[i] for i in random], "opposite": [ids[i] for i in opposite]}
    wanted = {s for members in sets.values() for s in members}
    shown = {**stimulus_set, "stimuli": [e for e in stimulus_set["stimuli"] if e["stimulus_id"] in wanted]}
    recordings = virtual.record(engine, settings, benchmark, shown, root, request.seed)
    measured = virtual.per_stimulus(recordings, region, request.target, f"benchmark {request.benchmark}")
    result = virtual.in_random_sd(sets, measured, request.seed)
    virtual.plot(result, f"{request.model} -> {benchmark.identifier} {request.target}, {request.goal}, k={k}", staging / "verify.png")
    return {"sets": sets, "measured": result, "plot": "verify.png"}


def markdown(report: dict) -> str:
    """The short human-readable report."""
    d, p = report["design"], report["predicted"]
    lines = [f"# Design: {d['goal']} {d['target']} of {d['benchmark']['region']} ({d['benchmark']['identifier']})", "",
             f"- model {d['model']['image']} ({d['model']['image_id'][:19]}), layer {d['model']['layer']}",
             f"- benchmark {d['benchmark']['image']} ({d['benchmark']['image_id'][:19]}), mapping {d['benchmark']['regression']}",
             f"- pool {d['pool']['identifier']} ({d['pool']['size']} stimuli, sha256 {d['pool']['sha256'][:16]}), k={d['k']}, seed {d['seed']}",
             f"- predicted response: selection {p['selected_mean']:.3f}, pool {p['pool_mean']:.3f} ± {p['pool_sd']:.3f} (SD); "
             f"mean SD across {p['cv_splits']} CV-split fits {p['selected_split_sd_mean']:.3f}", ""]
    if "verify" in report:
        lines += ["## Virtual experiment (in SD of the random set, bootstrap 95 % CI)", "", "| set | response | 95 % CI |", "|---|---|---|"]
        lines += [f"| {name} | {m['sd_units']:+.2f} | [{m['ci95'][0]:+.2f}, {m['ci95'][1]:+.2f}] |" for name, m in report["verify"]["measured"].items()]
        lines += ["", "![virtual experiment](verify.png)"]
    lines += ["", f"Reproduce: `braindock design --reproduce design.json -o NEW_FOLDER`"]
    return "\n".join(lines) + "\n"


def reproduce(record_path: Path, out: Path, settings: Settings, engine: Engine, force: bool = False, verify: bool = False,
              step: Callable[[str], None] = lambda _: None) -> dict:
    """Redo a design from its record: same image content, same pool (by hash), same selection, or a clear error."""
    record = json.loads(Path(record_path).read_text())
    request = Request(record["model"]["image"], record["benchmark"]["image"], Path(record["pool"]["path"]), record["goal"],
                      record["target"], record["k"], record["seed"])
    return design(request, out, settings, engine, force, verify, step, expect=record)
