"""Benchmark: CLI start-up, a stimulus CSV whose images are all absent, and one whose images are all present.

1. start-up: `braindock --help` and `braindock validate small.csv` (best of 5 runs). Target < 0.5 s each.
2. absent: `braindock validate` on a 200,000-row CSV naming files that do not exist, end to end (a subprocess,
   output included). Target < 10 s and at most 100 lines of output (repeated problems are grouped).
3. present: `validate_path` on a 100,000-row CSV naming 100,000 small PNG files, against a naive per-row baseline
   (pandas iterrows, exists + hash + Pillow open, one file after the other) measured in the same run. Target < 30 s.
The load average is printed first: on a shared machine, wall times grow with it (user+sys CPU is printed beside).

    python tests/bench/bench_validate.py [--rows 100000] [--absent-rows 200000] [--strict]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 30.0
ABSENT_TARGET_S = 10.0
ABSENT_MAX_LINES = 100
STARTUP_TARGET_S = 0.5
DISTINCT_IMAGES = 997
SIDECAR = "attrs: {license: CC-BY-4.0, citation: bench, visual_degrees: 8}\n"


def make_dataset(folder: Path, rows: int) -> Path:
    from PIL import Image

    blobs = []
    for i in range(DISTINCT_IMAGES):
        buffer = io.BytesIO()
        Image.new("RGB", (16, 16), (i % 256, (i * 7) % 256, (i * 13) % 256)).save(buffer, "PNG")
        blobs.append(buffer.getvalue())
    images = folder / "images"
    for shard in range(100):
        (images / f"{shard:02d}").mkdir(parents=True)
    lines = ["stimulus_id,filename,object_name,variation"]
    for i in range(rows):
        name = f"images/{i % 100:02d}/im{i:06d}.png"
        (folder / name).write_bytes(blobs[i % DISTINCT_IMAGES])
        lines.append(f"stim{i:06d},{name},object{i % 24},{i % 3}")
    csv = folder / "stimuli.csv"
    csv.write_text("\n".join(lines) + "\n")
    return csv


def naive(csv: Path) -> int:
    """What a first implementation does: one row at a time, every check in sequence."""
    import pandas as pd
    from PIL import Image

    problems = 0
    frame = pd.read_csv(csv)
    seen = set()
    for _, row in frame.iterrows():
        if row["stimulus_id"] in seen:
            problems += 1
        seen.add(row["stimulus_id"])
        path = os.path.join(csv.parent, row["filename"])
        if not os.path.exists(path):
            problems += 1
            continue
        with open(path, "rb") as handle:
            hashlib.sha256(handle.read()).hexdigest()
        with Image.open(path) as image:
            _ = image.size  # opening reads the header; the size makes Pillow parse it
    return problems


def timed(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, user+sys CPU s of the child, result) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result


def startup(folder: Path) -> bool:
    """Best of 5 for `braindock --help` and `braindock validate` on a one-row CSV."""
    from PIL import Image

    Image.new("RGB", (8, 8)).save(folder / "a.png")
    (folder / "small.csv").write_text("stimulus_id,filename\na,a.png\n")
    (folder / "meta.yaml").write_text(SIDECAR)
    ok = True
    small = str(folder / "small.csv")
    for label, argv, code in (("braindock --help", ["--help"], 0),
                              ("braindock validate small.csv", ["validate", small], 1),  # 1: no licence or citation
                              ("braindock validate small.csv --metadata meta.yaml", ["validate", small, "--metadata", str(folder / "meta.yaml")], 0)):
        runs = [timed([sys.executable, "-m", "braindock.cli", *argv]) for _ in range(5)]
        assert all(r.returncode == code for _, _, r in runs), runs[0][2].stdout[-2000:] + runs[0][2].stderr[-2000:]
        wall, cpu = min(w for w, _, _ in runs), min(c for _, c, _ in runs)
        ok &= wall < STARTUP_TARGET_S
        print(f"start-up {label}: {wall:.2f} s wall, {cpu:.2f} s CPU (best of 5); "
              f"target < {STARTUP_TARGET_S} s: {'PASS' if wall < STARTUP_TARGET_S else 'FAIL'}")
    return ok


def absent(folder: Path, rows: int) -> bool:
    """`braindock validate` end to end on `rows` rows whose files do not exist."""
    csv = folder / "absent.csv"
    csv.write_text("stimulus_id,filename,object_name\n"
                   + "".join(f"stim{i:06d},images/{i % 100:02d}/im{i:06d}.png,object{i % 24}\n" for i in range(rows)))
    wall, cpu, result = timed([sys.executable, "-m", "braindock.cli", "validate", str(csv), "--metadata", str(folder / "meta.yaml")])
    lines = result.stdout.count("\n")
    assert result.returncode == 1 and f"FILE_NOT_FOUND × {rows:,}" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
    ok = wall < ABSENT_TARGET_S and lines <= ABSENT_MAX_LINES
    print(f"absent images: {rows:,} rows validated in {wall:.2f} s wall ({cpu:.2f} s CPU), {lines} lines of output "
          f"({len(result.stdout):,} bytes); target < {ABSENT_TARGET_S:.0f} s and <= {ABSENT_MAX_LINES} lines: {'PASS' if ok else 'FAIL'}")
    return ok


def present(rows: int) -> bool:
    from braindock.curation.validation import validate_path

    folder = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        started = time.perf_counter()
        csv = make_dataset(folder, rows)
        print(f"setup: {rows:,} rows and files in {time.perf_counter() - started:.1f} s ({os.cpu_count()} CPUs)")

        started = time.perf_counter()
        report = validate_path(csv, metadata={"attrs": {"license": "CC-BY-4.0", "citation": "bench", "visual_degrees": 8}})
        ours = time.perf_counter() - started
        assert report.valid, report.render()[:2000]
        facts = report.facts[str(csv)]
        assert facts["files_checked"] == rows, facts

        started = time.perf_counter()
        assert naive(csv) == 0
        baseline = time.perf_counter() - started

        print(f"validate_path: {ours:.2f} s ({rows / ours:,.0f} rows/s)")
        print(f"naive per-row baseline: {baseline:.2f} s")
        print(f"speed-up: {baseline / ours:.1f}x; target < {TARGET_S:.0f} s: {'PASS' if ours < TARGET_S else 'FAIL'}")
        return ours < TARGET_S
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows with their images present (0: skip)")
    parser.add_argument("--absent-rows", type=int, default=200_000, help="rows whose images are absent (0: skip)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        ok = startup(folder)
        if args.absent_rows:
            ok &= absent(folder, args.absent_rows)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.rows:
        ok &= present(args.rows)
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
