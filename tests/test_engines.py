"""Container runs are built as data: policy (no network, read-only inputs, limits, non-root) is visible without an engine."""

import pytest
from braindock.config import Limits
from braindock.errors import UsageError
from braindock.execution.engines import ContainerRun, Mount, RunResult, get_engine
from braindock.execution.engines.docker_engine import memory_bytes, run_kwargs


def test_run_kwargs_apply_the_sandbox(tmp_path):
    spec = ContainerRun(
        image="m:1", command=("run", "/input/request.json"),
        mounts=(Mount(tmp_path / "in", "/input"), Mount(tmp_path / "out", "/output", read_only=False)),
        limits=Limits(memory="2g", cpus=1.5, pids=64, timeout_s=10),
    )
    kwargs = run_kwargs(spec)
    assert kwargs["command"] == ["run", "/input/request.json"]  # an argument list, never a shell string
    assert kwargs["network_mode"] == "none"
    assert kwargs["user"] == "65534:65534"
    assert kwargs["read_only"] is True and kwargs["cap_drop"] == ["ALL"]
    assert kwargs["mem_limit"] == 2 * 1024**3 and kwargs["nano_cpus"] == 1_500_000_000 and kwargs["pids_limit"] == 64
    assert kwargs["volumes"][str((tmp_path / "in").resolve())] == {"bind": "/input", "mode": "ro"}
    assert kwargs["volumes"][str((tmp_path / "out").resolve())] == {"bind": "/output", "mode": "rw"}


@pytest.mark.parametrize("text, expected", [("512m", 512 * 2**20), ("4g", 4 * 2**30), ("1024", 1024), ("1.5G", int(1.5 * 2**30))])
def test_memory_units(text, expected):
    assert memory_bytes(text) == expected


def test_unknown_engine_lists_known_ones():
    with pytest.raises(UsageError) as caught:
        get_engine("singularity")
    assert "docker" in caught.value.problems[0].fix


def test_tail_keeps_last_lines():
    result = RunResult(1, "\n".join(f"out {i}" for i in range(30)), "boom", 0.1)
    assert result.tail(3).splitlines() == ["out 28", "out 29", "boom"]


def test_podman_args_apply_the_same_sandbox(tmp_path):
    from braindock.execution.engines.podman_engine import run_args

    spec = ContainerRun(image="m:1", command=("run", "/input/request.json"),
                        mounts=(Mount(tmp_path / "in", "/input"),), limits=Limits(memory="2g"), env=(("A", "b"),))
    args = run_args(spec, "c1")
    assert args[:2] == ["podman", "run"] and args[-3:] == ["m:1", "run", "/input/request.json"]
    pairs = dict(zip(args, args[1:]))
    assert pairs["--network"] == "none" and pairs["--user"] == "65534:65534" and pairs["--memory"] == "2g"
    assert f"{(tmp_path / 'in').resolve()}:/input:ro" in args and "--read-only" in args and "A=b" in args


def test_the_network_trap_is_one_seccomp_profile_for_both_engines():
    import json

    from braindock.execution.engines.base import NETWORK_TRAP
    from braindock.execution.engines.podman_engine import run_args

    spec = ContainerRun(image="m:1", command=("run",), trap_network=True)
    docker_opts = run_kwargs(spec)["security_opt"]
    assert docker_opts[0] == "no-new-privileges"
    profile = json.loads(docker_opts[1].removeprefix("seccomp="))  # the SDK takes the profile's content
    assert profile == json.loads(NETWORK_TRAP.read_text())
    assert {(rule["names"][0], rule["args"][0]["value"]) for rule in profile["syscalls"]} == {
        ("connect", 16), ("connect", 28), ("sendto", 16), ("sendto", 28)}  # sizeof sockaddr_in / sockaddr_in6
    assert f"seccomp={NETWORK_TRAP}" in run_args(spec, "n")  # podman reads the file
    assert len(run_kwargs(ContainerRun(image="m:1", command=("run",)))["security_opt"]) == 1
