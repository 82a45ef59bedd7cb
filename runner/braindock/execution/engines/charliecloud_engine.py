"""Charliecloud: the daemonless, unprivileged engine HPC sites use; the same ContainerRun, the same sandbox as Docker.

An image is converted once from the local Docker image (`ch-convert`) into a directory cached under
BRAINDOCK_HOME/charliecloud/<Docker image ID>, so the Docker image ID stays the content key and records are the same
on every engine. Each run is a chain of argument lists, each step exec-ing the next:

    python (sandbox_exec: rlimits, network trap, die with the runner)
      -> unshare --user --map-root-user --net --mount --pid --fork --kill-child   (no network interface up)
      -> sh READ_ONLY_BINDS (each read-only mount source re-bound read-only: ch-run's own binds are read-write)
      -> ch-run --uid/--gid, image read-only, private /tmp, only the image's environment -> the image's entrypoint

Limits: time by killing the process group (the pid namespace goes with it); memory as RLIMIT_AS (address space per
process, so an allocation past it fails, it is not killed); pids as RLIMIT_NPROC (counted per host user and not
enforced for root); the output quota as RLIMIT_FSIZE per file. CPUs are not limited (a Slurm allocation does that).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from ...errors import EngineError, Problem, UsageError
from .base import NETWORK_TRAP, ContainerRun, Engine, ImageInfo, RunResult, memory_bytes
from .docker_engine import DockerEngine

TOOLS = ("ch-run", "ch-convert", "unshare", "mount")
# Runs inside the private mount namespace: binds each path before `--` onto itself read-only, then execs the rest.
READ_ONLY_BINDS = ('while [ "$1" != -- ]; do mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 125; shift; done; '
                   'shift; exec "$@"')
_SCMP_ACTION = {"SCMP_ACT_ALLOW": 0x7FFF0000, "SCMP_ACT_KILL_PROCESS": 0x80000000}
_SCMP_COMPARE = {"SCMP_CMP_NE": 1, "SCMP_CMP_LT": 2, "SCMP_CMP_LE": 3, "SCMP_CMP_EQ": 4, "SCMP_CMP_GE": 5, "SCMP_CMP_GT": 6}


def user_ids(user: str) -> tuple[str, str]:
    """'65534:65534' -> ('65534', '65534'); ch-run takes numeric IDs only."""
    uid, _, gid = str(user).partition(":")
    if not uid.isdigit() or not (gid or uid).isdigit():
        raise UsageError(f"limits.user {user!r} is not numeric", [Problem(
            "limits.user", "BAD_USER", "charliecloud runs as a numeric UID[:GID]", "write it as numbers, e.g. 65534:65534")])
    return uid, gid or uid


def sandbox_order(spec: ContainerRun, parent_pid: int) -> dict:
    """What sandbox_exec sets before the container starts: rlimits, the network trap, the runner to die with."""
    rlimits = {"RLIMIT_AS": memory_bytes(spec.limits.memory), "RLIMIT_NPROC": int(spec.limits.pids)}
    if spec.output_quota:
        rlimits["RLIMIT_FSIZE"] = int(spec.output_quota)
    return {"parent": parent_pid, "rlimits": rlimits, "seccomp": str(NETWORK_TRAP) if spec.trap_network else None}


def run_args(spec: ContainerRun, root: Path, config: dict, parent_pid: int) -> list[str]:
    """The command line for `spec` on the image tree `root` with Docker image config `config` (pure, testable without an engine)."""
    if spec.limits.network != "none":
        raise UsageError(f"charliecloud cannot give network {spec.limits.network!r}", [Problem(
            "limits.network", "UNSUPPORTED_NETWORK", "charliecloud runs either with no network or with the host's",
            "set limits.network: none, or use engine: docker")])
    uid, gid = user_ids(spec.limits.user)
    command = [*(config.get("Entrypoint") or ()), *(spec.command or config.get("Cmd") or ())]
    if not command:
        raise UsageError(f"{spec.image} has no entrypoint and no command was given", [Problem(
            spec.image, "NO_COMMAND", "nothing to run", "give the image an ENTRYPOINT")])
    environment = [*(config.get("Env") or ()), "HOME=/tmp", *(f"{key}={value}" for key, value in spec.env)]
    read_only = [str(Path(m.source).resolve()) for m in spec.mounts if m.read_only]
    args = [sys.executable, "-c", f"from {__name__} import sandbox_exec; sandbox_exec()", json.dumps(sandbox_order(spec, parent_pid)),
            "unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork", "--kill-child", "--",
            "sh", "-c", READ_ONLY_BINDS, "sh", *read_only, "--",
            "ch-run", "--no-passwd", "--private-tmp", f"--uid={uid}", f"--gid={gid}", f"--cd={config.get('WorkingDir') or '/'}",
            "--unset-env=*", "--env-no-expand", *(f"--set-env={pair}" for pair in environment)]
    for mount in spec.mounts:
        args.append(f"--bind={Path(mount.source).resolve()}:{mount.target}")
    return [*args, str(root), "--", *command]


def sandbox_exec() -> None:
    """`python -c` entry of a run: apply sys.argv[1]'s order (sandbox_order) to this process, then exec sys.argv[2:].

    Everything set here is inherited by the whole chain: the rlimits, the seccomp filter (no_new_privs set, as ch-run
    sets anyway), and SIGKILL when the runner that started us dies (the pid namespace dies with us).
    """
    order, command = json.loads(sys.argv[1]), sys.argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != order["parent"]:  # the runner died before the line above
        os._exit(137)
    for name, value in order["rlimits"].items():
        limit = getattr(resource, name)
        hard = resource.getrlimit(limit)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # an unprivileged user cannot raise a hard limit
        resource.setrlimit(limit, (value, value))
    if order["seccomp"]:
        load_seccomp(json.loads(Path(order["seccomp"]).read_text()))
    os.execvp(command[0], command)


def load_seccomp(profile: dict) -> None:
    """Install a Docker-format seccomp profile (default action, syscalls with argument comparisons) through libseccomp."""
    class ArgCmp(ctypes.Structure):
        _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]

    lib = ctypes.CDLL("libseccomp.so.2")
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(ArgCmp)]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    context = lib.seccomp_init(_SCMP_ACTION[profile["defaultAction"]])
    for rule in profile["syscalls"]:
        compared = [ArgCmp(a["index"], _SCMP_COMPARE[a["op"]], a["value"], a.get("valueTwo", 0)) for a in rule.get("args", ())]
        array = (ArgCmp * max(len(compared), 1))(*compared)
        for name in rule["names"]:
            if lib.seccomp_rule_add_array(context, _SCMP_ACTION[rule["action"]], lib.seccomp_syscall_resolve_name(name.encode()),
                                          len(compared), array) != 0:
                raise OSError(f"libseccomp refused the rule for {name}")
    if lib.seccomp_load(context) != 0:
        raise OSError("libseccomp could not load the network trap")


class CharliecloudEngine(Engine):
    name = "charliecloud"

    def __init__(self, cache_dir: Path | None = None):
        """`cache_dir` holds the converted images (default: BRAINDOCK_HOME/charliecloud)."""
        if cache_dir is None:
            from ...config import load_settings

            cache_dir = load_settings().home / "charliecloud"
        self.cache_dir = Path(cache_dir)
        self.docker = DockerEngine()  # where images come from: identity, conversion source, build, save, load

    def inspect(self, image: str) -> ImageInfo:
        return self.docker.inspect(image)

    def run(self, spec: ContainerRun) -> RunResult:
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if spec.trap_network and ctypes.util.find_library("seccomp") is None:
            missing.append("libseccomp (for the network trap)")
        if missing:
            raise EngineError("charliecloud is not installed", [Problem("charliecloud", "ENGINE_UNREACHABLE", f"not on PATH: {', '.join(missing)}",
                                                                        "apt-get install charliecloud util-linux mount libseccomp2 (containers/setup.sh)")])
        root, config = self.image_tree(spec.image)
        for target in ("/tmp", *(m.target for m in spec.mounts)):  # ch-run binds only onto paths the image has
            mount_point(root, target)
        args = run_args(spec, root, config, os.getpid())
        start = time.monotonic()
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=_with_user(), start_new_session=True)
        timed_out = False
        try:
            stdout, stderr = process.communicate(timeout=spec.limits.timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process.pid)
            stdout, stderr = process.communicate()
        finally:
            if process.poll() is None:  # interrupted while waiting: take the container down with us
                _kill_group(process.pid)
                process.wait()
        code = -1 if timed_out else (128 - process.returncode if process.returncode < 0 else process.returncode)
        # oom_killed stays False: past RLIMIT_AS an allocation fails (the log says so) rather than a kill being recorded
        return RunResult(code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"), time.monotonic() - start, timed_out)

    def image_tree(self, image: str) -> tuple[Path, dict]:
        """(root directory, Docker image config) of `image`, converted on first use and kept by image ID."""
        image_id = self.inspect(image).image_id
        folder = self.cache_dir / image_id.removeprefix("sha256:")
        if not (folder / "config.json").exists():
            self._convert(image, image_id, folder)
        return folder / "rootfs", json.loads((folder / "config.json").read_text())

    def _convert(self, image: str, image_id: str, folder: Path) -> None:
        """ch-convert the Docker image into a fresh folder, then move it into place whole (nothing half-written is kept)."""
        staging = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}")
        staging.mkdir(parents=True)
        try:
            convert = ["ch-convert", "--in-fmt", "docker", "--out-fmt", "dir", "--tmp", str(staging), image, str(staging / "rootfs")]
            converted = subprocess.run(convert, capture_output=True, text=True, check=False, env=_with_user())
            if converted.returncode != 0:
                raise EngineError(f"ch-convert could not convert {image}", [Problem(image, "CONVERT_FAILED", f"exit {converted.returncode}",
                                                                                    "read ch-convert's output below")],
                                  details=(converted.stdout + converted.stderr)[-2000:])
            if self.inspect(image).image_id != image_id:
                raise EngineError(f"{image} changed while it was converted", [Problem(image, "IMAGE_CHANGED", "the tag now names another image",
                                                                                      "run again once the image is no longer being rebuilt")])
            config = self.docker.client.images.get(image_id).attrs.get("Config") or {}
            (staging / "config.json").write_text(json.dumps(config, sort_keys=True))
            try:
                staging.rename(folder)
            except OSError:
                if not (folder / "config.json").exists():  # not another run that converted it first
                    raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def build(self, context: Path, tag: str, dockerfile: str | None = None, build_args: dict[str, str] | None = None) -> ImageInfo:
        """Charliecloud has no Dockerfile builder here: Docker builds, the image is converted at its first run."""
        return self.docker.build(context, tag, dockerfile, build_args)

    def save(self, image: str, path: Path) -> None:
        """Docker's archive format, so that bundles are the same whichever engine ran them."""
        self.docker.save(image, path)

    def load(self, path: Path) -> list[str]:
        return self.docker.load(path)


def _with_user() -> dict[str, str]:
    """The runner's environment with $USER, which ch-run and ch-convert want (--unset-env keeps it out of the container)."""
    return {**os.environ, "USER": os.environ.get("USER") or str(os.getuid())}


def _kill_group(pid: int) -> None:
    """SIGKILL the run's process group (the pid namespace dies with its first process); gone already is fine."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def mount_point(root: Path, target: str) -> None:
    """Create the empty folder `target` in the image tree (as Docker does for its mount points), never outside the tree."""
    path = root / target.lstrip("/")
    if not path.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"mount target {target} leaves the image", [Problem(target, "BAD_MOUNT_TARGET", "a link in the image points outside it",
                                                                             "mount onto a plain folder of the image")])
    path.mkdir(parents=True, exist_ok=True)
