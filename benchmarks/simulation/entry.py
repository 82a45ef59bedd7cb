"""Benchmark container entrypoint: `export` copies the built benchmark to /output; `describe` prints its manifest;
`record /input/request.json` records new stimuli in the virtual experiment (simulation/virtual.py)."""
import shutil
import sys
from pathlib import Path

EXPORT = Path("/benchmark/export")

if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "describe":
        sys.stdout.write((EXPORT / "manifest.json").read_text())
    elif command == "export":
        target = Path(sys.argv[2] if len(sys.argv) > 2 else "/output")
        for child in EXPORT.iterdir():  # not copytree(EXPORT, target): the mount point's own mode is not ours to set
            if child.is_dir():
                shutil.copytree(child, target / child.name)
            else:
                shutil.copyfile(child, target / child.name)
    elif command == "record" and len(sys.argv) > 2:
        from .virtual import main

        main(sys.argv[2:])
    else:
        sys.exit("usage: entry.py describe | export [/output] | record /input/request.json [/output]")
