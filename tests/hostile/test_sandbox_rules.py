"""The sandbox's rules as data and as checks on folders written here (no engine needed): labels, quota and trap on
every model run, the messages of failed runs, and the /output rules (quota, named files only, the .npy layout)."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
from braindock.config import Limits
from braindock.contract import responses
from braindock.errors import ResponseError
from braindock.execution import containers
from braindock.execution.engines.base import (
    LABEL_DEADLINE,
    LABEL_RUNNER,
    LABEL_RUNNER_PID,
    LABEL_WORK_DIR,
    TRAPPED_EXIT,
    RunResult,
    process_identity,
    run_labels,
)
from braindock.execution.engines.docker_engine import run_kwargs
from braindock.execution.engines.podman_engine import run_args

WHO = "model m"


def test_every_model_run_is_trapped_quota_bound_and_labelled(tmp_path):
    spec = containers.model_run_spec("m:1", Limits(output="64m", timeout_s=100), tmp_path / "in", tmp_path / "out", tmp_path)
    assert spec.trap_network is True and spec.output_quota == 64 * 2**20
    labels = run_labels(spec, 1000.0)
    assert labels == {LABEL_DEADLINE: "1106", LABEL_RUNNER_PID: str(os.getpid()), LABEL_RUNNER: process_identity(os.getpid()),
                      LABEL_WORK_DIR: str(tmp_path)}  # 1000 + 100 s limit + 5 s grace, rounded up
    kwargs = run_kwargs(spec, "c1", labels)
    assert kwargs["name"] == "c1" and kwargs["labels"] == labels
    assert kwargs["ulimits"] == [{"name": "fsize", "soft": 64 * 2**20, "hard": 64 * 2**20}]
    assert any(option.startswith("seccomp=") for option in kwargs["security_opt"])
    args = run_args(spec, "c1", labels)
    assert f"fsize={64 * 2**20}:{64 * 2**20}" in args and f"{LABEL_DEADLINE}=1106" in args


def test_a_runner_is_gone_once_its_process_is():
    assert process_identity(os.getpid()).split(":")[1] == str(os.getpid())
    assert process_identity(2**22 + 7) == ""  # above pid_max: no such process


def log(lines: int) -> str:
    return "\n".join(f"line {k}" for k in range(1, lines + 1))


@pytest.mark.parametrize("result, code, text", [
    (RunResult(TRAPPED_EXIT, "", "", 1.0), "NETWORK_ATTEMPT", "tried to connect or send"),
    (RunResult(1, "", "BlockingIOError: [Errno 11] Resource temporarily unavailable", 1.0), "PROCESS_LIMIT", "limits.pids = 64"),
    (RunResult(1, "", "numpy.core._exceptions.MemoryError: Unable to allocate", 1.0), "OUT_OF_MEMORY", "limits.memory = 512m"),
    (RunResult(137, "", "", 1.0, oom_killed=True), "OUT_OF_MEMORY", "was killed at the memory limit"),
    (RunResult(-1, "", "", 5.0, timed_out=True), "TIMEOUT", "limits.timeout_s = 4 s"),
    (RunResult(153, "", "", 1.0), "CONTAINER_FAILED", "status 153 (killed by SIGXFSZ)"),
])
def test_a_failed_run_names_the_limit_it_reached(result, code, text):
    problem = containers.exit_problem(result, WHO, "run", Limits(pids=64, memory="512m", timeout_s=4), trapped=True)
    assert problem.code == code and text in problem.message + (problem.found or "")


def test_a_failed_run_shows_the_first_and_the_last_lines_of_its_log():
    with pytest.raises(Exception) as caught:
        containers.check_exit(RunResult(2, log(100), "", 1.0), WHO, "run")
    shown = caught.value.details.splitlines()
    assert shown[1:11] == [f"line {k}" for k in range(1, 11)]
    assert shown[11] == "... (70 lines left out) ..."
    assert shown[12:] == [f"line {k}" for k in range(81, 101)]


def write(out, files: dict[str, int], named: list[str]) -> None:
    out.mkdir(exist_ok=True)
    for name, size in files.items():
        (out / name).write_bytes(b"\0" * size)
    activations = {region: {"file": name, "stimulus_ids": ["s0"], "time_bins": [[70, 170]]} for region, name in zip(["IT", "V4"], named)}
    (out / "response.json").write_text(json.dumps({"spec_version": "1.0", "request_id": "r1", "activations": activations}))


def test_output_at_the_quota_is_refused_with_its_largest_files(tmp_path):
    write(tmp_path / "out", {"IT.npy": 1000, "big.bin": 3000}, ["IT.npy"])
    with pytest.raises(ResponseError) as caught:
        responses.check_output_size(tmp_path / "out", 4096, WHO)
    (problem,) = caught.value.problems
    assert problem.code == "OUTPUT_OVER_QUOTA"
    assert problem.message.startswith("3 file(s), 4.0 KiB in all: big.bin (2.9 KiB), IT.npy (1000 bytes), response.json (")
    assert problem.expected == "less than 4.0 KiB (limits.output)"
    responses.check_output_size(tmp_path / "out", 1 << 20, WHO)  # under the quota: nothing to say


def test_only_named_regular_files_may_be_in_output(tmp_path):
    out = tmp_path / "out"
    write(out, {"IT.npy": 10, "notes.txt": 5}, ["IT.npy"])
    os.symlink("/etc/passwd", out / "link")
    os.mkfifo(out / "pipe")
    response = json.loads((out / "response.json").read_text())
    with pytest.raises(ResponseError) as caught:
        responses.check_output_files(out, response, WHO)
    found = {(p.where.removeprefix(f"{WHO} "), p.code): p.message for p in caught.value.problems}
    assert found == {("/output/link", "NOT_A_FILE"): "a symbolic link", ("/output/pipe", "NOT_A_FILE"): "not a regular file",
                     ("/output", "UNNAMED_FILE"): "1 file(s) that response.json does not name: notes.txt (5 bytes)"}
    for extra in ("link", "pipe", "notes.txt"):
        (out / extra).unlink()
    responses.check_output_files(out, response, WHO)


def test_a_short_npy_is_described_by_the_contract_not_by_numpy(tmp_path):
    path = tmp_path / "IT.npy"
    np.save(path, np.zeros((5, 3, 1), dtype=np.float32))
    header = 128  # numpy pads a version 1.0 header to 128 bytes for arrays this small
    assert path.stat().st_size == header + 5 * 3 * 4
    os.truncate(path, 150)
    problem = responses.npy_problem(path, "IT.npy", "where", "(5, neuroids, 1)")
    assert problem.code == "BAD_NPY" and "(150 bytes)" in problem.message
    assert problem.found == "150 bytes: a header declaring dtype <f4, shape (5, 3, 1), which needs 188 bytes (128 of header, 60 of values)"
    assert "'descr': '<f4', 'fortran_order': False, 'shape': (5, neuroids, 1)" in problem.fix and "numpy" not in problem.fix


def test_an_unsafe_path_is_answered_with_what_a_valid_one_looks_like(tmp_path):
    write(tmp_path / "out", {}, ["../../etc/passwd"])
    with pytest.raises(ResponseError) as caught:
        responses.read_response(tmp_path / "out", {"request_id": "r1"}, WHO)
    (problem,) = caught.value.problems
    assert problem.message == "'../../etc/passwd' is not a path inside /output"
    assert "no '..' part" in problem.fix and "(?!" not in problem.render()  # no regular expression in sight
