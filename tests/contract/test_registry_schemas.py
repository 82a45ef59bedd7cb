"""spec/v1's metric, ceiling and normalisation schemas and the runner's registries name the same things with the same
versions and parameters, so a manifest the schema accepts is one the metrics can run (and the reverse)."""
import json
from pathlib import Path

import pytest
from braindock import metrics
from braindock.contract import schemas
from braindock.metrics.ceilings import CURVES
from braindock.metrics.cka import ESTIMATORS
from braindock.metrics.regression import REGRESSIONS
from braindock.metrics.splits import SPLIT_KINDS
from jsonschema import Draft202012Validator

REPOSITORY = Path(__file__).resolve().parents[2]
FAMILIES = [("metrics", metrics.METRICS), ("ceilings", metrics.CEILINGS)]


@pytest.mark.parametrize("family,registry", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_schema_names_versions_and_parameters_match_the_registry(family, registry):
    document = schemas.schema(family)
    described = document["$defs"]["parameters"]
    assert sorted(document["$defs"]["name"]["enum"]) == sorted(registry), f"add or remove names in spec/registry_schemas.py, then run it"
    for name, cls in registry.items():
        assert described[name]["x-version"] == cls.version, f"{name}: version in spec/v1/{family}.schema.json"
        assert sorted(described[name]["properties"]) == sorted(cls.defaults), f"{name}: parameters in spec/v1/{family}.schema.json"
        if family == "metrics":
            assert described[name]["x-better"] == ("higher" if cls.higher_is_better else "lower"), f"{name}: LOWER_IS_BETTER"


@pytest.mark.parametrize("family,registry", FAMILIES, ids=[f for f, _ in FAMILIES])
def test_every_default_parameter_value_meets_its_schema(family, registry):
    described = schemas.schema(family)["$defs"]["parameters"]
    for name, cls in registry.items():
        for parameter, default in cls.defaults.items():
            rule = described[name]["properties"][parameter]
            if "$ref" in rule:  # a metric name, checked by the metric enum
                assert default in metrics.METRICS
                continue
            assert list(Draft202012Validator(rule).iter_errors(default)) == [], (name, parameter, default)


def test_enumerated_parameter_values_match_the_code():
    described = schemas.schema("metrics")["$defs"]["parameters"]
    assert described["neural_predictivity"]["properties"]["regression"]["enum"] == list(REGRESSIONS)
    assert described["neural_predictivity"]["properties"]["split"]["enum"] == list(SPLIT_KINDS)
    assert sorted(described["cka"]["properties"]["estimator"]["enum"]) == sorted(ESTIMATORS)
    curve = schemas.schema("ceilings")["$defs"]["parameters"]["extrapolation"]["properties"]["curve"]
    assert curve["enum"] == list(CURVES)


def test_normalisations_match_the_registry():
    document = schemas.schema("normalizations")
    assert document["$defs"]["name"]["enum"] == list(metrics.NORMALIZATIONS)
    assert {n: e["x-version"] for n, e in document["$defs"]["normalizations"].items()} == {
        n: v.version for n, v in metrics.NORMALIZATIONS.items()}


@pytest.mark.parametrize("path", sorted(REPOSITORY.glob("benchmarks/*/benchmark.json")), ids=lambda p: p.parent.name)
def test_every_shipped_benchmark_names_a_known_metric_ceiling_and_normalisation(path):
    config = json.loads(path.read_text())
    assert schemas.problems(config["metric"], "metrics") == []
    assert schemas.problems(config["ceiling"], "ceilings") == []
    assert schemas.problems(config["normalization"], "normalizations") == []
    metrics.get_metric(config["metric"]["name"], **config["metric"]["parameters"])  # and the code accepts them
    metrics.get_ceiling(config["ceiling"]["method"], **config["ceiling"]["parameters"])
