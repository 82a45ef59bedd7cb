"""The analysis plots, each written as PNG and SVG (the site inlines the SVG): correlation heat map, brain score
against task value, and the benchmark n+1 curve."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "braindock", "font.size": 9})
    return plt


def _save(figure, stem: Path) -> dict[str, str]:
    """stem.png and stem.svg (no date in the SVG, so the same data gives the same file)."""
    plt = _pyplot()
    stem.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(stem.with_suffix(".png"), dpi=130)
    figure.savefig(stem.with_suffix(".svg"), metadata={"Date": None})
    plt.close(figure)
    return {"png": str(stem.with_suffix(".png")), "svg": str(stem.with_suffix(".svg"))}


def _short(name: str) -> str:
    return name.removeprefix("sim.")


def correlation_heatmap(result: dict, method: str, stem: Path) -> dict[str, str]:
    """Benchmark x benchmark `method` (pearson | spearman) r; pairs with too few common models left blank."""
    plt = _pyplot()
    names = result["benchmarks"]
    index = {n: i for i, n in enumerate(names)}
    grid = np.full((len(names), len(names)), np.nan)
    np.fill_diagonal(grid, 1.0)
    for pair in result["pairs"]:
        if method in pair:
            grid[index[pair["a"]], index[pair["b"]]] = grid[index[pair["b"]], index[pair["a"]]] = pair[method]["r"]
    side = 2.5 + 0.55 * len(names)
    figure, axes = plt.subplots(figsize=(side + 1.5, side), layout="constrained")
    image = axes.imshow(np.ma.masked_invalid(grid), cmap="RdBu_r", vmin=-1, vmax=1)
    for i in range(len(names)):
        for j in range(len(names)):
            axes.text(j, i, "n<3" if np.isnan(grid[i, j]) else f"{grid[i, j]:.2f}", ha="center", va="center", fontsize=7,
                      color="white" if abs(np.nan_to_num(grid[i, j])) > 0.6 else "black")
    axes.set_xticks(range(len(names)), [_short(n) for n in names], rotation=45, ha="right")
    axes.set_yticks(range(len(names)), [_short(n) for n in names])
    axes.set_title(f"{method.capitalize()} r across models")
    figure.colorbar(image, ax=axes, shrink=0.8)
    return _save(figure, stem)


def task_scatter(result: dict, stem: Path) -> dict[str, str]:
    """One panel per task: each model's brain score against its task value, with r and corrected p."""
    plt = _pyplot()
    tasks = result["tasks"]
    columns = min(3, len(tasks))
    lines = -(-len(tasks) // columns)
    figure, axes = plt.subplots(lines, columns, figsize=(3.4 * columns, 3 * lines), layout="constrained", squeeze=False)
    for ax, task in zip(axes.flat, tasks):
        points = np.asarray(task["points"]).reshape(-1, 2)
        ax.scatter(points[:, 0], points[:, 1], s=16)
        note = task["reason"] if task["r"] is None else f"r = {task['r']:.2f}, p corr. = {task['p_corrected']:.3g}, n = {task['n']}"
        ax.set_title(f"{_short(task['task'])}\n{note}", fontsize=8)
        ax.set_xlabel(f"brain score ({_short(task['against'])})")
        ax.set_ylabel("task value")
    for ax in list(axes.flat)[len(tasks):]:
        ax.set_visible(False)
    return _save(figure, stem)


def next_benchmark_curve(result: dict, stem: Path) -> dict[str, str]:
    """Mean Spearman (± SD over comparisons) of the k-benchmark mean with a held-out benchmark, against k."""
    plt = _pyplot()
    curve = [c for c in result["curve"] if c["mean_spearman"] is not None]
    figure, axes = plt.subplots(figsize=(4.8, 3.4), layout="constrained")
    k = np.array([c["k"] for c in curve])
    mean = np.array([c["mean_spearman"] for c in curve])
    sd = np.array([c["sd"] for c in curve])
    axes.plot(k, mean, marker="o")
    axes.fill_between(k, mean - sd, mean + sd, alpha=0.25)
    axes.set_xlabel("k benchmarks averaged")
    axes.set_ylabel("Spearman with benchmark k+1")
    axes.set_xticks(k)
    axes.set_title(f"benchmark n+1 ({result['domain']}, {len(result['benchmarks'])} benchmarks)")
    axes.axhline(0, color="black", linewidth=0.6)
    return _save(figure, stem)
