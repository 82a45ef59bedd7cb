"""Historical scales of Brain-Score's ceiled neural predictivity: one table in spec/, the simulated benchmarks build
each vision neural benchmark at each scale as a named version whose manifest carries the history, and a manifest
cannot claim one scale while normalising by another."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest
from benchmarks.simulation import scales as simulation_scales
from braindock.contract import scales, schemas
from braindock.metrics import Score, normalize

REPOSITORY = Path(__file__).resolve().parents[2]
IT = json.loads((REPOSITORY / "benchmarks" / "majajhong2015-it" / "benchmark.json").read_text())


def test_the_simulation_uses_the_spec_table():
    assert {name: (entry["normalization"], entry["description"]) for name, entry in
            schemas.schema("normalizations")["$defs"]["conventions"].items()} == simulation_scales.CONVENTIONS
    assert list(scales.conventions()) == ["2018", "v1.0", "2026"]


def test_each_scale_is_the_formula_brain_score_used():
    raw = Score(value=0.5, error=0.0, metric="neural_predictivity", version="1", parameters={}, per_split=np.array([0.5]))
    ceiling = Score(value=0.8, error=0.0, metric="internal_consistency", version="1", parameters={})
    ceiled = {name: normalize(normalization, raw, ceiling).value for name, normalization in scales.conventions().items()}
    assert ceiled == pytest.approx({"2018": 0.5 / 0.8, "v1.0": (0.5 / 0.8) ** 2, "2026": 0.5 ** 2 / 0.8})


@pytest.mark.parametrize("scale,version,normalization", [(None, "1.0.0", "r/ceiling"), ("2018", "1.0.0", "r/ceiling"),
                                                         ("v1.0", "1.0.0+scale.v1.0", "(r/ceiling)^2"),
                                                         ("2026", "1.0.0+scale.2026", "r^2/ceiling")])
def test_a_vision_neural_benchmark_at_each_scale_is_a_named_version_with_its_history(scale, version, normalization):
    config = simulation_scales.at_scale(copy.deepcopy(IT), scale)
    assert (config["version"], config["normalization"], config["scale"]["convention"]) == (version, normalization, scale or "2018")
    assert [h["convention"] for h in config["scale"]["history"]] == ["2018", "v1.0", "2026"]
    manifest = {**{k: config[k] for k in ("identifier", "version", "kind", "region", "modality", "metric", "ceiling",
                                          "normalization", "scale", "visual_degrees", "number_of_trials", "citation")},
                "spec_version": "1.0", "stimulus_set": {"identifier": "s", "path": "s.json", "sha256": "0" * 64},
                "recordings": {"identifier": "r", "path": "r.nc", "sha256": "0" * 64}}
    assert schemas.problems(manifest, "benchmark-manifest") == []
    assert scales.scale_of(manifest["normalization"]) == (scale or "2018")


def test_a_manifest_cannot_claim_one_scale_and_normalise_by_another():
    config = simulation_scales.at_scale(copy.deepcopy(IT), "v1.0")
    fragment = {"scale": config["scale"], "normalization": "r/ceiling"}
    found = {(p.code, p.where) for p in schemas.problems(fragment, "benchmark-manifest")}
    assert ("NOT_ALLOWED", "#/normalization") in found


def test_unknown_scales_and_benchmarks_without_scales_are_refused():
    with pytest.raises(SystemExit, match="known scales: 2018, v1.0, 2026"):
        simulation_scales.at_scale(copy.deepcopy(IT), "2019")
    behavioural = json.loads((REPOSITORY / "benchmarks" / "rajalingham2018-i2n" / "benchmark.json").read_text())
    assert simulation_scales.at_scale(behavioural, None) == behavioural
    with pytest.raises(SystemExit, match="no historical scales"):
        simulation_scales.at_scale(behavioural, "2026")


def test_a_record_names_its_scale():
    assert scales.record_scale({"normalization": {"name": "(r/ceiling)^2", "version": "1.0"}}) == "v1.0"
    assert scales.record_scale({"normalization": {"name": "r/sqrt(ceiling)", "version": "1.0"}}) is None
