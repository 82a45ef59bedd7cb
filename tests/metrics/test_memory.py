"""The metrics' malloc thresholds: a freed array's memory serves the next one without new page faults."""
import json
import subprocess
import sys

SCRIPT = """
import json, resource
import numpy as np
import braindock.metrics
from braindock.metrics.memory import keep_freed_memory

def faulted():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    array = np.ones(2 ** 18)  # 2 MB: above glibc's initial mmap threshold, below the raised one
    del array
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

faults = [faulted() for _ in range(3)]  # as the import left the thresholds
print(json.dumps({"set": keep_freed_memory(), "faults": faults}))
"""


def test_a_fresh_process_faults_a_freed_arrays_pages_in_once():
    result = json.loads(subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                                       check=True).stdout)
    assert result["set"]
    first, *later = result["faults"]
    pages = 2 ** 21 // 4096
    assert first >= pages // 2  # the first array is new memory
    assert max(later) < pages // 10, result  # glibc's defaults fault the second one in again (mmap, then heap)
