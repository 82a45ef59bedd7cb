"""The design table (not a timed test): per reference model and simulated benchmark, k stimuli chosen from a pool
(1,000 images or 2,000 sentences) to drive and to suppress the target, measured in the benchmark's virtual experiment
in SD units of a random set of the same size; and the separation (drive minus suppress) against the model's brain
score on that benchmark. Each benchmark gets the models that read its modality (pixels cannot read a sentence).

Usage: python3 tests/design/design_table.py OUT_FOLDER [--json ROWS] [--benchmarks tuckute2024-drive,...]
         [--models minilm,...] [--target region-mean] [-k 20] [--report]
Pools and designs go under OUT_FOLDER. ROWS (default OUT_FOLDER/design_table.json) keeps every measured row: a run
replaces the rows of the (benchmark, model) pairs it measured and keeps the others, plots ROWS beside it (.png) and
prints the table of all rows and, per benchmark, whether the target is met (exit 1 if not). `--report` only renders ROWS.
The virtual benchmarks are images built from this checkout (benchmarks/simulation, which has `record`); the script
builds each one it measures (cached when the catalog's image is current), as
  docker build -f benchmarks/simulation/Dockerfile --build-arg BENCHMARK=NAME -t braindock-design/benchmark-NAME-virtual:1 benchmarks
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

from pools import generate  # noqa: E402

VISION = ("pixels", "gabor-c", "hmax-r", "alexnet")
LANGUAGE = ("ngram-unigram", "ngram-trigram", "gru-lm-step0", "gru-lm-step3000", "minilm")
BENCHMARKS = {  # benchmarks/ folder -> (pool kind, pool size, the models that read its stimuli)
    "freemanziemba2013-v1": ("textures", 1000, VISION),
    "majajhong2015-it": ("objects", 1000, VISION),
    "tuckute2024-drive": ("sentences", 2000, LANGUAGE),
}


def image(name: str) -> str:
    """The virtual benchmark image of a benchmarks/ folder."""
    return f"braindock-design/benchmark-{name}-virtual:1"


def label(benchmark: str) -> str:
    return benchmark.split("/")[1].split(":")[0].removeprefix("benchmark-")


def measure(out: Path, target: str, k: int, names: list[str], models: set[str] | None) -> list[dict]:
    from braindock import pipeline
    from braindock.config import load_settings
    from braindock.design.run import Request, design
    from braindock.execution.engines import get_engine

    settings = load_settings()
    engine = get_engine(settings.engine)
    rows = []
    for name in names:
        kind, size, readers = BENCHMARKS[name]
        benchmark = image(name)
        engine.build(REPOSITORY / "benchmarks", benchmark, dockerfile="simulation/Dockerfile", build_args={"BENCHMARK": name})
        pool = out / "pools" / f"{kind}-{size}"
        if not pool.exists():
            generate.generate(kind, pool, size)
        for model_name in [m for m in readers if models is None or m in models]:
            started = time.monotonic()
            model = f"braindock/model-{model_name}:1.0.0"
            row = {"model": model_name, "benchmark": benchmark, "target": target, "k": k, "pool": size}
            for goal in ("drive", "suppress"):
                report = design(Request(model, benchmark, pool, goal, target, k, 0), out / "designs" / f"{model_name}-{name}-{goal}",
                                settings, engine, force=True, verify=True,
                                step=lambda text: print(f"  {model_name} {goal}: {text}", file=sys.stderr))
                measured = report["verify"]["measured"]["selected"]
                row[goal] = measured["sd_units"]
                row[f"{goal}_ci95"] = measured["ci95"]
            row["separation"] = row["drive"] - row["suppress"]
            row["brain_score"] = pipeline.score(model, benchmark, settings, engine, keep=False).result["score"]
            row["seconds"] = round(time.monotonic() - started)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    return rows


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """The new rows and the old rows of pairs not measured again, in BENCHMARKS' order and each benchmark's model order."""
    measured = {(r["benchmark"], r["model"]) for r in new}
    rows = [r for r in old if (r["benchmark"], r["model"]) not in measured] + new
    order = {image(name): (index, readers) for index, (name, (_, _, readers)) in enumerate(BENCHMARKS.items())}
    return sorted(rows, key=lambda r: (order[r["benchmark"]][0], order[r["benchmark"]][1].index(r["model"])))


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | model | brain score | drive (SD) | 95 % CI | suppress (SD) | 95 % CI | separation |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {label(r['benchmark'])} | {r['model']} | {r['brain_score']:.3f} | "
                     f"{r['drive']:+.2f} | [{r['drive_ci95'][0]:+.2f}, {r['drive_ci95'][1]:+.2f}] | {r['suppress']:+.2f} | "
                     f"[{r['suppress_ci95'][0]:+.2f}, {r['suppress_ci95'][1]:+.2f}] | {r['separation']:.2f} |")
    return "\n".join(lines)


def verdict(rows: list[dict]) -> tuple[str, bool]:
    """Per benchmark, the target: its best brain score drives >= +1 SD and suppresses <= -1 SD; and how separation
    ranks with brain score (Spearman over the models). Also whether every benchmark meets the target."""
    lines, every = [], True
    for benchmark in dict.fromkeys(r["benchmark"] for r in rows):
        chosen = sorted((r for r in rows if r["benchmark"] == benchmark), key=lambda r: r["brain_score"])
        best, worst = chosen[-1], chosen[0]
        met = best["drive"] >= 1 and best["suppress"] <= -1
        every &= met
        ranks = [np.argsort(np.argsort([r[key] for r in chosen])) for key in ("brain_score", "separation")]
        rho = float(np.corrcoef(*ranks)[0, 1])
        lines.append(f"{label(benchmark)}: best brain score {best['model']} ({best['brain_score']:.3f}) drives {best['drive']:+.2f}, "
                     f"suppresses {best['suppress']:+.2f} SD: target {'met' if met else 'not met'}; lowest {worst['model']} "
                     f"separates {worst['separation']:.2f} against {best['separation']:.2f}; Spearman(brain score, separation) "
                     f"{rho:+.2f} over {len(chosen)} models")
    return "\n".join(lines), every


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(5, 3.5))
    for benchmark in dict.fromkeys(r["benchmark"] for r in rows):
        chosen = [r for r in rows if r["benchmark"] == benchmark]
        axis.scatter([r["brain_score"] for r in chosen], [r["separation"] for r in chosen], label=label(benchmark))
        for r in chosen:
            axis.annotate(r["model"], (r["brain_score"], r["separation"]), fontsize=7)
    axis.set_xlabel("brain score (ceiled)")
    axis.set_ylabel("drive - suppress (SD of random set)")
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def names(parser: argparse.ArgumentParser, option: str, given: str | None, known: list[str]) -> list[str] | None:
    """The comma-separated names of an option, each checked against the known ones (a parser error names them)."""
    if given is None:
        return None
    chosen = [n for n in given.split(",") if n]
    unknown = [n for n in chosen if n not in known]
    if unknown or not chosen:
        parser.error(f"{option}: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(known)}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for pools and designs")
    parser.add_argument("--json", type=Path, help="the rows file (default OUT/design_table.json); its plot goes beside it")
    parser.add_argument("--benchmarks", help=f"comma-separated, of {', '.join(BENCHMARKS)} (default all)")
    parser.add_argument("--models", help="comma-separated; each runs on the benchmarks of its modality (default all)")
    parser.add_argument("--target", default="region-mean")
    parser.add_argument("-k", type=int, default=20)
    parser.add_argument("--report", action="store_true", help="only render the rows file")
    args = parser.parse_args()
    chosen = names(parser, "--benchmarks", args.benchmarks, list(BENCHMARKS)) or list(BENCHMARKS)
    models = names(parser, "--models", args.models, list(dict.fromkeys(m for _, _, readers in BENCHMARKS.values() for m in readers)))
    path = args.json or args.out / "design_table.json"
    old = json.loads(path.read_text()) if path.exists() else []
    if args.report and not old:
        parser.error(f"--report: no rows in {path}; measure first (drop --report)")
    rows = old if args.report else merge(old, measure(args.out, args.target, args.k, chosen, set(models) if models else None))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, indent=1))
    plot(rows, path.with_suffix(".png"))
    text, met = verdict(rows)
    print(f"{table(rows)}\n\n{text}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
