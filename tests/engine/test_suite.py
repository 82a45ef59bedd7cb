"""`braindock suite` end to end, as a user runs it (a subprocess): local pool and a real one-node Slurm cluster.

2 models (pixels in Python, gabor-c in C) x 3 benchmarks (V1 and V2 share their 360 images, so each model runs once
for both; the language benchmark is not committed to): 4 pairs, 2 distinct model runs.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from braindock.execution.engines.base import LABEL_WORK_DIR

PIXELS = "braindock/model-pixels:1.0.0"
GABOR = "braindock/model-gabor-c:1.0.0"
V1 = "braindock/benchmark-freemanziemba2013-v1:1.0.0"
V2 = "braindock/benchmark-freemanziemba2013-v2:1.0.0"
LANGUAGE = "braindock/benchmark-pereira2018-language:1.0.0"
SUITE = ["--model", PIXELS, "--model", GABOR, "--benchmark", V1, "--benchmark", V2, "--benchmark", LANGUAGE]


@pytest.fixture(scope="module")
def images(engine):
    """The suite's images only (a no-op when built)."""
    from braindock.commands.build import build_images
    from braindock.config import load_settings

    return build_images(load_settings(), tags=(PIXELS, GABOR, V1, V2, LANGUAGE), quiet=True)


@pytest.fixture(scope="module")
def slurm():
    """A running Slurm controller and node (containers/slurm/setup.sh, run by .ci/run and the nox session)."""
    done = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().startswith(("idle", "mixed", "allocated")), \
        f"Slurm is not up ({done.stderr.strip() or done.stdout.strip()}): run containers/slurm/setup.sh"


def braindock(home: Path, *argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "braindock.cli", "--home", str(home), *argv], capture_output=True, text=True,
                          timeout=1800, **kwargs)


def suite_json(home: Path, *argv: str) -> dict:
    done = braindock(home, "suite", *SUITE, *argv, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def ledger(home: Path) -> tuple[dict[str, str], int]:
    """pair label -> record_id, and how many confirmations (the same inputs scored again)."""
    with sqlite3.connect(home / "ledger.sqlite") as connection:
        rows = connection.execute("SELECT record_id, model_identifier, benchmark_identifier FROM records").fetchall()
        confirmed = connection.execute("SELECT count(*) FROM confirmations").fetchone()[0]
    return {f"{m} on {b}": r for r, m, b in rows}, confirmed


def computed_runs(home: Path) -> int:
    """Model containers the suite started: runs whose answer was computed (not found in the activation cache)."""
    return sum(json.loads(p.read_text())["computed"] for p in home.glob("suites/*/runs/*/executed.json"))


def leftovers(home: Path) -> list[str]:
    """Containers, work folders and suite worker processes left behind for this home."""
    work = home / "work"
    found = [f"work folder {p.name}" for p in work.iterdir()] if work.exists() else []
    names = subprocess.run(["docker", "ps", "-a", "--filter", f"label={LABEL_WORK_DIR}", "--format", "{{.Names}} {{.Label \"" + LABEL_WORK_DIR + "\"}}"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    found += [f"container {line}" for line in names if str(home) in line]
    workers = subprocess.run(["pgrep", "-f", f"--home {home} worker"], capture_output=True, text=True).stdout.split()
    return found + [f"worker process {pid}" for pid in workers]


def test_local_suite_runs_each_distinct_request_once_and_a_rerun_starts_nothing(images, tmp_path):
    home = tmp_path / "home"
    done = braindock(home, "suite", *SUITE, "--jobs", "2", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    first = json.loads(done.stdout)
    for model in (PIXELS, GABOR):  # planning progress goes to stderr beside --json: V1 and V2 share one request
        assert f"planned: model {model}: 2 pairs, 1 model runs" in done.stderr
    assert sorted(p["state"] for p in first["pairs"]) == ["done"] * 4
    assert len(first["skipped"]) == 2 and all("language" in s["benchmark"] for s in first["skipped"])
    scored, confirmed = ledger(home)
    assert len(scored) == 4 and confirmed == 0
    assert computed_runs(home) == 2  # V1 and V2 ask each model the same request
    timings = sorted(p.name for p in home.glob("suites/*/timings/*.json"))

    again = suite_json(home)
    assert [p["record_id"] for p in again["pairs"]] == [p["record_id"] for p in first["pairs"]]
    assert sorted(p.name for p in home.glob("suites/*/timings/*.json")) == timings  # no job ran at all
    assert ledger(home) == (scored, 0)
    assert leftovers(home) == []

    status = braindock(home, "suite", "status", *SUITE, "--json")
    assert status.returncode == 0 and {p["state"] for p in json.loads(status.stdout)["pairs"]} == {"done"}


def test_slurm_gives_the_records_the_local_pool_gives(images, slurm, tmp_path):
    local, cluster = tmp_path / "local", tmp_path / "slurm"
    suite_json(local, "--jobs", "2")
    on_slurm = suite_json(cluster, "--executor", "slurm", "--per-task", "2")
    assert {p["state"] for p in on_slurm["pairs"]} == {"done"}
    assert ledger(cluster) == ledger(local)
    logs = list(cluster.glob("suites/*/logs/braindock-*.log"))
    assert len(logs) == 1 + 2  # one log per array task of 2 jobs: one for both model runs, two for the 4 scores
    assert leftovers(cluster) == []


def _kill_after_first_score(home: Path, *argv: str) -> None:
    """Start the suite, SIGKILL the submitting process once a first score is finished (spooled or in the ledger)."""
    process = subprocess.Popen([sys.executable, "-m", "braindock.cli", "--home", str(home), "suite", *SUITE, *argv],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and process.poll() is None:
        if list(home.glob("spool/*.record.json")) or (home / "ledger.sqlite").exists():
            break
        time.sleep(0.2)
    assert process.poll() is None, "the suite finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _assert_whole_and_clean(home: Path) -> None:
    with sqlite3.connect(home / "ledger.sqlite") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    scored, confirmed = ledger(home)
    assert len(scored) == 4 and confirmed == 0  # every pair scored exactly once
    assert not list(home.glob("spool/*.record.json"))
    deadline = time.monotonic() + 60  # watchdogs remove what a killed worker left, within seconds
    while leftovers(home) and time.monotonic() < deadline:
        time.sleep(1)
    assert leftovers(home) == []


def test_kill_9_of_a_local_suite_loses_no_score_and_a_rerun_finishes_it(images, tmp_path):
    home = tmp_path / "home"
    _kill_after_first_score(home, "--jobs", "1")
    again = suite_json(home)
    assert {p["state"] for p in again["pairs"]} == {"done"}
    _assert_whole_and_clean(home)


def test_kill_9_of_a_slurm_submitter_leaves_its_jobs_running_and_a_rerun_waits_for_them(images, slurm, tmp_path):
    home = tmp_path / "home"
    _kill_after_first_score(home, "--executor", "slurm")  # one 2-CPU slot here: tasks of 1 job (2 runs, 4 scores < 4 waves)
    again = suite_json(home, "--executor", "slurm")
    assert {p["state"] for p in again["pairs"]} == {"done"}
    _assert_whole_and_clean(home)
    mine = subprocess.run(["squeue", "-h", "-n", "braindock-run,braindock-score", "-o", "%i"], capture_output=True, text=True).stdout
    assert mine.strip() == ""


def test_a_task_slurm_ends_is_reported_with_its_state_and_log_tail(images, slurm, faulty_image, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    slow = faulty_image("slow")  # sleeps 60 s in run
    process = subprocess.Popen([sys.executable, "-m", "braindock.cli", "--home", str(home), "suite", "--model", slow,
                                "--benchmark", V1, "--executor", "slurm", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (found := list(home.glob("suites/*/slurm-jobs.json"))) and time.monotonic() < deadline:
        time.sleep(0.5)
    (run_array,) = [a["id"] for a in json.loads(found[0].read_text()) if a["stage"] == "run"]
    while "RUNNING" not in subprocess.run(["squeue", "-h", "-j", run_array, "-o", "%T"], capture_output=True, text=True).stdout:
        time.sleep(0.5)
    subprocess.run(["scancel", run_array], check=True)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 1, out + err
    (pair,) = json.loads(out)["pairs"]
    assert pair["state"] == "failed" and pair["reason"].startswith("[SLURM_CANCELLED]") and "log tail:" in pair["reason"]


def test_unknown_executor_and_unreachable_slurm_are_refused_before_anything_runs(tmp_path):
    home = tmp_path / "home"
    unknown = braindock(home, "suite", "--model", PIXELS, "--benchmark", V1, "--executor", "kubernetes")
    assert unknown.returncode == 2 and "UNKNOWN_EXECUTOR" in unknown.stderr and "local, slurm" in unknown.stderr
    command = [sys.executable, "-m", "braindock.cli", "--home", str(home), "suite", "--model", PIXELS, "--benchmark", V1, "--executor", "slurm"]
    missing = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PATH": str(tmp_path)}, timeout=600)
    assert missing.returncode == 2 and "SLURM_MISSING" in missing.stderr and "scontrol" in missing.stderr
    conf = tmp_path / "slurm.conf"  # a cluster whose controller is not there
    conf.write_text(Path("/etc/slurm/slurm.conf").read_text() + "SlurmctldPort=6999\n")
    down = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "SLURM_CONF": str(conf)}, timeout=600)
    assert down.returncode == 2 and "SLURM_DOWN" in down.stderr and "slurmctld" in down.stderr
    assert not (home / "suites").exists()  # refused before anything was planned
