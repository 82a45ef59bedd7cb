"""The design table (not a timed test): per reference model and simulated benchmark, k stimuli chosen from a pool of
1,000 to drive and to suppress the target, measured in the benchmark's virtual experiment in SD units of a random set
of the same size; and the separation (drive minus suppress) against the model's brain score on that benchmark.

Usage: python3 tests/design/design_table.py OUT_FOLDER [--target region-mean] [-k 20] [--models pixels,gabor-c,...]
The virtual benchmarks are images built from this checkout (benchmarks/simulation with `record`):
  docker build -f benchmarks/simulation/Dockerfile --build-arg BENCHMARK=majajhong2015-it \
    -t braindock-design/benchmark-majajhong2015-it-virtual:1 benchmarks     (and freemanziemba2013-v1 likewise)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

from pools import generate  # noqa: E402

BENCHMARKS = {  # benchmark image -> pool kind
    "braindock-design/benchmark-freemanziemba2013-v1-virtual:1": "textures",
    "braindock-design/benchmark-majajhong2015-it-virtual:1": "objects",
}
MODELS = ("pixels", "gabor-c", "hmax-r", "alexnet")


def measure(out: Path, target: str, k: int, models: list[str]) -> list[dict]:
    from braindock import pipeline
    from braindock.config import load_settings
    from braindock.design.run import Request, design
    from braindock.execution.engines import get_engine

    settings = load_settings()
    engine = get_engine(settings.engine)
    rows = []
    for benchmark, kind in BENCHMARKS.items():
        pool = out / "pools" / kind
        if not pool.exists():
            generate.generate(kind, pool, 1000)
        for name in models:
            model = f"braindock/model-{name}:1.0.0"
            row = {"model": name, "benchmark": benchmark, "target": target, "k": k, "pool": 1000}
            for goal in ("drive", "suppress"):
                folder = out / "designs" / f"{name}-{benchmark.split('/')[1].split(':')[0]}-{goal}"
                report = design(Request(model, benchmark, pool, goal, target, k, 0), folder, settings, engine, force=True, verify=True,
                                step=lambda text: print(f"  {name} {goal}: {text}", file=sys.stderr))
                measured = report["verify"]["measured"]["selected"]
                row[goal] = measured["sd_units"]
                row[f"{goal}_ci95"] = measured["ci95"]
            row["separation"] = row["drive"] - row["suppress"]
            row["brain_score"] = pipeline.score(model, benchmark, settings, engine, keep=False).result["score"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | model | brain score | drive (SD) | 95 % CI | suppress (SD) | 95 % CI | separation |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['benchmark'].split('/')[1].split(':')[0].removeprefix('benchmark-')} | {r['model']} | {r['brain_score']:.3f} | "
                     f"{r['drive']:+.2f} | [{r['drive_ci95'][0]:+.2f}, {r['drive_ci95'][1]:+.2f}] | {r['suppress']:+.2f} | "
                     f"[{r['suppress_ci95'][0]:+.2f}, {r['suppress_ci95'][1]:+.2f}] | {r['separation']:.2f} |")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5, 3.5))
    for benchmark in BENCHMARKS:
        chosen = [r for r in rows if r["benchmark"] == benchmark]
        axis.scatter([r["brain_score"] for r in chosen], [r["separation"] for r in chosen], label=benchmark.split("/")[1].split(":")[0])
        for r in chosen:
            axis.annotate(r["model"], (r["brain_score"], r["separation"]), fontsize=7)
    axis.set_xlabel("brain score (ceiled)")
    axis.set_ylabel("drive - suppress (SD of random set)")
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--target", default="region-mean")
    parser.add_argument("-k", type=int, default=20)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--report", action="store_true", help="only render OUT/design_table.json")
    args = parser.parse_args()
    path = args.out / "design_table.json"
    rows = json.loads(path.read_text()) if args.report else measure(args.out, args.target, args.k, args.models.split(","))
    path.write_text(json.dumps(rows, indent=1))
    plot(rows, args.out / "design_table.png")
    print(table(rows))


if __name__ == "__main__":
    main()
