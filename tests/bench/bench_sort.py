"""numpy's sort with the SIMD code numpy picks for this CPU against its AVX2 code, and whether the scores change.

    python tests/bench/bench_sort.py

On an AMD Zen 4 CPU numpy dispatches its AVX-512 sort, whose stores (`vpcompress` to memory) are microcoded there
(numpy/x86-simd-sort issue 6); the RDM and RSA rows spend most of their time sorting. Each setting runs in a fresh
process (numpy reads NPY_DISABLE_CPU_FEATURES when it is imported): the shortest of 20 sorts of the triangle sizes
of the parity and large inputs, and five scores on the parity inputs, compared bit for bit.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AVX2_ONLY = "X86_V4 AVX512_ICL AVX512_SPR"  # numpy 2.x names; unknown names are ignored
SIZES = (320 * 319 // 2, 3200 * 3199 // 2)  # RDM triangles at the parity and large sizes

CHILD = """
import json, sys, time
import numpy as np
sys.path.insert(0, {parity!r})
import compare
from braindock.metrics import get_ceiling, get_metric
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
times = {{}}
for size in {sizes!r}:
    values = np.random.default_rng(0).random(size)
    spans = []
    for _ in range(20):
        start = time.perf_counter()
        np.sort(values)
        spans.append(time.perf_counter() - start)
    times[size] = min(spans)
source, target, every = compare.neural_inputs()
scores = {{"cka": get_metric("cka")(source, target).value, "rdm": get_metric("rdm")(source, target).value,
          "ridgecv": get_metric("neural_predictivity", regression="ridgecv")(source, target).value,
          "pls": get_metric("neural_predictivity", regression="pls")(source, target).value,
          "internal_consistency": get_ceiling("internal_consistency")(every).value}}
simd = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
print(json.dumps({{"simd": simd[-1] if simd else "baseline", "sort_s": times,
                  "scores": {{k: float(v).hex() for k, v in scores.items()}}}}))
"""


def measure(disable: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "NPY_DISABLE_CPU_FEATURES"}
    if disable:
        env["NPY_DISABLE_CPU_FEATURES"] = disable
    code = CHILD.format(parity=str(Path(__file__).resolve().parents[1] / "parity"), sizes=SIZES)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    default, avx2 = measure(None), measure(AVX2_ONLY)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'values':>10} {'numpy as it comes (' + default['simd'] + ')':>34} {'AVX2 only (' + avx2['simd'] + ')':>22}")
    for size in SIZES:
        mine, theirs = default["sort_s"][str(size)], avx2["sort_s"][str(size)]
        print(f"{size:>10,} {mine * 1e3:>31.2f} ms {theirs * 1e3:>19.2f} ms   ratio {mine / theirs:.2f}")
    same = [k for k in default["scores"] if default["scores"][k] == avx2["scores"][k]]
    print(f"scores on the parity inputs bit-identical in {len(same)} of {len(default['scores'])}: {', '.join(same)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
