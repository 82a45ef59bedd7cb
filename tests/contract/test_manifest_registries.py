"""A benchmark export whose manifest misnames its metric, ceiling or normalisation, or gives a parameter the wrong
type, is refused by the validation the loader runs before any model, each problem at its JSON path."""
import json
import subprocess
import sys

from braindock.contract import schemas
from braindock.curation.validation import validate_benchmark_export
from validation.builders import write_export


def errors(folder):
    return {(p.code, p.where.split("#", 1)[1]): p for p in validate_benchmark_export(folder) if p.severity == "error"}


def test_a_valid_export_has_no_error(tmp_path):
    assert errors(write_export(tmp_path)) == {}


def test_unknown_metric_lists_the_known_ones(tmp_path):
    found = errors(write_export(tmp_path, metric={"name": "neural_predictivty", "parameters": {}}))
    problem = found[("UNKNOWN_METRIC", "/metric/name")]
    assert "'neural_predictivity'" in problem.message and "'cka'" in problem.message


def test_unknown_ceiling_and_normalisation(tmp_path):
    found = errors(write_export(tmp_path, ceiling={"method": "split-half", "parameters": {}}, normalization="r/ceil"))
    assert "'internal_consistency'" in found[("UNKNOWN_CEILING", "/ceiling/method")].message
    assert "'r^2/ceiling'" in found[("UNKNOWN_NORMALIZATION", "/normalization")].message


def test_parameter_of_the_wrong_type_or_name_gives_its_path(tmp_path):
    found = errors(write_export(tmp_path, metric={"name": "neural_predictivity", "parameters": {"splits": "ten", "regresion": "pls"}},
                                ceiling={"method": "internal_consistency", "parameters": {"seed": -1}}))
    assert set(found) == {("WRONG_TYPE", "/metric/parameters/splits"), ("UNEXPECTED_FIELD", "/metric/parameters/regresion"),
                          ("OUT_OF_RANGE", "/ceiling/parameters/seed")}
    assert "regression" in found[("UNEXPECTED_FIELD", "/metric/parameters/regresion")].fix  # the known parameters


def test_a_regression_outside_the_known_ones(tmp_path):
    found = errors(write_export(tmp_path, metric={"name": "neural_predictivity", "parameters": {"regression": "lasso"}}))
    assert "'ridgecv'" in found[("NOT_ALLOWED", "/metric/parameters/regression")].message


def test_unknown_spec_major_says_which_this_runner_reads(tmp_path):
    found = errors(write_export(tmp_path, spec_version="2.0"))
    assert list(found) == [("UNSUPPORTED_SPEC_VERSION", "/spec_version")]
    assert "1.x" in found[("UNSUPPORTED_SPEC_VERSION", "/spec_version")].message
    later_minor = {p.code for p in schemas.problems({"spec_version": "1.7"}, "benchmark-manifest")}
    assert "MISSING_FIELD" in later_minor and "UNSUPPORTED_SPEC_VERSION" not in later_minor  # 1.x: judged by v1's rules


def test_checking_names_loads_no_metric_code():
    code = ("import sys; from braindock.contract import schemas; "
            "schemas.problems({'name': 'cka', 'parameters': {}}, 'metrics'); "
            "print(any(m.startswith(('sklearn', 'braindock.metrics')) for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
