"""Plots for people who would rather look than read: the leaderboard as bars with error bars."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .leaderboard import Row, conflicts, model_key


def plot_leaderboard(table: list[Row], path: Path) -> Path:
    """Grouped bars: one group per benchmark, one bar per model image (ceiled score ± error); missing pairs left empty."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    conflicting = conflicts(table)  # two images claiming one name: two bars, each labelled with its image ID
    models = sorted({model_key(r, conflicting) for r in table})
    benchmarks = sorted({r.column for r in table})
    found = {(model_key(r, conflicting), r.column): r.record.result for r in table}
    width = 0.8 / max(len(models), 1)
    figure, axes = plt.subplots(figsize=(min(14, 4 + 1.4 * len(benchmarks)), 4.5), layout="constrained")
    for k, model in enumerate(models):
        xs, ys, es = [], [], []
        for b, benchmark in enumerate(benchmarks):
            if (model, benchmark) in found:
                xs.append(b + (k - (len(models) - 1) / 2) * width)
                ys.append(found[(model, benchmark)]["score"])
                es.append(found[(model, benchmark)]["score_error"])
        axes.bar(xs, ys, width, yerr=es, capsize=2, label=model)
    axes.axhline(0, color="black", linewidth=0.6)
    values = [v["score"] for v in found.values()]
    axes.set_ylim(min(0.0, min(values) - 0.05), max(1.0, max(values) + 0.05))  # on the scale of the ceiling
    axes.set_xticks(np.arange(len(benchmarks)), benchmarks, rotation=20, ha="right")
    axes.set_ylabel("ceiled score")
    axes.set_title("braindock leaderboard")
    axes.legend(fontsize="small", ncols=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
