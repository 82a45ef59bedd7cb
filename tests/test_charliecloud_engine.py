"""The charliecloud plug-in's command line carries the same sandbox as Docker's, visible without an engine."""
import json

import pytest
from braindock.config import Limits
from braindock.errors import UsageError
from braindock.execution.engines import ContainerRun, Mount, get_engine
from braindock.execution.engines.base import NETWORK_TRAP
from braindock.execution.engines.charliecloud_engine import CharliecloudEngine, mount_point, run_args, user_ids

CONFIG = {"Entrypoint": ["python3", "/model/model.py"], "Env": ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"], "WorkingDir": "/benchmark"}


def _spec(tmp_path, **changes):
    fields = {"image": "m:1", "command": ("run", "/input/request.json"),
              "mounts": (Mount(tmp_path / "in", "/input"), Mount(tmp_path / "out", "/output", read_only=False)),
              "limits": Limits(memory="2g", pids=64, timeout_s=10), "env": (("BRAINDOCK_INPUT", "/input"),)}
    return ContainerRun(**{**fields, **changes})


def _chain(args):
    """(sandbox order, unshare flags, read-only sources, ch-run flags, image root, command) of a run's argument list."""
    unshare, sh, ch_run = args.index("unshare"), args.index("sh"), args.index("ch-run")
    separator = args.index("--", ch_run)
    return (json.loads(args[3]), args[unshare + 1:sh - 1], args[sh + 4:ch_run - 1], args[ch_run + 1:separator - 1],
            args[separator - 1], args[separator + 1:])


def test_run_args_apply_the_sandbox(tmp_path):
    order, unshare, read_only, flags, root, command = _chain(run_args(_spec(tmp_path), tmp_path / "tree", CONFIG, 4242))
    assert command == ["python3", "/model/model.py", "run", "/input/request.json"]  # entrypoint + command, as Docker does
    assert root == str(tmp_path / "tree")
    assert {"--user", "--map-root-user", "--net", "--mount", "--pid", "--kill-child"} <= set(unshare)  # own network namespace, unprivileged
    assert read_only == [str((tmp_path / "in").resolve())]  # /input re-bound read-only; /output is not
    assert "--uid=65534" in flags and "--gid=65534" in flags and "--private-tmp" in flags and "--cd=/benchmark" in flags
    assert "--write" not in flags and "-w" not in flags  # the image stays read-only
    assert f"--bind={(tmp_path / 'in').resolve()}:/input" in flags and f"--bind={(tmp_path / 'out').resolve()}:/output" in flags
    environment = [flag.removeprefix("--set-env=") for flag in flags if flag.startswith("--set-env=")]
    assert flags.index("--unset-env=*") < flags.index("--set-env=PATH=/usr/bin:/bin")  # the host's environment never enters
    assert environment == ["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/tmp", "BRAINDOCK_INPUT=/input"]
    assert order == {"parent": 4242, "rlimits": {"RLIMIT_AS": 2 * 1024**3, "RLIMIT_NPROC": 64}, "seccomp": None}


def test_the_network_trap_and_the_output_quota_reach_the_sandbox(tmp_path):
    order = _chain(run_args(_spec(tmp_path, trap_network=True, output_quota=1000), tmp_path, CONFIG, 1))[0]
    assert order["seccomp"] == str(NETWORK_TRAP)  # the very profile Docker and podman get
    assert order["rlimits"]["RLIMIT_FSIZE"] == 1000


def test_image_command_is_used_when_the_run_gives_none(tmp_path):
    command = _chain(run_args(_spec(tmp_path, command=()), tmp_path, {"Cmd": ["/gabor", "describe"]}, 1))[-1]
    assert command == ["/gabor", "describe"]
    assert "--cd=/" in _chain(run_args(_spec(tmp_path), tmp_path, {"Cmd": ["x"]}, 1))[3]


@pytest.mark.parametrize("changes, code", [
    ({"limits": Limits(network="bridge")}, "UNSUPPORTED_NETWORK"),
    ({"limits": Limits(user="nobody")}, "BAD_USER"),
    ({"command": ()}, "NO_COMMAND"),
])
def test_what_charliecloud_cannot_do_is_refused(tmp_path, changes, code):
    with pytest.raises(UsageError) as caught:
        run_args(_spec(tmp_path, **changes), tmp_path, {}, 1)
    assert caught.value.problems[0].code == code


def test_user_ids():
    assert user_ids("65534:65534") == ("65534", "65534") and user_ids("1000") == ("1000", "1000")


def test_mount_points_are_made_inside_the_tree_only(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    mount_point(root, "/input")
    assert (root / "input").is_dir()
    (root / "escape").symlink_to(tmp_path)
    with pytest.raises(UsageError):
        mount_point(root, "/escape/elsewhere")
    assert not (tmp_path / "elsewhere").exists()


def test_the_engine_is_registered_and_caches_under_braindock_home(tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINDOCK_HOME", str(tmp_path / "home"))
    engine = get_engine("charliecloud")
    assert isinstance(engine, CharliecloudEngine) and engine.name == "charliecloud"
    assert engine.cache_dir == (tmp_path / "home" / "charliecloud").resolve()
    assert CharliecloudEngine(tmp_path / "c").cache_dir == tmp_path / "c"

