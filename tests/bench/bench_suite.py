"""Benchmark: the reference suite through `braindock suite` with --executor local --jobs 1, --jobs 2 and slurm.

For each, from a home whose benchmarks are exported and models described but whose activation cache is empty:
wall time, model containers started (must equal the number of distinct requests), and the orchestration
overhead = wall time - time inside model containers - time inside scoring, as a share of wall time. With N
jobs at once the containers' and the scorings' times are divided by N (they overlap). Then the same suite
again: containers started (target 0) and its wall time (target < 10 s).
Targets: overhead <= 5 % locally, <= 10 % through Slurm. The load average is printed first.
Last, what 1,000 models x 50 benchmarks would cost at the measured per-run and per-score times, activation
storage and record size (the README's "Scoring at scale" section quotes this table).

    python tests/bench/bench_suite.py [--model IMAGE ...] [--benchmark IMAGE ...] [--no-slurm] [--only "local --jobs 2" ...] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOCAL_TARGET, SLURM_TARGET, RERUN_TARGET_S = 0.05, 0.10, 10.0


def braindock(home: Path, *argv: str) -> tuple[float, dict]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "braindock.cli", "--home", str(home), *argv, "--json"],
                          capture_output=True, text=True)
    wall = time.monotonic() - started
    if done.returncode not in (0, 1):
        sys.exit(f"braindock {' '.join(argv)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return wall, json.loads(done.stdout)


def suite_numbers(home: Path) -> tuple[int, int, float, float]:
    """(containers started, distinct requests, seconds inside containers, seconds inside scoring)."""
    (folder,) = home.glob("suites/*")
    runs = len(json.loads((folder / "plan.json").read_text())["runs"])
    started = sum(json.loads(p.read_text())["computed"] for p in folder.glob("runs/*/executed.json"))
    timings = [json.loads(p.read_text()) for p in folder.glob("timings/*.json")]
    return started, runs, sum(t.get("container_s", 0.0) for t in timings), sum(t.get("metric_s", 0.0) for t in timings)


def warm_home(root: Path, selection: list[str]) -> Path:
    """Benchmarks exported and models described (one `suite status`), then the suite's traces removed."""
    home = root / "warm"
    braindock(home, "suite", "status", *selection)
    shutil.rmtree(home / "suites")
    return home


def fresh_copy(warm: Path, target: Path) -> Path:
    """The warm home with an empty activation cache and an empty ledger."""
    shutil.copytree(warm, target, symlinks=True)
    shutil.rmtree(target / "store" / "refs" / "activations", ignore_errors=True)
    for name in ("ledger.sqlite", "spool"):
        path = target / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    return target


def at_scale(home: Path, models: int = 1000, benchmarks: int = 50) -> None:
    """Extrapolate the measured suite in `home` (run with --jobs 1) to `models` x `benchmarks`."""
    (folder,) = home.glob("suites/*")
    plan = json.loads((folder / "plan.json").read_text())
    timings = {p.stem: json.loads(p.read_text()) for p in folder.glob("timings/*.json")}
    runs = [t for name, t in timings.items() if name.startswith("run-") and "container_s" in t]
    scores = [t for name, t in timings.items() if name.startswith("score-") and "metric_s" in t]
    pairs, n_models = len(plan["pairs"]), len({p["model_image_id"] for p in plan["pairs"]})
    n_benchmarks = len({p["benchmark_image_id"] for p in plan["pairs"]})
    runs_per_pair = len(plan["runs"]) / pairs
    container_s = sum(t["container_s"] for t in runs) / len(runs)
    metric_s = sum(t["metric_s"] for t in scores) / len(scores)
    activations = sum(f.stat().st_size for f in (home / "store" / "objects").rglob("*") if f.is_file() and "/response/" in str(f))
    activation_per_run = activations / max(1, len(runs))
    ledger_per_record = (home / "ledger.sqlite").stat().st_size / pairs
    total_pairs = models * benchmarks
    total_runs = total_pairs * runs_per_pair
    print(f"\nmeasured: {pairs} pairs of {n_models} models x {n_benchmarks} benchmarks, {len(plan['runs'])} distinct runs "
          f"({runs_per_pair:.2f} per pair), {container_s:.1f} s per run in its container, {metric_s:.2f} s per score, "
          f"{activation_per_run / 1e6:.1f} MB of activations per run, {ledger_per_record / 1e3:.1f} kB of ledger per record")
    print(f"at {models:,} models x {benchmarks} benchmarks: {total_pairs:,} scores, {total_runs:,.0f} container runs, "
          f"{total_runs * container_s / 3600:,.0f} container-hours (up to 2 CPUs each), {total_pairs * metric_s / 3600:,.0f} CPU-hours "
          f"of scoring, {total_runs * activation_per_run / 1e12:.2f} TB of activations "
          f"({benchmarks * runs_per_pair * activation_per_run / 1e9:.2f} GB per model), ledger {total_pairs * ledger_per_record / 1e9:.2f} GB",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--benchmark", action="append", default=[])
    parser.add_argument("--no-slurm", action="store_true")
    parser.add_argument("--only", action="append", default=[], help="run only this configuration (its label, repeat)")
    parser.add_argument("--keep", type=Path, help="keep the homes here (e.g. for `braindock --home DIR/slurm leaderboard`)")
    args, _ = parser.parse_known_args()
    if not (args.model or args.benchmark):  # the reference suite: the catalog, named explicitly
        from braindock.catalog import load_catalog

        catalog = load_catalog()
        args.model = [image.tag for image in catalog if image.kind == "model"]
        args.benchmark = [image.tag for image in catalog if image.kind == "benchmark"]
    selection = [item for m in args.model for item in ("--model", m)] + [item for b in args.benchmark for item in ("--benchmark", b)]
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} on {os.cpu_count()} cores", flush=True)
    configurations = [("local --jobs 1", ["--executor", "local", "--jobs", "1"], 1, LOCAL_TARGET),
                      ("local --jobs 2", ["--executor", "local", "--jobs", "2"], 2, LOCAL_TARGET)]
    if not args.no_slurm:
        configurations.append(("slurm", ["--executor", "slurm"], 1, SLURM_TARGET))  # cpus-per-task 2 on a 2-CPU node: one at a time
    configurations = [c for c in configurations if not args.only or c[0] in args.only]
    done = subprocess.run([sys.executable, "-m", "braindock.cli", "build", *args.model, *args.benchmark], capture_output=True, text=True)
    if done.returncode != 0:  # images built is the bench's starting point, not part of what it measures
        sys.exit(f"braindock build failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as scratch:
        root = args.keep or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        warm = warm_home(root, selection)
        print(f"{'executor':<16} {'pairs':>5} {'wall':>8} {'containers':>10} {'requests':>8} {'in containers':>13} "
              f"{'in scoring':>10} {'overhead':>8} {'target':>6} | {'rerun':>6} {'containers':>10}", flush=True)
        for label, options, parallel, target in configurations:
            home = fresh_copy(warm, root / label.replace(" ", "_"))
            wall, result = braindock(home, "suite", *selection, *options)
            started, requests, containers, scoring = suite_numbers(home)
            overhead = (wall - (containers + scoring) / parallel) / wall
            before = len(list(home.glob("suites/*/runs/*/executed.json")))
            rerun_wall, _ = braindock(home, "suite", *selection, *options)
            rerun_started = len(list(home.glob("suites/*/runs/*/executed.json"))) - before
            verdict = "met" if overhead <= target and started == requests and rerun_started == 0 and rerun_wall < RERUN_TARGET_S else "MISSED"
            print(f"{label:<16} {len(result['pairs']):>5} {wall:>7.1f}s {started:>10} {requests:>8} {containers:>12.1f}s "
                  f"{scoring:>9.1f}s {overhead:>7.1%} {target:>6.0%} | {rerun_wall:>5.1f}s {rerun_started:>10}  {verdict}", flush=True)
        if (root / "local_--jobs_1").exists():
            at_scale(root / "local_--jobs_1")


if __name__ == "__main__":
    main()
