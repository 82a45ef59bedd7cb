"""A data directory with a real SQLite ledger of schema-valid score records, kept model descriptions and benchmark
manifests in a real store: vision and language models, an engineering benchmark, and two images claiming one name."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
from braindock.config import load_settings
from braindock.provenance.ledger import Ledger
from braindock.provenance.records import ScoreRecord, environment
from braindock.store import Store

SHA = "c" * 64
VISION = ["sim.FreemanZiemba2013.V1-pls", "sim.FreemanZiemba2013.V2-pls", "sim.MajajHong2015.V4-pls", "sim.MajajHong2015.IT-pls"]
LANGUAGE = ["sim.Pereira2018.language-ridge"]
TASK = "sim.objects.accuracy"


def image_id(name: str) -> str:
    return "sha256:" + hashlib.sha256(name.encode()).hexdigest()


def score_record(model: str, benchmark: str, score: float, error: float = 0.02, version: str = "1.0.0",
                 image: str | None = None, modality: str = "image", engineering: bool = False, metric: str | None = None) -> ScoreRecord:
    """A record as `score` writes it; `image` names the model image's content (defaults to the model's name)."""
    splits = [score * 0.8 + 0.01 * ((i % 3) - 1) for i in range(10)]
    inputs = {
        "model": {"identifier": model, "version": version, "image": f"{model}:{version}", "image_id": image_id(image or model)},
        "benchmark": {"identifier": benchmark, "version": "1.0.0", "image": f"{benchmark.lower()}:1", "image_id": image_id(benchmark)},
        "data": {"stimulus_set_sha256": SHA, "recordings_sha256": SHA},
        "metric": {"name": metric or ("accuracy" if engineering else "neural_predictivity"), "version": "1.0",
                   "parameters": {} if engineering else {"regression": "pls", "n_components": 25}},
        "ceiling": {"method": "none" if engineering else "internal_consistency", "version": "1.0", "parameters": {}},
        "normalization": {"name": "none" if engineering else "r/ceiling", "version": "1.0"},
        "request": {"seed": 0, "visual_degrees": 8 if modality == "image" else None},
    }
    ceiling = 1.0 if engineering else 0.8
    result = {"raw": score * ceiling, "error": error * ceiling, "ceiling": ceiling, "ceiling_error": 0.0 if engineering else 0.004,
              "score": score, "score_error": error, "per_split": splits, "ceiling_per_split": [ceiling] * 10}
    return ScoreRecord(inputs, result, environment("docker", 1.0), created="2026-11-30T12:00:00+00:00")


@dataclass
class Home:
    settings: object
    scores: dict = field(default_factory=dict)  # (model key, benchmark) -> (score, error), as put in the ledger
    quality: dict = field(default_factory=dict)  # model key -> the latent quality that drives its scores

    def add(self, record: ScoreRecord, key: str | None = None) -> None:
        Ledger(self.settings.ledger_path).add(record)
        self.scores[(key or f"{record.model}@{record.inputs['model']['version']}", record.benchmark)] = (
            record.result["score"], record.result["score_error"])

    def describe(self, image: str, description: dict) -> None:
        kept = self.settings.home / "descriptions" / f"{image_id(image).removeprefix('sha256:')}.json"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps(description))

    def manifest(self, benchmark: str, manifest: dict, tmp) -> None:
        """Keep a benchmark export's manifest in the store under its image ID, as load_benchmark does."""
        folder = tmp / benchmark
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps(manifest))
        store = Store(self.settings.store_dir)
        store.set_ref("benchmark-exports", image_id(benchmark), store.put_tree(folder, "benchmark-export").digest)


def description(identifier: str, text: str = "a test model", modality: str = "image") -> dict:
    return {"spec_version": "1.0", "identifier": identifier, "version": "1.0.0", "authors": [{"name": "Ada Test", "affiliation": "Lab"}],
            "license": "MIT", "modality": modality, "description": text, "regions": {"IT": {"layer": "conv5"}},
            "time_bins": [[70, 170]], "visual_degrees": 8, "tasks": ["label"]}


def populate(home: Home, tmp, vision_models: int = 8, seed: int = 3) -> Home:
    """Vision models whose every score grows with a latent quality (plus noise); two language models; an
    engineering task; one model not scored on IT (missing); a second image claiming model-a@1.0.0."""
    rng = np.random.default_rng(seed)
    for n in range(vision_models):
        name = f"model-{chr(ord('a') + n)}"
        quality = rng.uniform(0.1, 0.9)
        home.quality[f"{name}@1.0.0"] = quality
        for benchmark in VISION:
            if name == "model-c" and benchmark == VISION[-1]:
                continue  # missing, never 0
            home.add(score_record(name, benchmark, float(quality * 0.7 + rng.normal(0, 0.05)), error=float(rng.uniform(0.005, 0.03))))
        home.add(score_record(name, TASK, float(0.2 + 0.7 * quality + rng.normal(0, 0.03)), error=0.01, engineering=True))
        home.describe(name, description(name))
    for name, score in (("lm-small", 0.31), ("lm-large", 0.52)):
        home.add(score_record(name, LANGUAGE[0], score, modality="text"))
        home.describe(name, description(name, modality="text"))
    # an image claiming model-a@1.0.0: both images now show as "model-a@1.0.0 [short image ID]"
    for (key, benchmark) in [k for k in home.scores if k[0] == "model-a@1.0.0"]:
        home.scores[(f"model-a@1.0.0 [{image_id('model-a')[7:19]}]", benchmark)] = home.scores.pop((key, benchmark))
    home.quality[f"model-a@1.0.0 [{image_id('model-a')[7:19]}]"] = home.quality.pop("model-a@1.0.0")
    home.add(score_record("model-a", VISION[-1], 0.99, image="impostor"), key=f"model-a@1.0.0 [{image_id('impostor')[7:19]}]")
    home.describe("impostor", description("model-a", text="<script>window.hacked = 1</script><img src=x onerror=alert(1)>"))
    home.manifest(VISION[-1], {"identifier": VISION[-1], "version": "1.0.0", "kind": "neural", "modality": "image",
                               "citation": "Simulated after Majaj et al. (2015)", "generative_model": {"stage": "IT", "rank": 16}}, tmp)
    home.manifest(LANGUAGE[0], {"identifier": LANGUAGE[0], "version": "1.0.0", "kind": "neural", "modality": "text",
                                "citation": "Simulated after Pereira et al. (2018)"}, tmp)
    return home


if __name__ == "__main__":  # python tests/reporting/boards.py HOME: the tests' populated data directory, to look at
    import sys
    from pathlib import Path

    target = Path(sys.argv[1])
    populate(Home(load_settings(target)), target / "manifests")
    print(f"wrote a ledger of constructed records to {target}: braindock --home {target} site -o SITE")
