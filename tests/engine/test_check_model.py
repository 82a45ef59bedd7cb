"""check-model on a real engine: every reference model passes; each deliberately broken container fails the
check that concerns its fault, with the precise reason (check names and problem codes are asserted)."""
from __future__ import annotations

import json

import pytest
from braindock.checks import Status, check_model
from braindock.cli import main
from braindock.config import load_settings
from conftest import PIXELS

REFERENCE_MODELS = [PIXELS, "braindock/model-gabor-c:1.0.0", "braindock/model-hmax-r:1.0.0",
                    "braindock/model-alexnet:1.0.0", "braindock/model-minilm:1.0.0"]


@pytest.fixture(scope="session")
def check_settings(tmp_path_factory):
    return load_settings(tmp_path_factory.mktemp("check-model-home"))


@pytest.fixture(scope="session")
def faulty_report(engine, faulty_image, check_settings):
    """faulty_report('nan') -> the CheckReport of the faulty model with that fault (run once per session)."""
    reports = {}

    def report(fault: str, **limits):
        if fault not in reports:
            reports[fault] = check_model(engine, check_settings, faulty_image(fault), **limits)
        return reports[fault]

    return report


def statuses(report) -> dict[str, str]:
    return {r.check: r.status.value for r in report.results}


@pytest.mark.parametrize("image", REFERENCE_MODELS)
def test_every_reference_model_passes(engine, reference_images, check_settings, image):
    report = check_model(engine, check_settings, image)
    not_passed = {r.check: (r.status.value, r.reason) for r in report.results if r.status is not Status.PASSED}
    assert not_passed == {}
    assert report.exit_code == 0


# fault -> (check that must fail, problem codes it must report, text its problems must name)
FAULTS = {
    "drop_stimulus": ("answers_every_stimulus", {"MISSING_STIMULUS"}, "'disc'"),  # the 4th bundled stimulus
    "wrong_order": ("answers_every_stimulus", {"WRONG_ORDER"}, "stimuli are not in request order"),
    "wrong_shape": ("shapes_and_dtypes", {"WRONG_SHAPE"}, "(8, 72)"),
    "wrong_dtype": ("shapes_and_dtypes", {"WRONG_DTYPE"}, "float64"),
    "nan": ("finite_values", {"NAN_IN_ACTIVATIONS"}, "'grating_045'"),  # row 1
    "crash": ("run_exits_zero", {"CONTAINER_FAILED"}, "exit status 1"),
    "bad_describe": ("describe_prints_only_json", {"BAD_JSON"}, "model v0.0.1 ready"),
    "invalid_description": ("description_meets_schema", {"MISSING_FIELD", "UNKNOWN_REGION"}, "license"),
    "escape_output": ("response_meets_schema", {"BAD_FORMAT"}, "/activations/IT/file"),
    "symlink_output": ("files_stay_in_output", {"SYMLINK_ESCAPES_OUTPUT", "PATH_ESCAPES_OUTPUT"}, "/tmp/IT.npy"),
    "network": ("no_network_attempts", {"NETWORK_ATTEMPT"}, "Network is unreachable"),
    "network_quiet": ("no_network_attempts", {"NETWORK_ATTEMPT"}, "huggingface.co"),
    "silent_network": ("no_network_attempts", {"NETWORK_ATTEMPT"}, "stopped by the network trap"),  # no log at all
    "wrong_label": ("behavioral_tasks", {"UNKNOWN_LABEL"}, "'zebra'"),
    "missing_triplet": ("behavioral_tasks", {"WRONG_COUNT"}, "one answer per triplet"),
    "bad_probabilities": ("behavioral_tasks", {"PROBABILITIES_SUM"}, "sum to 0.8"),
    "nondeterministic": ("deterministic_for_fixed_seed", {"NOT_DETERMINISTIC"}, "values differ between two runs"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_fails_its_check_with_the_precise_reason(faulty_report, fault):
    check, codes, text = FAULTS[fault]
    report = faulty_report(fault)
    result = report.by_check()[check]
    assert result.status is Status.FAILED, (result.reason, statuses(report))
    assert codes <= result.codes
    assert any(text in p.message or text in p.where for p in result.problems), [p.render() for p in result.problems]
    assert result.fix
    assert report.exit_code == 1


def test_a_fault_skips_what_it_prevents_and_nothing_else_fails(faulty_report):
    crash = statuses(faulty_report("crash"))
    assert crash["run_exits_zero"] == "failed" and crash["describe_exits_zero"] == "passed"
    assert {crash[c] for c in ("response_meets_schema", "answers_every_stimulus", "finite_values",
                               "deterministic_for_fixed_seed", "other_seed_accepted")} == {"skipped"}
    assert "weights file is corrupt" in faulty_report("crash").by_check()["run_exits_zero"].details
    for fault in ("network_quiet", "silent_network"):
        assert [c for c, s in statuses(faulty_report(fault)).items() if s == "failed"] == ["no_network_attempts"]
    for fault in ("wrong_label", "missing_triplet", "bad_probabilities"):
        assert [c for c, s in statuses(faulty_report(fault)).items() if s == "failed"] == ["behavioral_tasks"]
    bad = statuses(faulty_report("bad_describe"))
    assert bad["description_meets_schema"] == "skipped" and bad["run_exits_zero"] == "skipped"


def test_timeout_is_reported_by_run_and_limits(faulty_report):
    report = faulty_report("slow", timeout_s=8)
    checks = report.by_check()
    assert checks["run_exits_zero"].codes == {"TIMEOUT"}
    assert checks["within_limits"].status is Status.FAILED and "TIMEOUT" in checks["within_limits"].codes


def test_an_extra_file_fails_and_a_missing_description_only_warns(faulty_report):
    report = faulty_report("extra_file")
    assert report.exit_code == 1  # the runner refuses a run whose /output holds an unnamed file
    files = report.by_check()["files_stay_in_output"]
    assert files.status is Status.FAILED and files.codes == {"UNNAMED_FILE"} and files.problems[0].where == "/output/debug.log"
    assert report.by_check()["description_says_what_it_is"].status is Status.WARNED


def test_cli_exit_status_and_json(check_settings, faulty_image, capsys):
    home = str(check_settings.home)
    assert main(["--home", home, "check-model", PIXELS]) == 0
    out = capsys.readouterr().out
    assert "PASS  deterministic_for_fixed_seed" in out and "16 passed, 0 failed, 0 skipped" in out
    assert main(["--home", home, "check-model", "--json", faulty_image("nan")]) == 1
    document = json.loads(capsys.readouterr().out)
    finite = next(r for r in document["results"] if r["check"] == "finite_values")
    assert finite["status"] == "failed" and finite["problems"][0]["code"] == "NAN_IN_ACTIVATIONS"
    assert main(["--home", home, "check-model", "braindock/no-such-model:0"]) == 2
    assert "IMAGE_NOT_FOUND" in capsys.readouterr().err
