"""The metrics' memory set-up: a freed array's memory serves the next one without new page faults, and importing
the metrics faults in the heap and BLAS buffers a first call would otherwise fault in."""
import json
import subprocess
import sys
from pathlib import Path

import braindock.metrics.memory

MEMORY = Path(braindock.metrics.memory.__file__)

SCRIPT = """
import importlib.util, json, resource, sys
import numpy as np

if sys.argv[1] == "package":
    import braindock.metrics
    ready = True
else:  # memory.py alone: the thresholds without the package's import-time fault_in
    spec = importlib.util.spec_from_file_location("memory", {path!r})
    memory = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(memory)
    ready = memory.keep_freed_memory()

def faulted():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    array = np.ones(3 * 2 ** 17)  # 3 MB: above glibc's initial mmap threshold, below numpy's huge-page size
    del array
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

print(json.dumps({{"ready": ready, "faults": [faulted() for _ in range(3)]}}))
"""
PAGES = 3 * 2 ** 20 // 4096


def faults(mode: str) -> dict:
    """Page faults of three 3 MB arrays made and freed one after the other in a fresh process."""
    code = SCRIPT.format(path=str(MEMORY))
    return json.loads(subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True,
                                     check=True).stdout)


def test_a_fresh_process_faults_a_freed_arrays_pages_in_once():
    result = faults("thresholds")
    assert result["ready"]
    first, *later = result["faults"]
    assert first >= PAGES // 2, result  # the first array is new memory
    assert max(later) < PAGES // 10, result  # glibc's defaults fault the second one in again (mmap, then heap)


def test_importing_the_metrics_faults_in_the_first_arrays_memory():
    result = faults("package")
    assert max(result["faults"]) < PAGES // 10, result
