import pytest
from braindock import metrics
from braindock.errors import UsageError


def test_exports_and_names():
    for name in ["METRICS", "CEILINGS", "get_metric", "get_ceiling", "NORMALIZATIONS", "normalize", "Score",
                 "Metric", "Ceiling"]:
        assert hasattr(metrics, name)
    assert {"neural_predictivity", "cka", "rdm", "i1n", "i2n"} <= set(metrics.METRICS)
    assert {"internal_consistency", "extrapolation", "i1n_split_half", "i2n_split_half"} <= set(metrics.CEILINGS)
    assert {"r/ceiling", "(r/ceiling)^2", "r^2/ceiling"} <= set(metrics.NORMALIZATIONS)


def test_pipeline_defaults_are_exact():
    assert metrics.METRICS["neural_predictivity"].defaults == {
        "regression": "pls", "n_components": 25, "alphas": None, "splits": 10, "train_size": 0.9,
        "split": "stratified_shuffle", "stratify_by": None, "group_by": None, "seed": 1}
    assert metrics.CEILINGS["internal_consistency"].defaults == {"splits": 10, "seed": 0}


def test_every_entry_is_versioned_and_stores_parameters():
    for registry in (metrics.METRICS, metrics.CEILINGS):
        for name, cls in registry.items():
            assert cls.name == name and cls.version
            assert cls().parameters == cls.defaults


def test_unknown_names_list_known():
    with pytest.raises(UsageError, match=r"unknown metric 'bogus'; known metrics: \['accuracy', 'cka'"):
        metrics.get_metric("bogus")
    with pytest.raises(UsageError, match="known ceilings"):
        metrics.get_ceiling("bogus")
    with pytest.raises(UsageError, match="no parameter"):
        metrics.get_metric("neural_predictivity", n_component=3)
