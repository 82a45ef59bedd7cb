"""Executors without a scheduler: the registry, and the sbatch options a suite's limits become."""
import pytest
from braindock.config import Limits
from braindock.errors import UsageError
from braindock.execution.executors import EXECUTORS, get_executor
from braindock.execution.executors.slurm import _minutes, chunks, jobs_per_task, sbatch_options


def test_an_unknown_executor_lists_the_known_ones():
    with pytest.raises(UsageError) as caught:
        get_executor("kubernetes")
    (problem,) = caught.value.problems
    assert problem.code == "UNKNOWN_EXECUTOR" and all(name in problem.fix for name in EXECUTORS)


def test_limits_become_slurm_options(tmp_path):
    options = sbatch_options(Limits(memory="4g", cpus=2.0, timeout_s=1800.0), tmp_path, "braindock-run", dependency="42")
    assert "--time=47" in options  # the container's 30 min limit x 1.5 for start-up and scoring, + 2 min
    assert "--mem=5120M" in options and "--cpus-per-task=2" in options  # 4 GiB for the container + 1 GiB for the worker
    assert "--dependency=afterany:42" in options and f"--output={tmp_path}/braindock-run-%A_%a.log" in options
    assert not any(o.startswith("--dependency") for o in sbatch_options(Limits(), tmp_path, "braindock-run"))
    grouped = sbatch_options(Limits(memory="4g", cpus=2.0, timeout_s=1800.0), tmp_path, "braindock-run", jobs_per_task=8)
    assert "--time=362" in grouped  # 8 jobs in turn, each up to 45 min, + 2 min


def test_per_task_is_a_slurm_option_of_one_or_more():
    assert get_executor("slurm", per_task=4).per_task == 4
    for name, value in (("local", 4), ("slurm", 0)):
        with pytest.raises(UsageError) as caught:
            get_executor(name, per_task=value)
        assert caught.value.problems[0].code == "BAD_PER_TASK"


def test_arrays_are_cut_below_slurms_max_array_size():
    keys = [f"k{i}" for i in range(2503)]
    cut = chunks(keys, 1000)
    assert [len(c) for c in cut] == [1000, 1000, 503] and sum(cut, []) == keys
    assert chunks([], 1000) == []
    assert chunks(chunks(keys[:20], 8), 1000) == [[keys[:8], keys[8:16], keys[16:20]]]  # keys per task, tasks per array


def test_a_stage_is_cut_into_four_tasks_per_slot_within_the_partitions_time_limit():
    assert jobs_per_task(245, slots=1, minutes_per_job=47, max_minutes=None) == 62  # one slot: 4 tasks of 62, 62, 62, 59
    assert jobs_per_task(245, slots=100, minutes_per_job=47, max_minutes=None) == 1  # a big cluster: one job a task
    assert jobs_per_task(50_000, slots=100, minutes_per_job=47, max_minutes=None) == 125
    assert jobs_per_task(245, slots=1, minutes_per_job=47, max_minutes=24 * 60) == 30  # (1440 - 2) // 47
    assert jobs_per_task(245, slots=1, minutes_per_job=47, max_minutes=30) == 1


def test_slurm_time_limits_read_in_minutes():
    cases = {"infinite": None, "30": 30, "30:00": 30, "1:00:00": 60, "2-00:00:00": 2880, "1-12": 2160, "0:30:30": 31}
    assert {text: _minutes(text) for text in cases} == cases


def test_a_killed_worker_stops_looking_alive_even_before_it_is_reaped(tmp_path):
    """The suite's own check of a local job: a SIGKILLed worker that is still a zombie (no one reaped it yet, as
    when the submitter that forked it was killed) holds no job."""
    import os
    import signal
    import time
    from types import SimpleNamespace

    from braindock.pipeline.suite import _alive, _hold

    pair = SimpleNamespace(key="p1", run_key="r1")
    assert not _alive(tmp_path, pair)
    child = os.fork()
    if child == 0:
        held = _hold(tmp_path / "active" / "run-r1.lock")  # noqa: F841 (kept open: the lock lives as long as the file)
        time.sleep(60)
        os._exit(0)
    deadline = time.monotonic() + 10
    while not _alive(tmp_path, pair) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _alive(tmp_path, pair)
    os.kill(child, signal.SIGKILL)
    time.sleep(0.5)  # dead, not reaped: os.kill(child, 0) still succeeds on the zombie
    os.kill(child, 0)
    assert not _alive(tmp_path, pair)
    os.waitpid(child, 0)
