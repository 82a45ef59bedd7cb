"""Can a simulated benchmark tell models apart? Offer it models whose distance from the truth we know.

For a neural benchmark's export (built in-process from its benchmark.json), we score, with the runner's own
metric, ceiling and normalisation as the manifest names them:
- the generator: the declared stage features the recordings were generated from (must reach >= 0.9 of
  the ceiling);
- shuffled: the generator's rows permuted across stimuli, the mean of three permutations (must score <= 0.05;
  one permutation alone strays by chance, e.g. 0.070 on Fedorenko2016's 416 sentence prefixes);
- five graded models: the generator's features mixed with independent Gaussian features, the noise share
  of variance rising 0.2 -> 0.95 (their scores must fall in that order);
- the wrong region: another stage of the hierarchy (V1 features for IT, ...), which must score measurably
  lower than the right one: the gap exceeds twice the combined standard error.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from braindock import metrics  # noqa: E402
from braindock.contract.assemblies import average_repetitions, load_neural  # noqa: E402
from simulation import build as simulation_build  # noqa: E402
from simulation import ground_truth  # noqa: E402

LANGUAGE_NETWORK = ("pereira2018-exp2-lang", "pereira2018-exp3-lang", "tuckute2024-drive", "blank2014-froi", "fedorenko2016-ecog")
NEURAL = ("majajhong2015-it", "majajhong2015-v4", "freemanziemba2013-v1", "freemanziemba2013-v2", "pereira2018-language",
          *LANGUAGE_NETWORK)
WRONG_STAGE = {"IT": "V1", "V4": "V1", "V1": "V2", "V2": "V1", "language": "letters"}
NOISE_SHARES = (0.2, 0.4, 0.6, 0.8, 0.95)
GENERATOR_MIN, SHUFFLED_MAX = 0.9, 0.05


def build_export(name: str, out: Path) -> Path:
    """Build benchmarks/<name>'s export into out/<name> (as its container does) unless already there."""
    export = out / name
    if not (export / "manifest.json").exists():
        simulation_build.build(json.loads((ROOT / "benchmarks" / name / "benchmark.json").read_text()), export)
    return export


@dataclass
class Result:
    model: str
    raw: float
    error: float
    score: float  # ceiled


@dataclass
class Validity:
    benchmark: str
    region: str
    ceiling: float
    expected_ceiling: float
    results: list[Result] = field(default_factory=list)

    def get(self, model: str) -> Result:
        return next(r for r in self.results if r.model == model)

    @property
    def graded(self) -> list[Result]:
        return [r for r in self.results if r.model.startswith("noise ")]

    @property
    def wrong(self) -> Result:
        return self.get(f"wrong region ({WRONG_STAGE[self.region]})")

    def problems(self) -> list[str]:
        """Every validity criterion this benchmark fails, in words (empty: it tells models apart)."""
        found = []
        generator, shuffled, wrong = self.get("generator"), self.get("shuffled"), self.wrong
        if generator.score < GENERATOR_MIN:
            found.append(f"generator scores {generator.score:.3f} < {GENERATOR_MIN} of the ceiling")
        if shuffled.score > SHUFFLED_MAX:
            found.append(f"shuffled generator scores {shuffled.score:.3f} > {SHUFFLED_MAX}")
        scores = [generator.score] + [r.score for r in self.graded]
        if any(a <= b for a, b in zip(scores, scores[1:])):
            found.append(f"graded models out of order: {[round(s, 3) for s in scores]}")
        gap = generator.raw - wrong.raw
        if gap <= 2 * np.hypot(generator.error, wrong.error):
            found.append(f"wrong region scores {wrong.raw:.3f}, not measurably below the right one ({generator.raw:.3f})")
        return found


def _model(ids: list[str], features: np.ndarray) -> xr.DataArray:
    return xr.DataArray(features, dims=("presentation", "neuroid"),
                        coords={"stimulus_id": ("presentation", ids),
                                "neuroid_id": ("neuroid", [f"f{i}" for i in range(features.shape[1])])})


SHUFFLES = 3  # the shuffled control is the mean over this many permutations


def models(region: str, ids: list[str], stages: dict[str, np.ndarray], seed: int = 0) -> dict[str, np.ndarray]:
    """The known-distance models: generator, shuffled, five graded mixtures, the wrong region's stage."""
    rng = np.random.default_rng(seed)
    truth = stages[region]
    zscored = (truth - truth.mean(0)) / (truth.std(0) + 1e-12)
    out = {"generator": truth, **{f"shuffled {k}": truth[rng.permutation(len(ids))] for k in range(SHUFFLES)}}
    for share in NOISE_SHARES:
        noise = rng.standard_normal(truth.shape)
        out[f"noise {share:.2f}"] = np.sqrt(1 - share) * zscored + np.sqrt(share) * noise
    out[f"wrong region ({WRONG_STAGE[region]})"] = stages[WRONG_STAGE[region]]
    return out


def assess(export: Path) -> Validity:
    """Score every known-distance model on the export with its manifest's metric, ceiling and normalisation."""
    manifest, _ = ground_truth.load(export)
    region = manifest["region"]
    recordings = load_neural(export / manifest["recordings"]["path"])
    recorded = recordings.isel(neuroid=(recordings["region"] == region).values)
    target = average_repetitions(recorded)
    spec, ceiling_spec = manifest["metric"], manifest["ceiling"]
    ceiling = metrics.get_ceiling(ceiling_spec["method"], **ceiling_spec["parameters"])(recorded.mean("time_bin"))
    metric = metrics.get_metric(spec["name"], **spec["parameters"])
    ids, stages = ground_truth.stages(export)
    validity = Validity(manifest["identifier"], region, ceiling.value, manifest["generative_model"]["expected_ceiling"])
    shuffled = []
    for name, features in models(region, ids, stages).items():
        raw = metric(_model(ids, features), target)
        ceiled = metrics.normalize(manifest["normalization"], raw, ceiling)
        if name.startswith("shuffled"):
            shuffled.append((raw.value, raw.error, ceiled.value))
            if len(shuffled) == SHUFFLES:
                validity.results.insert(1, Result("shuffled", *(float(np.mean(column)) for column in zip(*shuffled))))
            continue
        validity.results.append(Result(name, raw.value, raw.error, ceiled.value))
    return validity
