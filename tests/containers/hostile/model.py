"""Hostile test model: a valid model (tests/containers/faulty with no fault) plus one attack on the sandbox, $FAULT.

Before answering: net_tcp_quiet, net_udp, net_dns, net_ipv6 (network attempts), write_input, write_root, setuid,
proc_write, docker_socket (probes that print what happened and exit 3), fork_bomb, memory_blowup, infinite_loop,
huge_file (5 GB into /output), many_files (many files each under the quota), slow_start, describe_garbage.
After answering: inf, short_npy, duplicate_ids, fifo_output, unanswered_region, impersonate (describes itself as
gabor-c@1.0.0).
"""
import json
import os
import socket
import sys
import time

import numpy as np

FAULT = os.environ.get("FAULT", "none")
os.environ["FAULT"] = "none"
sys.path.insert(0, "/model")
import faulty  # noqa: E402  (the valid behaviour; reads FAULT at import)

OUT = "/output"
CHUNK = b"\0" * (1 << 20)


def fact(name, attempt):
    """Run `attempt`; print what happened as 'FACT name: ...' (the test reads it from the log)."""
    try:
        result = attempt()
        print(f"FACT {name}: allowed {result!r}", file=sys.stderr)
    except OSError as exc:
        print(f"FACT {name}: denied ({exc.strerror or exc})", file=sys.stderr)


def probe():
    if FAULT == "write_input":
        fact("write /input", lambda: open("/input/request.json", "a").write("x"))
        fact("create in /input", lambda: open("/input/planted", "w").write("x"))
    if FAULT == "write_root":
        fact("write /", lambda: open("/planted", "w").write("x"))
        fact("write /etc/passwd", lambda: open("/etc/passwd", "a").write("x"))
    if FAULT == "setuid":
        print(f"FACT uid: {os.getuid()} {os.geteuid()}", file=sys.stderr)
        fact("setuid 0", lambda: os.setuid(0))
        status = open("/proc/self/status").read()
        print("FACT " + next(line for line in status.splitlines() if line.startswith("CapEff")), file=sys.stderr)
        print("FACT " + next(line for line in status.splitlines() if line.startswith("NoNewPrivs")), file=sys.stderr)
    if FAULT == "proc_write":
        fact("write /proc/sys/kernel/hostname", lambda: open("/proc/sys/kernel/hostname", "w").write("owned"))
        fact("write /proc/sysrq-trigger", lambda: open("/proc/sysrq-trigger", "w").write("h"))
    if FAULT == "docker_socket":
        for path in ("/var/run/docker.sock", "/run/podman/podman.sock", "/run/containerd/containerd.sock"):
            def connect(path=path):
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(path)
            fact(f"connect {path}", connect)
    sys.exit(3)


def attack_before():
    if FAULT == "net_tcp_quiet":  # tries, swallows the failure, and would answer validly
        try:
            socket.create_connection(("1.1.1.1", 443), timeout=2)
        except OSError:
            pass
    if FAULT == "net_udp":
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello", ("192.0.2.1", 9))
    if FAULT == "net_dns":
        socket.getaddrinfo("weights.example.org", 443)
    if FAULT == "net_ipv6":
        socket.socket(socket.AF_INET6).connect(("2001:db8::1", 443))
    if FAULT in ("write_input", "write_root", "setuid", "proc_write", "docker_socket"):
        probe()
    if FAULT == "fork_bomb":
        children = 0
        while True:
            try:
                if os.fork() == 0:
                    time.sleep(600)
                    os._exit(0)
                children += 1
            except OSError as exc:
                print(f"fork failed after {children} children: {exc}", file=sys.stderr)
                sys.exit(1)
    if FAULT == "memory_blowup":
        hoard = []
        while True:
            hoard.append(np.ones(1 << 25))  # 256 MiB each, touched
    if FAULT == "infinite_loop":
        while True:
            pass
    if FAULT == "huge_file":  # 5 GB; the kernel stops the file at the quota, the model carries on regardless
        written = 0
        try:
            with open(f"{OUT}/blob.bin", "wb") as handle:
                for _ in range(5 * 1024):
                    handle.write(CHUNK)
                    written += 1
        except OSError as exc:
            print(f"stopped after {written} MiB: {exc}", file=sys.stderr)
    if FAULT == "many_files":  # files of 8 MiB, each under the quota, 1 GiB in all
        try:
            for k in range(128):
                with open(f"{OUT}/part-{k:03d}.bin", "wb") as handle:
                    for _ in range(8):
                        handle.write(CHUNK)
        except OSError as exc:
            print(f"stopped at part {k}: {exc}", file=sys.stderr)
    if FAULT == "slow_start":
        time.sleep(8)


def rewrite_response(change):
    path = f"{OUT}/response.json"
    response = json.load(open(path))
    change(response)
    json.dump(response, open(path, "w"))


def attack_after():
    if FAULT == "inf":
        array = np.load(f"{OUT}/IT.npy")
        array[2, 0, 0] = np.inf
        np.save(f"{OUT}/IT.npy", array)
    if FAULT == "short_npy":
        size = os.path.getsize(f"{OUT}/IT.npy")
        os.truncate(f"{OUT}/IT.npy", size // 2)
    if FAULT == "duplicate_ids":
        def duplicate(response):
            for entry in response["activations"].values():
                entry["stimulus_ids"][-1] = entry["stimulus_ids"][0]
        rewrite_response(duplicate)
    if FAULT == "fifo_output":  # a pipe where the array should be: a reader would wait for ever
        os.remove(f"{OUT}/IT.npy")
        os.mkfifo(f"{OUT}/IT.npy")
    if FAULT == "unanswered_region":
        rewrite_response(lambda response: response["activations"].pop("IT"))


def describe():
    if FAULT == "describe_garbage":
        sys.stdout.buffer.write(bytes(range(256)) * 4096)  # 1 MiB of bytes that are not JSON
        return
    description = dict(faulty.DESCRIPTION, identifier=f"hostile-{FAULT.replace('_', '-')}")
    if FAULT == "impersonate":
        description.update(identifier="gabor-c", version="1.0.0")
    print(json.dumps(description))


if __name__ == "__main__":
    if sys.argv[1:2] == ["describe"]:
        describe()
    elif sys.argv[1:2] == ["run"]:
        attack_before()
        faulty.run(sys.argv[2])
        attack_after()
    else:
        sys.exit("usage: model.py describe | run REQUEST")
