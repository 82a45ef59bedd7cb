"""Benchmark: validate a 100,000-row brainio stimulus CSV naming 100,000 small PNG files.

Prints the time of `braindock.validation.validate_path` and of a naive per-row baseline (pandas iterrows,
exists + hash + Pillow open, one file after the other) measured in the same run, and their ratio.
Target: < 30 s on a 2-core machine.

    python tests/bench/bench_validate.py [--rows 100000] [--strict]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 30.0
DISTINCT_IMAGES = 997


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--strict", action="store_true", help=f"exit 1 when validation takes longer than {TARGET_S:.0f} s")
    args = parser.parse_args(argv)

    from braindock.curation.validation import validate_path

    folder = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        started = time.perf_counter()
        csv = make_dataset(folder, args.rows)
        print(f"setup: {args.rows:,} rows and files in {time.perf_counter() - started:.1f} s ({os.cpu_count()} CPUs)")

        started = time.perf_counter()
        report = validate_path(csv)
        ours = time.perf_counter() - started
        assert report.valid, report.render()[:2000]
        facts = report.facts[str(csv)]
        assert facts["files_checked"] == args.rows, facts

        started = time.perf_counter()
        assert naive(csv) == 0
        baseline = time.perf_counter() - started

        print(f"validate_path: {ours:.2f} s ({args.rows / ours:,.0f} rows/s)")
        print(f"naive per-row baseline: {baseline:.2f} s")
        print(f"speed-up: {baseline / ours:.1f}x; target < {TARGET_S:.0f} s: {'PASS' if ours < TARGET_S else 'FAIL'}")
        return 1 if args.strict and ours >= TARGET_S else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
