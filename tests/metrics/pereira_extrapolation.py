"""The extrapolation ceiling of the simulated Pereira2018 language benchmark under both curves (about 10 min each on
2 quiet cores): Brain-Score language's exponential and `curve="reliability"`, against the generator's declared
sqrt(reliability) for infinitely many subjects.

    python tests/metrics/pereira_extrapolation.py

Builds the recordings with benchmarks/simulation/language.py exactly as `braindock build` does (float32 storage
included) and scores them with the benchmark.json's own ceiling parameters; prints the ceiling, the measured r at
each number of subjects and the time.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
from braindock.metrics import get_ceiling
from braindock.testing import neural_assembly

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from simulation import language  # noqa: E402

config = json.loads((ROOT / "benchmarks" / "pereira2018-language" / "benchmark.json").read_text())
sentences = language.passages(config)
features = language.stage([s["text"] for s in sentences], [s["sentence_index"] for s in sentences],
                          config["generative_model"]["stage_seed"])
data, subjects = language.voxels(config, features)
assembly = neural_assembly(data.astype(np.float32).astype(np.float64), stimulus_ids=[s["stimulus_id"] for s in sentences],
                           passage=[s["passage"] for s in sentences]).assign_coords(subject=("neuroid", subjects))
print(f"declared: sqrt({config['generative_model']['reliability']}) = {np.sqrt(config['generative_model']['reliability']):.4f}")
for curve in ("exponential", "reliability"):
    start = time.perf_counter()
    score = get_ceiling("extrapolation", **{**config["ceiling"]["parameters"], "curve": curve})(assembly)
    print(f"{curve}: {score.value:.4f}; r at 2..{len(config['subjects'])} subjects {np.round(score.per_split, 4).tolist()}; "
          f"{time.perf_counter() - start:.0f} s", flush=True)
