"""The charliecloud plug-in: the same record as Docker and podman, and the sandbox holds when probed from inside."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest
from braindock import pipeline
from braindock.config import Limits, load_settings
from braindock.errors import ContainerError
from braindock.execution import containers
from braindock.execution.engines import ContainerRun, Mount, get_engine
from braindock.execution.engines.base import TRAPPED_EXIT
from braindock.execution.engines.charliecloud_engine import CharliecloudEngine
from conftest import PIXELS, TESTS

GABOR = "braindock/model-gabor-c:1.0.0"  # FROM scratch: no /tmp, no /etc/passwd, no shell
V1 = "braindock/benchmark-freemanziemba2013-v1:1.0.0"
# Not under braindock-test/: other test sessions on this machine remove those at their end, and this image must
# outlive its conversion (minutes); the module removes it itself.
PROBE = "braindock-charliecloud-test/sandbox-probe:1"


@pytest.fixture(scope="module")
def charliecloud(tmp_path_factory):
    """The engine on a cache of its own (images converted once for the module, removed after)."""
    cache = tmp_path_factory.mktemp("charliecloud")
    yield CharliecloudEngine(cache)
    shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture(scope="module")
def probe(engine):
    engine.build(TESTS / "containers" / "sandbox-probe", PROBE)
    yield PROBE
    engine.client.images.remove(PROBE, force=True)


@pytest.fixture(scope="module")
def images(engine):
    """The three catalog images these tests score, built (a no-op when up to date)."""
    from braindock.commands.build import build_images

    build_images(load_settings(), tags=(PIXELS, GABOR, V1), quiet=True)


@pytest.fixture(scope="module")
def podman(images):
    """podman with the images copied from the Docker daemon (no registry here); the copies it did not hold are removed after."""
    held = set(subprocess.run(["podman", "images", "--format", "{{.Repository}}:{{.Tag}}"], capture_output=True, text=True, check=False).stdout.split())
    copied = [image for image in (PIXELS, GABOR, V1) if f"docker.io/{image}" not in held and image not in held]
    for image in copied:
        subprocess.run(["podman", "pull", "--quiet", f"docker-daemon:{image}"], check=True, capture_output=True)
    yield get_engine("podman")
    for image in copied:
        subprocess.run(["podman", "rmi", "--force", f"docker.io/{image}"], capture_output=True, check=False)


@pytest.mark.parametrize("model", [PIXELS, GABOR])
def test_docker_podman_and_charliecloud_give_the_same_record(model, engine, podman, charliecloud, tmp_path):
    records = {e.name: pipeline.score(model, V1, load_settings(tmp_path / e.name), engine=e, keep=False)
               for e in (engine, podman, charliecloud)}
    assert charliecloud.inspect(model).image_id == engine.inspect(model).image_id  # the Docker image ID stays the content key
    assert len({record.record_id for record in records.values()}) == 1
    assert records["charliecloud"].result == records["docker"].result == records["podman"].result
    assert records["charliecloud"].environment["engine"] == "charliecloud"


def test_an_image_is_converted_once_and_kept_by_its_id(charliecloud, images):
    tree, config = charliecloud.image_tree(GABOR)
    assert tree.parent.name == charliecloud.inspect(GABOR).image_id.removeprefix("sha256:")
    assert config["Entrypoint"] == ["/gabor"]
    marker = tree.parent / "config.json"
    before = marker.stat().st_mtime_ns
    assert charliecloud.image_tree(GABOR)[0] == tree and marker.stat().st_mtime_ns == before  # not converted again


def _probe(charliecloud, probe, script, tmp_path, **changes):
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "request.json").write_text("{}")
    fields = {"image": probe, "command": (script,), "limits": Limits(timeout_s=60),
              "mounts": (Mount(tmp_path / "in", "/input"), Mount(containers.writable_dir(tmp_path / "out"), "/output", read_only=False))}
    return charliecloud.run(ContainerRun(**{**fields, **changes}))


def test_only_output_and_tmp_are_writable(charliecloud, probe, tmp_path):
    script = ("id -u; for path in /input/request.json /input/new /etc/new /new /home/new /output/new /tmp/new; do "
              "if echo written > $path 2>/dev/null; then echo writable $path; else echo refused $path; fi; done; "
              "mount -o remount,rw /input 2>/dev/null && echo remounted; true")
    result = _probe(charliecloud, probe, script, tmp_path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0] == "65534"
    assert [line for line in lines if line.startswith("writable")] == ["writable /output/new", "writable /tmp/new"]
    assert "remounted" not in result.stdout
    assert (tmp_path / "in" / "request.json").read_text() == "{}" and not (tmp_path / "in" / "new").exists()
    assert (tmp_path / "out" / "new").read_text() == "written\n"


def test_no_network_interface_and_no_host_environment(charliecloud, probe, tmp_path, monkeypatch):
    monkeypatch.setenv("BRAINDOCK_SECRET_PROBE", "leaked")
    script = """python3 -c "
import errno, os, socket
print(sorted(line.split(':')[0].strip() for line in open('/proc/net/dev').readlines()[2:]))
for host in ('127.0.0.1', '1.1.1.1'):
    try:
        socket.create_connection((host, 80), timeout=5)
        print(host, 'connected')
    except OSError as error:
        print(host, errno.errorcode[error.errno])
print('BRAINDOCK_SECRET_PROBE' in os.environ, os.environ['HOME'])"
"""
    result = _probe(charliecloud, probe, script, tmp_path)
    assert result.exit_code == 0, result.stderr
    # only a loopback interface, and not even that is up (/proc/net/dev is the process's own namespace; /sys is the host's)
    assert result.stdout.splitlines() == ["['lo']", "127.0.0.1 ENETUNREACH", "1.1.1.1 ENETUNREACH", "False /tmp"]


def test_the_network_trap_stops_a_connection_attempt(charliecloud, probe, tmp_path):
    script = "python3 -c \"import socket; socket.socket().connect(('1.1.1.1', 80))\""
    trapped = _probe(charliecloud, probe, script, tmp_path, trap_network=True)
    assert trapped.exit_code == TRAPPED_EXIT
    assert _probe(charliecloud, probe, "python3 -c 'import socket; socket.socket()'; echo fine", tmp_path, trap_network=True).stdout == "fine\n"


def test_a_timeout_kills_every_process_of_the_run(charliecloud, probe, tmp_path):
    started = time.monotonic()
    result = _probe(charliecloud, probe, "sh -c 'sleep 3001' & setsid sleep 3002 & sleep 3003", tmp_path, limits=Limits(timeout_s=3))
    assert result.timed_out and result.exit_code == -1
    assert time.monotonic() - started < 20
    time.sleep(0.5)
    assert not _running("sleep 300[123]")
    with pytest.raises(ContainerError) as caught:
        containers.check_exit(result, "probe", "run", Limits(timeout_s=3))
    assert caught.value.problems[0].code == "TIMEOUT"


def test_a_memory_blow_up_is_caught(charliecloud, probe, tmp_path):
    limits = Limits(memory="300m")
    result = _probe(charliecloud, probe, "python3 -c 'print(len(bytearray(100 * 2**20))); bytearray(600 * 2**20)'", tmp_path, limits=limits)
    assert result.stdout == f"{100 * 2**20}\n"  # under the limit: fine
    assert result.exit_code == 1 and "MemoryError" in result.stderr
    with pytest.raises(ContainerError) as caught:
        containers.check_exit(result, "probe", "run", limits)
    assert caught.value.problems[0].code == "OUT_OF_MEMORY"


def test_no_file_grows_past_the_output_quota(charliecloud, probe, tmp_path):
    result = _probe(charliecloud, probe, "head -c 3000000 /dev/zero > /output/big", tmp_path, output_quota=1_000_000)
    assert result.exit_code != 0
    assert (tmp_path / "out" / "big").stat().st_size == 1_000_000


def _running(pattern: str) -> bool:
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True, check=False).returncode == 0


def test_a_run_dies_with_its_runner(charliecloud, probe):
    """SIGKILL of the process that started a run leaves nothing running (there is no daemon to clean up after it)."""
    charliecloud.image_tree(probe)  # converted before the runner starts
    code = ("from pathlib import Path; from braindock.execution.engines import ContainerRun; "
            "from braindock.execution.engines.charliecloud_engine import CharliecloudEngine; "
            f"CharliecloudEngine(Path({str(charliecloud.cache_dir)!r})).run(ContainerRun(image={probe!r}, command=('sleep 3004',)))")
    runner = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while not _running("sleep 3004") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _running("sleep 3004")
    runner.kill()
    runner.wait()
    deadline = time.monotonic() + 10
    while _running("sleep 3004") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running("sleep 3004")
