"""The talk's "ImageNet -> Brain-Score" in silico: across the CNN family and the reference vision models, does
object-classification accuracy (sim.Objects-accuracy, and its robustness variant) go with the IT score?

Builds the images that are missing, scores every model on the IT benchmark and the two engineering benchmarks with
`braindock suite`'s pipeline (local, one job at a time; pairs already in the ledger of BRAINDOCK_HOME are skipped),
and relates each task to the IT score with braindock.reporting.analysis.task_relation (Pearson r, percentile
bootstrap 95 % interval over models, Spearman, p corrected for the two tasks). The claim holds when accuracy's r > 0.

Usage: python tests/validity/vision_family.py [--home DIR] [--json FILE]   (exit 1 when accuracy's r is not positive)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from braindock.commands.build import build_images
from braindock.config import load_settings
from braindock.errors import UsageError
from braindock.execution.engines import get_engine
from braindock.execution.executors import get_executor
from braindock.pipeline import suite
from braindock.provenance.ledger import Ledger
from braindock.reporting import analysis, board, leaderboard
from braindock.store import Store

MODELS = tuple(f"braindock/model-{name}:1.0.0" for name in (
    "pixels", "gabor-c", "hmax-r", "alexnet", *(f"cnn-epoch{e}" for e in (0, 1, 2, 4, 8, 16))))
IT = "braindock/benchmark-majajhong2015-it:1.0.0"
TASKS = ("braindock/benchmark-objects-accuracy:1.0.0", "braindock/benchmark-objects-robustness:1.0.0")
BOOTSTRAPS = 2000


def present(engine, tag: str) -> bool:
    try:
        engine.inspect(tag)
    except UsageError:  # IMAGE_NOT_FOUND
        return False
    return True


def score(settings, engine) -> None:
    """Every model on IT and both tasks; RuntimeError naming the pairs that failed."""
    missing = [tag for tag in MODELS + (IT,) + TASKS if not present(engine, tag)]
    if missing:
        build_images(settings, tags=missing)
    planned = suite.prepare(list(MODELS), [IT, *TASKS], settings, engine)
    report = lambda state, k, n: print(f"[{k}/{n}] {state.pair.label}: {state.state}", flush=True)  # noqa: E731
    failed = [s for s in suite.run(planned, settings, get_executor("local", 1), report) if s.state != suite.DONE]
    if failed:
        raise RuntimeError("not scored: " + "; ".join(f"{s.pair.label} ({s.reason.splitlines()[0] if s.reason else s.state})" for s in failed))


def relation(settings, engine) -> dict:
    """task_relation of each task with the IT score, on the board of these images' records alone (by image ID)."""
    ids = {image: engine.inspect(image).image_id for image in MODELS + (IT,) + TASKS}
    records = [r for r in Ledger(settings.ledger_path).records()
               if {r.inputs["model"]["image_id"], r.inputs["benchmark"]["image_id"]} <= set(ids.values())]
    found = board.build(leaderboard.rows(records), settings.home, Store(settings.store_dir))
    bench = {image: next(b for b in found.benchmarks if b.image_id == ids[image]) for image in (IT, *TASKS)}
    tasks = {bench[t].column: {m.key: s for m in found.models if (s := found.score(m, bench[t])) is not None} for t in TASKS}
    result = analysis.task_relation(found, tasks, against=bench[IT].column, n_boot=BOOTSTRAPS)
    result["accuracy"] = bench[TASKS[0]].column
    order = [ids[image] for image in MODELS]
    result["scores"] = {m.key: {bench[b].column: found.score(m, bench[b]) for b in (IT, *TASKS)}
                        for m in sorted(found.models, key=lambda m: order.index(m.image_id))}
    return result


def report(result: dict) -> str:
    columns = list(next(iter(result["scores"].values())))
    lines = [f"  {'model':<24} " + " ".join(f"{c:>28}" for c in columns)]
    lines += [f"  {model:<24} " + " ".join(f"{'—' if v is None else f'{v:.3f}':>28}" for v in values.values())
              for model, values in result["scores"].items()]
    lines.append(f"  task vs {result['against']}: Pearson r, percentile bootstrap 95 % over models ({BOOTSTRAPS}), "
                 f"Spearman, p ({result['correction']}-corrected over the {len(result['tasks'])} tasks), n models")
    for t in result["tasks"]:
        if t["r"] is None:
            lines.append(f"  {t['task']}: {t['reason']}")
            continue
        lines.append(f"  {t['task']}: r = {t['r']:.3f} [{t['ci95'][0]:.3f}, {t['ci95'][1]:.3f}], Spearman {t['spearman']:.3f}, "
                     f"p = {t['p']:.3g} (corrected {t['p_corrected']:.3g}), n = {t['n']}, mean accuracy {t['mean_task_value']:.3f}")
    return "\n".join(lines)


def positive(result: dict) -> bool:
    """The claim: accuracy on clean images goes with the IT score (r > 0)."""
    accuracy = next(t for t in result["tasks"] if t["task"] == result["accuracy"])
    return accuracy["r"] is not None and accuracy["r"] > 0


def run(home: Path | None = None) -> dict:
    settings = load_settings(home)
    engine = get_engine(settings.engine)
    score(settings, engine)
    return relation(settings, engine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="BRAINDOCK_HOME to score into (default: the usual one)")
    parser.add_argument("--json", type=Path, help="also write the result as JSON")
    args = parser.parse_args(argv)
    result = run(args.home)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0 if positive(result) else 1


if __name__ == "__main__":
    sys.exit(main())
