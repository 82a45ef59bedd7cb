"""Benchmark entrypoint of the broken test benchmarks: `export DIR` copies /benchmark/export, with the fault $FAULT."""
import os
import shutil
import socket
import sys
import time
from pathlib import Path

EXPORT = Path("/benchmark/export")
FAULT = os.environ.get("FAULT", "none")

if __name__ == "__main__":
    if sys.argv[1:2] != ["export"]:
        sys.exit("usage: entry.py export DIR")
    target = Path(sys.argv[2])
    if FAULT == "crash":
        sys.exit("cannot find the recordings")
    if FAULT == "network":  # looks for newer data, swallows the failure silently and carries on
        try:
            socket.create_connection(("93.184.216.34", 443), timeout=2).close()
        except OSError:
            pass
    for child in EXPORT.iterdir():
        if child.is_dir():
            shutil.copytree(child, target / child.name)
        else:
            shutil.copyfile(child, target / child.name)
    if FAULT == "nondeterministic":  # a time stamp in the manifest
        manifest = target / "manifest.json"
        manifest.write_text(manifest.read_text().replace('"citation"', f'"description": "exported {time.time_ns()}", "citation"', 1))
