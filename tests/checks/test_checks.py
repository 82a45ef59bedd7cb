"""check-model's checks on a fake engine (no Docker): a valid stand-in passes; each fault fails its own check."""
from __future__ import annotations

import pytest
from braindock.checks import CHECKS, Status, check_model
from braindock.checks.sandbox_checks import network_lines
from braindock.checks.session import stimulus_set
from braindock.checks.suite import registry
from braindock.commands.check_model import render_result
from braindock.errors import UsageError
from fake_model import FakeEngine, FakeModel


def report_for(settings, fault="none", **limits):
    engine = FakeEngine({"fake:1": FakeModel(fault)})
    return check_model(engine, settings, "fake:1", **limits), engine


def statuses(report):
    return {r.check: r.status for r in report.results}


def test_a_valid_model_passes_every_check(settings):
    report, engine = report_for(settings)
    assert {c: s for c, s in statuses(report).items() if s is not Status.PASSED} == {}
    assert list(statuses(report)) == list(CHECKS)
    assert report.exit_code == 0 and report.modality == "image"
    runs = [s for s in engine.specs if s.command[0] == "run"]
    assert len(runs) == 4  # seed 0 twice, seed 1 once, seed 0 under the network trap; describe once
    assert [s.trap_network for s in runs] == [False, False, False, True]
    assert all(s.limits.network == "none" and s.limits.user == "65534:65534" for s in engine.specs)
    assert not list(settings.work_dir.glob("check-*"))  # the session's folders are removed


def test_requests_ask_every_committed_region_for_every_bundled_stimulus(settings):
    report, engine = report_for(settings)
    assert report.by_check()["answers_every_stimulus"].reason.startswith("8 stimuli answered once each")
    assert report.by_check()["other_seed_accepted"].reason.startswith("seed 1 gives the same answers")


@pytest.mark.parametrize("fault, check, code", [
    ("drop_stimulus", "answers_every_stimulus", "MISSING_STIMULUS"),
    ("nan", "finite_values", "NAN_IN_ACTIVATIONS"),
    ("wrong_dtype", "shapes_and_dtypes", "WRONG_DTYPE"),
    ("crash", "run_exits_zero", "CONTAINER_FAILED"),
    ("slow", "run_exits_zero", "TIMEOUT"),
    ("slow", "within_limits", "TIMEOUT"),
    ("bad_describe", "describe_prints_only_json", "BAD_JSON"),
    ("describe_crash", "describe_exits_zero", "CONTAINER_FAILED"),
    ("nondeterministic", "deterministic_for_fixed_seed", "NOT_DETERMINISTIC"),
    ("network_quiet", "no_network_attempts", "NETWORK_ATTEMPT"),
    ("silent_network", "no_network_attempts", "NETWORK_ATTEMPT"),
    ("symlink_output", "files_stay_in_output", "SYMLINK_ESCAPES_OUTPUT"),
])
def test_each_fault_fails_its_check(settings, fault, check, code):
    report, _ = report_for(settings, fault)
    result = report.by_check()[check]
    assert result.status is Status.FAILED
    assert code in result.codes
    assert result.fix and report.exit_code == 1


def test_dropped_stimulus_is_named_and_later_checks_skip(settings):
    report, _ = report_for(settings, "drop_stimulus")
    (problem,) = report.by_check()["answers_every_stimulus"].problems[:1]
    assert "'disc'" in problem.message
    assert report.by_check()["finite_values"].status is Status.SKIPPED
    assert "MISSING_STIMULUS" in report.by_check()["finite_values"].reason


def test_failed_describe_skips_every_run_check(settings):
    report, engine = report_for(settings, "describe_crash")
    skipped = [c for c, s in statuses(report).items() if s is Status.SKIPPED]
    assert "run_exits_zero" in skipped and "deterministic_for_fixed_seed" in skipped
    assert all(s.command == ("describe",) for s in engine.specs)


def test_an_unnamed_file_fails_as_the_runner_refuses_it(settings):
    report, _ = report_for(settings, "extra_file")
    result = report.by_check()["files_stay_in_output"]
    assert result.status is Status.FAILED and result.codes == {"UNNAMED_FILE"}
    assert report.exit_code == 1


def test_limits_can_be_overridden(settings):
    _, engine = report_for(settings, timeout_s=7, memory="1g")
    assert {(s.limits.timeout_s, s.limits.memory) for s in engine.specs} == {(7.0, "1g")}


def test_missing_image_is_a_usage_error(settings):
    with pytest.raises(UsageError) as caught:
        check_model(FakeEngine({}), settings, "nope:0")
    assert caught.value.exit_code == 2


def test_registry_rejects_duplicates():
    def check_one(session):
        raise AssertionError

    with pytest.raises(ValueError, match="registered twice"):
        registry(check_one, check_one)


@pytest.mark.parametrize("line, hit", [
    ("OSError: [Errno 101] Network is unreachable", True),
    ("socket.gaierror: [Errno -3] Temporary failure in name resolution", True),
    ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='huggingface.co'): Max retries exceeded", True),
    ("curl: (6) Could not resolve host: example.org", True),
    ("loaded 1024 weights from /model/weights.npy", False),
    ("HF_HUB_OFFLINE=1: loading from local files", False),
])
def test_network_signs(line, hit):
    assert bool(network_lines(line)) is hit


@pytest.mark.parametrize("modality, count", [("image", 8), ("text", 6)])
def test_bundled_stimulus_sets_meet_the_schema(modality, count):
    document, folder = stimulus_set(modality)
    assert len(document["stimuli"]) == count
    assert all((folder / s["file"]).is_file() for s in document["stimuli"])
    if modality == "text":
        assert all((folder / s["file"]).read_text(encoding="utf-8").strip() == s["text"] for s in document["stimuli"])


def test_render_escapes_markup_and_shows_fix(settings):
    report, _ = report_for(settings, "nan")
    lines = render_result(report.by_check()["finite_values"])
    assert lines[0].startswith("  [red]FAIL[/]") and any("fix:" in line for line in lines)
    assert any("[NAN_IN_ACTIVATIONS]" in line.replace("\\[", "[") for line in lines)
