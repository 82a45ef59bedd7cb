"""How both sides measure a metric call (measure.py), and compare.py's summaries of those measures."""
from __future__ import annotations

import tracemalloc

import numpy as np
from compare import memory_summary
from measure import peak_bytes, seconds_of

MB8 = 8_000_000  # bytes of np.ones(1_000_000) (float64)
SLACK = 50_000  # Python objects the call creates besides the buffers


def test_peak_counts_what_is_held_at_once_not_what_is_left_or_allocated_in_total():
    def two_in_turn():
        a = np.ones(1_000_000)
        del a
        b = np.ones(1_000_000)
        return float(b.sum())

    assert MB8 <= peak_bytes(two_in_turn) < MB8 + SLACK  # one buffer at a time; both freed by the end


def test_peak_is_above_the_level_at_the_start_also_when_already_tracing():
    tracemalloc.start()
    try:
        held = np.ones(3_000_000)  # 24 MB, traced, alive during the call
        assert MB8 <= peak_bytes(lambda: np.ones(1_000_000).sum()) < MB8 + SLACK
        assert tracemalloc.is_tracing()  # an outer trace is left running
        del held
    finally:
        tracemalloc.stop()
    assert not tracemalloc.is_tracing()  # and one it started is stopped
    assert peak_bytes(lambda: None) < SLACK


def test_summary_names_the_rows_above_brainscore_and_counts_ties_as_within():
    rows = [{"key": "ridge", "ours_peak_bytes": 5e6, "brainscore_peak_bytes": 9e6},
            {"key": "cka", "ours_peak_bytes": 2e6, "brainscore_peak_bytes": 2e6},
            {"key": "rdm", "ours_peak_bytes": 3e6, "brainscore_peak_bytes": 1.5e6},
            {"key": "pls_ceiled", "ours_peak_bytes": None, "brainscore_peak_bytes": None}]
    line = memory_summary(rows)
    assert "in 2 of 3 measured" in line
    assert "ABOVE Brain-Score: rdm (3.00 MB > 1.50 MB)" in line
    assert "none above" in memory_summary(rows[:2])
