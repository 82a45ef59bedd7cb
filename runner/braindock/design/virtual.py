"""Virtual experiments: a simulated benchmark's container records new stimuli (`record`), sandboxed like a model run.

The benchmark image answers in its own container (no network, non-root, /input read-only); no model container
ever sees it or its answer. `verify` shows it three sets (the selection, a random set of the same size, the opposite
selection) and reports each set's measured target response in SD units of the random set, with bootstrap 95 % CIs.
"""
from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

from ..config import Settings
from ..contract.assemblies import average_repetitions, load_neural
from ..contract.benchmark import Benchmark
from ..contract.run_request import lay_out_stimuli, write_request
from ..errors import Problem, UsageError, ValidationError
from ..execution import containers
from ..execution.engines import Engine
from .predict import target_columns, target_sites

BOOTSTRAPS = 2000


def require_virtual(benchmark: Benchmark) -> None:
    """UsageError unless the benchmark is simulated neural on images, or on sentences (langnet's `sentences` design):
    the ones whose container can `record`."""
    manifest = benchmark.manifest
    sentences = manifest["modality"] == "text" and manifest.get("generative_model", {}).get("design") == "sentences"
    if not manifest.get("simulated") or manifest.get("kind", "neural") != "neural" or not (manifest["modality"] == "image" or sentences):
        what = "real recordings" if not manifest.get("simulated") else f"a simulated {manifest.get('kind', 'neural')} {manifest['modality']} benchmark"
        raise UsageError(f"benchmark {benchmark.image.reference} cannot record new stimuli", [
            Problem(f"{benchmark.identifier} manifest.json", "NO_VIRTUAL_EXPERIMENT",
                    f"it holds {what}: only simulated neural benchmarks of images or of sentences have a virtual experiment (`record`)",
                    "drop --verify, or verify on a simulated V1/V2/V4/IT or language-network sentences benchmark")])


def record(engine: Engine, settings: Settings, benchmark: Benchmark, stimulus_set: dict, root: Path, seed: int) -> xr.DataArray:
    """The virtual brain's single trials (presentation, neuroid, time_bin) for every stimulus of `stimulus_set`."""
    require_virtual(benchmark)
    manifest, image = benchmark.manifest, benchmark.image.reference
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=settings.work_dir, prefix="record-"))
    try:
        input_dir = work / "input"
        degrees = manifest.get("visual_degrees")  # shown as the benchmark shows its own: no rescaling
        stimuli = lay_out_stimuli(stimulus_set, root, input_dir, manifest["modality"], degrees, degrees)
        recorded = benchmark.recordings()
        bins = manifest.get("time_bins") or [[float(recorded["time_bin_start"].values[0]), float(recorded["time_bin_end"].values[0])]]
        write_request(input_dir, manifest["modality"], stimuli, [manifest["region"]], bins,
                      manifest["number_of_trials"], seed, degrees)
        spec = dataclasses.replace(containers.model_run_spec(image, settings.limits, input_dir, work / "output"),
                                   command=("record", f"{containers.INPUT}/request.json", containers.OUTPUT),
                                   label=f"benchmark {image}")
        result = engine.run(spec)
        containers.check_exit(result, f"benchmark {image}", "record (virtual experiment; an image built before `record` "
                              "existed cannot: rebuild it)", settings.limits, trapped=True)
        path = work / "output" / "recordings.nc"
        if not path.is_file():
            raise ValidationError(f"benchmark {image}: `record` wrote no recordings.nc", [
                Problem(f"benchmark {image} /output", "NO_RECORDINGS", "the virtual experiment answered nothing",
                        "rebuild the benchmark image from benchmarks/simulation")])
        return load_neural(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def per_stimulus(recordings: xr.DataArray, region: str, target: str, who: str) -> dict[str, float]:
    """Each stimulus's measured target response: repetition-averaged, then the site (or the region's mean)."""
    columns = target_columns(target_sites(recordings, region), target, who)
    recorded = recordings.isel(neuroid=(recordings["region"] == region).values)
    averaged = average_repetitions(recorded)
    values = np.asarray(averaged.values)[:, columns].mean(axis=1)
    return dict(zip((str(s) for s in averaged["stimulus_id"].values), values.tolist()))


def in_random_sd(sets: dict[str, list[str]], measured: dict[str, float], seed: int) -> dict[str, dict]:
    """Each set's mean response minus the random set's, over the random set's per-stimulus SD; bootstrap 95 % CI
    (stimuli resampled within every set, the random set's mean and SD resampled with it)."""
    values = {name: np.array([measured[s] for s in ids]) for name, ids in sets.items()}
    random = values["random"]
    rng = np.random.default_rng(seed)
    draws = {name: rng.integers(0, v.size, (BOOTSTRAPS, v.size)) for name, v in values.items()}
    boot_random = random[draws["random"]]
    centre, spread = boot_random.mean(axis=1), boot_random.std(axis=1, ddof=1)
    out = {}
    for name, v in values.items():
        point = (v.mean() - random.mean()) / random.std(ddof=1)
        boot = (v[draws[name]].mean(axis=1) - centre) / spread
        low, high = np.percentile(boot, [2.5, 97.5])
        out[name] = {"sd_units": float(point), "ci95": [float(low), float(high)], "mean_response": float(v.mean()),
                     "n": int(v.size)}
    return out


def plot(result: dict[str, dict], title: str, path: Path) -> None:
    """The three sets' responses in random-SD units with their 95 % intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result)
    figure, axis = plt.subplots(figsize=(4.5, 3.2))
    for x, name in enumerate(names):
        low, high = result[name]["ci95"]
        axis.errorbar([x], [result[name]["sd_units"]], yerr=[[result[name]["sd_units"] - low], [high - result[name]["sd_units"]]],
                      fmt="o", capsize=4)
    axis.axhline(0, color="grey", lw=0.8)
    axis.set_xticks(range(len(names)), names)
    axis.set_ylabel("measured response (SD of random set)")
    axis.set_title(title, fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
