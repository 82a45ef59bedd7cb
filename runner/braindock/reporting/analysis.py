"""What the scores reveal, computed across models: benchmark x benchmark correlations (with bootstrap intervals over
models), brain score against task performance (corrected for the number of tasks), and "benchmark n+1" (does a
model's mean over k benchmarks predict its rank on a held-out one)."""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy import stats

from ..errors import Problem, UsageError, ValidationError
from .board import DOMAINS, Board, ModelInfo

MIN_MODELS = 3  # a correlation over fewer models is not computed
CORRECTION = "Benjamini-Hochberg"  # scipy.stats.false_discovery_control(method="bh"), over the tasks of one table


def too_few(n: int) -> str:
    return f"{n} model(s) scored on both; a correlation needs at least {MIN_MODELS}"


def _rowwise_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each row of x with the same row of y (NaN where a row is constant)."""
    x = x - x.mean(axis=1, keepdims=True)
    y = y - y.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y).sum(axis=1) / np.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))


def correlate(x: list[float], y: list[float], n_boot: int = 1000, seed: int = 0) -> dict:
    """Pearson and Spearman r with p, and percentile bootstrap 95 % intervals from resampling the models."""
    x_, y_ = np.asarray(x, float), np.asarray(y, float)
    out: dict = {"n": len(x_)}
    if len(x_) < MIN_MODELS:
        return out | {"reason": too_few(len(x_))}
    if np.ptp(x_) == 0 or np.ptp(y_) == 0:
        return out | {"reason": "one side is the same for every model; a correlation is undefined"}
    picks = np.random.default_rng(seed).integers(0, len(x_), size=(n_boot, len(x_)))
    for name, transform, test in (("pearson", lambda a: a, stats.pearsonr), ("spearman", lambda a: stats.rankdata(a, axis=-1), stats.spearmanr)):
        r, p = test(x_, y_)
        boot = _rowwise_pearson(transform(x_[picks]), transform(y_[picks]))
        boot = boot[np.isfinite(boot)]
        out[name] = {"r": float(r), "p": float(p), "ci95": [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))]}
    return out


def pairs(board: Board, a, b) -> tuple[list[ModelInfo], list[float], list[float]]:
    """The models scored on both benchmarks, and their two scores."""
    models = [m for m in board.models if board.score(m, a) is not None and board.score(m, b) is not None]
    return models, [board.score(m, a) for m in models], [board.score(m, b) for m in models]


def benchmark_correlations(board: Board, n_boot: int = 1000, seed: int = 0) -> dict:
    """Every pair of benchmarks (brain and engineering alike, each on one scale) over the models scored on both."""
    benchmarks = board.one_scale(board.benchmarks)
    names = [b.column for b in benchmarks]
    table = []
    for a, b in combinations(benchmarks, 2):
        models, x, y = pairs(board, a, b)
        table.append({"a": a.column, "b": b.column, "models": [m.key for m in models], **correlate(x, y, n_boot, seed)})
    return {"benchmarks": names, "pairs": table, "bootstrap": n_boot, "interval": "percentile bootstrap 95% over models"}


def brain_scores(board: Board, against: str) -> dict[str, float]:
    """Per model key: its mean over the brain benchmarks of a domain (`vision`, `language`), or one benchmark's score."""
    if against in DOMAINS:
        return {m.key: a.mean for m in board.models if (a := board.average(m, against)).mean is not None}
    found = [b for b in board.benchmarks if b.column == against]
    if not found:
        raise UsageError(f"nothing to correlate tasks with: {against!r} is neither a domain nor a benchmark in the ledger", [
            Problem("--against", "UNKNOWN_BENCHMARK", f"{against!r} is unknown",
                    f"use one of: {', '.join(DOMAINS + tuple(b.column for b in board.benchmarks))}")])
    return {m.key: s for m in board.models if (s := board.score(m, found[0])) is not None}


def engineering_tasks(board: Board) -> dict[str, dict[str, float]]:
    """The engineering benchmarks as tasks: task -> model key -> value."""
    return {b.column: {m.key: row.record.result["score"] for m, row in board.rows_of(b)} for b in board.engineering_benchmarks()}


def read_task_csv(path: Path, board: Board) -> dict[str, dict[str, float]]:
    """A CSV of model,task,value (model by key, identifier@version, identifier or image ID); every bad row reported."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file", [Problem(str(path), "NO_FILE", "the task file does not exist", "give a CSV with columns model,task,value")])
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("model", "task", "value") if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(f"{path}: not a task table", [Problem(
                f"{path}:1", "MISSING_COLUMN", f"missing column(s) {', '.join(missing)}", "the first line must be: model,task,value",
                expected="model,task,value", found=",".join(reader.fieldnames or []))])
        tasks: dict[str, dict[str, float]] = {}
        problems = []
        for line, row in enumerate(reader, start=2):
            where = f"{path}:{line}"
            model = board.find_model((row["model"] or "").strip())
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                value = math.nan
            if model is None:
                problems.append(Problem(f"{where}:model", "UNKNOWN_MODEL", f"{row['model']!r} names no single model in the ledger",
                                        "use a model key from `braindock leaderboard` (identifier@version) or its image ID",
                                        expected="one of " + ", ".join(m.key for m in board.models), found=repr(row["model"])))
            if not math.isfinite(value):
                problems.append(Problem(f"{where}:value", "NOT_A_NUMBER", "the value is not a finite number", "write a number such as 0.73",
                                        found=repr(row["value"])))
            elif model is not None:
                task = (row["task"] or "").strip()
                if model.key in tasks.get(task, {}):
                    problems.append(Problem(where, "DUPLICATE", f"{model.key} has a second value for task {task!r}", "keep one row per model and task"))
                tasks.setdefault(task, {})[model.key] = value
    if problems:
        raise ValidationError(f"{path}: {len(problems)} problem(s); nothing was analysed", problems)
    return tasks


def task_relation(board: Board, tasks: dict[str, dict[str, float]], against: str | None = None, domain: str = "vision",
                  n_boot: int = 1000, seed: int = 0) -> dict:
    """Per task: Pearson r between brain score and task value over the models having both, its p, the p corrected
    for the number of tasks (Benjamini-Hochberg), n models and the mean task value. The brain score is `against`
    (a domain's average or one benchmark); by default an engineering benchmark's own domain, else `domain`."""
    own = {b.column: b.domain for b in board.engineering_benchmarks()}
    table = []
    for task, values in sorted(tasks.items()):
        target = against or own.get(task, domain)
        brain = brain_scores(board, target)
        keys = [k for k in values if k in brain]
        result = correlate([brain[k] for k in keys], [values[k] for k in keys], n_boot, seed)
        table.append({"task": task, "against": target, "models": keys, "n": len(keys),
                      "mean_task_value": float(np.mean([values[k] for k in keys])) if keys else None,
                      "r": result.get("pearson", {}).get("r"), "p": result.get("pearson", {}).get("p"),
                      "ci95": result.get("pearson", {}).get("ci95"), "spearman": result.get("spearman", {}).get("r"),
                      "reason": result.get("reason"), "points": [[brain[k], values[k]] for k in keys]})
    tested = [row for row in table if row["p"] is not None]
    if tested:
        for row, corrected in zip(tested, stats.false_discovery_control([row["p"] for row in tested], method="bh")):
            row["p_corrected"] = float(corrected)
    return {"against": against or f"each task's domain ({domain} for --task values)", "correction": CORRECTION, "tasks": table}


def next_benchmark(board: Board, domain: str = "vision", max_subsets: int = 200, seed: int = 0) -> dict:
    """For k = 1 .. B-1: mean Spearman, over held-out benchmarks and k-subsets of the others, between a model's mean
    over the k benchmarks and its score on the held-out one (models scored on all k+1)."""
    benchmarks = board.averaged(domain)
    rng = np.random.default_rng(seed)
    curve = []
    for k in range(1, len(benchmarks)):
        rhos = []
        for held in benchmarks:
            others = [b for b in benchmarks if b is not held]
            subsets = list(combinations(range(len(others)), k))
            if len(subsets) > max_subsets:
                subsets = [subsets[i] for i in rng.choice(len(subsets), max_subsets, replace=False)]
            for subset in subsets:
                chosen = [others[i] for i in subset]
                models = [m for m in board.models if all(board.score(m, b) is not None for b in chosen + [held])]
                if len(models) < MIN_MODELS:
                    continue
                x = [float(np.mean([board.score(m, b) for b in chosen])) for m in models]
                y = [board.score(m, held) for m in models]
                if np.ptp(x) > 0 and np.ptp(y) > 0:
                    rhos.append(float(stats.spearmanr(x, y)[0]))
        curve.append({"k": k, "comparisons": len(rhos), "mean_spearman": float(np.mean(rhos)) if rhos else None,
                      "sd": float(np.std(rhos)) if rhos else None})
    return {"domain": domain, "benchmarks": [b.column for b in benchmarks], "curve": curve}


def not_enough_models(board: Board) -> UsageError:
    return UsageError(f"the analysis needs at least {MIN_MODELS} models; the ledger has {len(board.models)}", [Problem(
        "ledger", "TOO_FEW_MODELS", f"models: {', '.join(m.key for m in board.models)}; no correlation computed, no plot drawn",
        "score more models on the same benchmarks (`braindock score MODEL_IMAGE BENCHMARK_IMAGE`)")])


def analyse(board: Board, out: Path, tasks: dict[str, dict[str, float]] | None = None, domain: str = "vision",
            against: str | None = None, n_boot: int = 1000, seed: int = 0) -> dict:
    """All three analyses, their plots as out/<name>.png and .svg; a part without enough data says why, with no plot."""
    from . import figures

    if len(board.models) < MIN_MODELS:
        raise not_enough_models(board)
    tasks = {**engineering_tasks(board), **(tasks or {})}
    result = {"models": [m.key for m in board.models],
              "correlations": benchmark_correlations(board, n_boot, seed),
              "task": task_relation(board, tasks, against, domain, n_boot, seed),
              "next_benchmark": next_benchmark(board, domain, seed=seed)}
    if any("pearson" in p for p in result["correlations"]["pairs"]):
        result["correlations"]["plots"] = {m: figures.correlation_heatmap(result["correlations"], m, out / f"correlation-{m}")
                                           for m in ("spearman", "pearson")}
    else:
        result["correlations"]["reason"] = f"no pair of benchmarks has {MIN_MODELS} models scored on both"
    if any(t["r"] is not None for t in result["task"]["tasks"]):
        result["task"]["plot"] = figures.task_scatter(result["task"], out / "brain-vs-task")
    else:
        result["task"]["reason"] = ("no task values: give --task FILE.csv (model,task,value) or score engineering benchmarks"
                                    if not tasks else f"no task has {MIN_MODELS} models with a brain score")
    if any(c["mean_spearman"] is not None for c in result["next_benchmark"]["curve"]):
        result["next_benchmark"]["plot"] = figures.next_benchmark_curve(result["next_benchmark"], out / "next-benchmark")
    else:
        result["next_benchmark"]["reason"] = f"needs 2+ {domain} benchmarks with {MIN_MODELS} models scored on each held-out set"
    return result
