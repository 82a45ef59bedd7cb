"""The hostile-container suite: each scenario is a small container attacking the sandbox in one way, scored with
`braindock score` as a stranger's model would be. Each asserts the contained outcome (what the attack achieved),
the problem code and message, the exit code, and that nothing was recorded or left behind."""
from __future__ import annotations

import json
import time

import pytest
from braindock.cli import main
from conftest import IT_BENCHMARK

from .conftest import NOTHING_LEFT, leftovers, make_home

pytestmark = pytest.mark.engine

# scenario -> (test model: tests/containers/<kind>, fault, problem code, texts the error must show (message, problems or log), limits)
CONTAINED = {
    # network: each attempt kills the model (seccomp trap) and fails the score, even when the model ignores the error
    "tcp, error swallowed": ("hostile", "net_tcp_quiet", "NETWORK_ATTEMPT", ["SIGSYS from the network trap"], {}),
    "udp": ("hostile", "net_udp", "NETWORK_ATTEMPT", ["tried to connect or send"], {}),
    "dns lookup": ("hostile", "net_dns", "NETWORK_ATTEMPT", ["tried to connect or send"], {}),
    "ipv6": ("hostile", "net_ipv6", "NETWORK_ATTEMPT", ["tried to connect or send"], {}),
    # file system and privileges: every write outside /output and every escalation is refused by the kernel
    "writes to /input": ("hostile", "write_input", "CONTAINER_FAILED",
                         ["FACT write /input: denied", "FACT create in /input: denied (Read-only file system)"], {}),
    "writes to /": ("hostile", "write_root", "CONTAINER_FAILED",
                    ["FACT write /: denied (Read-only file system)", "FACT write /etc/passwd: denied"], {}),
    "setuid root": ("hostile", "setuid", "CONTAINER_FAILED",
                    ["FACT uid: 65534 65534", "FACT setuid 0: denied (Operation not permitted)", "CapEff:\t0000000000000000",
                     "NoNewPrivs:\t1"], {}),
    "/proc writes": ("hostile", "proc_write", "CONTAINER_FAILED",
                     ["FACT write /proc/sys/kernel/hostname: denied (Read-only file system)", "FACT write /proc/sysrq-trigger: denied"], {}),
    "engine sockets": ("hostile", "docker_socket", "CONTAINER_FAILED",
                       ["FACT connect /var/run/docker.sock: denied (No such file or directory)",
                        "FACT connect /run/podman/podman.sock: denied (No such file or directory)"], {}),
    # resources: each limit holds and the message names it
    "fork bomb": ("hostile", "fork_bomb", "PROCESS_LIMIT", ["limits.pids = 64", "fork failed after"], {}),
    "memory blow-up": ("hostile", "memory_blowup", "OUT_OF_MEMORY", ["limits.memory = 512m"], {}),
    "infinite loop": ("hostile", "infinite_loop", "TIMEOUT", ["limits.timeout_s = 4 s"], {"timeout_s": 4}),
    "5 GB file": ("hostile", "huge_file", "OUTPUT_OVER_QUOTA", ["blob.bin (64.0 MiB)", "less than 64.0 MiB (limits.output)"], {}),
    "many files under the quota each": ("hostile", "many_files", "OUTPUT_OVER_QUOTA", ["part-000.bin (8.0 MiB)"], {}),
    # the response: only response.json and the files it names, each within the contract
    "unnamed extra file": ("faulty", "extra_file", "UNNAMED_FILE", ["debug.log (12 bytes)"], {}),
    "NaN": ("faulty", "nan", "NAN_IN_ACTIVATIONS", ["non-finite values for stimulus_id(s) 'boats_000'"], {}),  # its 2nd stimulus
    "infinity": ("hostile", "inf", "NAN_IN_ACTIVATIONS", ["non-finite values for stimulus_id"], {}),
    "short .npy": ("hostile", "short_npy", "BAD_NPY", ["'descr': '<f4'", "a header declaring dtype <f4, shape (640, 72, 1)"], {}),
    "missing stimulus": ("faulty", "drop_stimulus", "MISSING_STIMULUS", ["1 requested stimulus_id(s) not answered"], {}),
    "duplicated stimulus": ("hostile", "duplicate_ids", "DUPLICATE_STIMULUS", ["answered more than once"], {}),
    "reordered stimuli": ("faulty", "wrong_order", "WRONG_ORDER", ["stimuli are not in request order"], {}),
    "symlink out of /output": ("faulty", "symlink_output", "NOT_A_FILE", ["/output/IT.npy", "a symbolic link"], {}),
    "'..' path": ("faulty", "escape_output", "BAD_FORMAT", ["'../../tmp/escape.npy' is not a path inside /output", "no '..' part"], {}),
    "a pipe instead of a file": ("hostile", "fifo_output", "NOT_A_FILE", ["not a regular file"], {}),
    "text before the JSON on describe": ("faulty", "bad_describe", "BAD_JSON", ["model v0.0.1 ready"], {}),
    "binary garbage on describe": ("hostile", "describe_garbage", "BAD_JSON", ["stdout began"], {}),
    "claims a region it never answers": ("hostile", "unanswered_region", "MISSING_REGION", ["region 'IT' was requested but not answered"], {}),
}


def error_text(document: dict) -> str:
    problems = "\n".join(" ".join(str(v) for v in problem.values()) for problem in document["problems"])
    return f"{document['message']}\n{problems}\n{document['details']}"


@pytest.mark.parametrize("scenario", list(CONTAINED))
def test_attack_is_contained(scenario, engine, exported, test_image, tmp_path, capsys):
    kind, fault, code, texts, limits = CONTAINED[scenario]
    image = test_image(kind, fault)
    home = make_home(tmp_path, exported, **limits)
    started = time.monotonic()
    assert main(["--home", str(home), "score", image, IT_BENCHMARK, "--json"]) == 1
    elapsed = time.monotonic() - started
    document = json.loads(capsys.readouterr().out)
    assert code in {p["code"] for p in document["problems"]}, document
    text = error_text(document)
    for expected in texts:
        assert expected in text, (expected, text[:3000])
    assert leftovers(engine, home) == NOTHING_LEFT
    assert elapsed < 60


def test_the_output_quota_stops_a_5_gb_write_at_the_quota(engine, exported, hostile_image, tmp_path, capsys):
    """The kernel refuses the write at limits.output: the file it stopped holds exactly the quota, not a byte more."""
    home = make_home(tmp_path, exported)
    assert main(["--home", str(home), "score", hostile_image("huge_file"), IT_BENCHMARK, "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    (problem,) = document["problems"]
    # the kernel stopped blob.bin at exactly the quota (the total may also hold the small answer written after it,
    # when the watchdog's poll comes later than the model's next writes)
    assert "blob.bin (64.0 MiB)" in problem["message"], problem
    assert problem["expected"] == "less than 64.0 MiB (limits.output)"
    assert leftovers(engine, home) == NOTHING_LEFT


def test_a_slow_start_still_succeeds(engine, exported, hostile_image, tmp_path, capsys):
    home = make_home(tmp_path, exported)
    assert main(["--home", str(home), "score", hostile_image("slow_start"), IT_BENCHMARK, "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["inputs"]["model"]["identifier"] == "hostile-slow-start"
    assert {**leftovers(engine, home), "records": 0} == NOTHING_LEFT
    assert leftovers(engine, home)["records"] == 1


def test_an_image_impersonating_another_is_refused_by_submit(engine, hostile_image, tmp_path, capsys):
    """gabor-c@1.0.0 is held by the gabor-c image; a different image describing itself so is not queued."""
    from braindock.config import load_settings
    from braindock.submissions import Queue, Submission

    home = make_home(tmp_path, tmp_path / "store")
    holder = engine.inspect("braindock/model-gabor-c:1.0.0").image_id
    queue = Queue.for_settings(load_settings(home))
    original = Submission(tmp_path / "gabor-c" / "submission.yaml", {"name": "gabor-c", "image": "braindock/model-gabor-c:1.0.0"})
    queue.add(original, holder, {"identifier": "gabor-c", "version": "1.0.0", "modality": "image"}, "checked")
    folder = tmp_path / "impostor"
    folder.mkdir()
    image = hostile_image("impersonate")
    (folder / "submission.yaml").write_text(
        f"name: impostor\nimage: {image}\ncontact: {{name: Eve, email: eve@example.org}}\nlicense: MIT\n"
        "description: scores of another lab's model, please\n")
    assert main(["--home", str(home), "submit", str(folder), "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    (problem,) = document["problems"]
    assert problem["code"] == "IDENTIFIER_TAKEN" and problem["expected"] == f"image {holder}"
    assert "--supersede" in problem["fix"] and "gabor-c@1.0.0 was submitted on" in problem["message"]
    assert [row["submission_id"] for row in queue.list()] == [holder]
    assert leftovers(engine, home) == NOTHING_LEFT
