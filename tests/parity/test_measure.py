"""How both sides measure a metric call (measure.py), and compare.py's summaries of those measures."""
from __future__ import annotations

import time
import tracemalloc

import numpy as np
import sys

import pytest
from compare import interleave, memory_summary, select, shortest, speed_summary, steadiness
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


def test_a_short_call_is_timed_until_the_budget_a_long_one_twice_a_very_long_one_once(monkeypatch):
    import measure
    calls = []
    monkeypatch.setattr(measure, "SHORT_S", 0.05)
    monkeypatch.setattr(measure, "BUDGET_S", 0.1)
    result, seconds = seconds_of(lambda: calls.append(1) or len(calls))
    assert result == 1 and len(calls) == measure.MAX_CALLS and seconds < 0.05  # instant calls: the cap ends it
    calls.clear()
    result, seconds = seconds_of(lambda: time.sleep(0.01) or calls.append(1) or len(calls))
    assert result == 1 and 3 < len(calls) <= 11 and 0.01 <= seconds < 0.05  # 0.1 s of 0.01 s calls: up to 10
    calls.clear()
    monkeypatch.setattr(measure, "BUDGET_S", 0.0)
    seconds_of(lambda: calls.append(1))
    assert len(calls) == measure.REPEATS  # at least REPEATS, whatever the budget
    calls.clear()
    monkeypatch.setattr(measure, "LONG_S", 0.1)
    result, seconds = seconds_of(lambda: time.sleep(0.09 if not calls else 0.06) or calls.append(1) or len(calls))
    assert result == 1 and len(calls) == 2 and 0.06 <= seconds < 0.09  # a long call twice: the shorter counts
    calls.clear()
    result, seconds = seconds_of(lambda: time.sleep(0.12) or calls.append(1) or len(calls))
    assert result == 1 and len(calls) == 1 and seconds >= 0.12  # beyond LONG_S: once


def test_metrics_tokens_match_substrings_and_an_equals_sign_one_key():
    assert select(["=cka"]) == ["cka"]
    assert select(["cka"]) == ["cka", "cka_biased", "cka_cv", "cka_cv_biased", "cka_cv_their_splits",
                                "cka_cv_biased_their_splits"]
    assert select(["=rsa_ceiling_lower"]) == []  # its input row (rsa_ceiling) is not selected


def test_rows_below_10x_say_whether_their_floor_leaves_room_for_10x():
    rows = [{"key": "ridge", "ratio": 40.0},
            {"key": "cka", "ratio": 3.0, "brainscore_over_floor": 4.0, "ours_over_floor": 1.3},
            {"key": "ridgecv_split", "ratio": 5.0, "brainscore_over_floor": 16.7, "ours_over_floor": 3.3},
            {"key": "reverse_pls", "ratio": 8.0},
            {"key": "pls_ceiled", "ratio": None}]
    lines = speed_summary(rows).splitlines()
    assert lines[0] == "below 10x (3):"
    assert lines[1] == "  cka: 3.00x; Brain-Score takes 4.00 floors (no exact method can reach 10x), ours 1.30"
    assert "ridgecv_split: 5.00x; Brain-Score takes 16.7 floors (an exact method could reach 10x), ours 3.30" in lines[2]
    assert lines[3] == "  reverse_pls: 8.00x, no floor measured"
    assert speed_summary(rows[:1]) == "every timed row at least 10x faster than Brain-Score"


def test_every_floor_runs_with_fewer_and_with_more_stimuli_than_features():
    from compare import FLOOR_OF, load_bench
    rng = np.random.default_rng(0)
    for n_stimuli, n_features in ((40, 60), (60, 20)):
        train = rng.permutation(n_stimuli) >= n_stimuli // 10
        floors = load_bench().floors(rng.standard_normal((n_stimuli, n_features)), rng.standard_normal((n_stimuli, 8)),
                                     train, np.arange(8) % 4)
        assert set(FLOOR_OF.values()) <= set(floors)
        for floor in floors.values():
            floor()


def test_rounds_keep_each_rows_shortest_time_and_none_where_a_round_has_none():
    rounds = [{"cka": 0.9, "rdm": 0.2, "pls": None}, {"cka": 0.5, "rdm": 0.4, "pls": 3.0}]
    assert [shortest(rounds, key) for key in ("cka", "rdm", "pls")] == [0.5, 0.2, None]
    assert shortest([{"cka": 0.3}, {}], "cka") is None  # a round that did not time it (failed)


def test_interleaving_times_the_three_in_turn_for_each_key_and_round():
    log = []
    server = [sys.executable, "-c", "import json, sys\n"
              "for i, line in enumerate(sys.stdin): print(json.dumps({'seconds': 10.0 * (i + 1)}), flush=True)"]
    rounds = interleave(server, ["cka", "rdm"], 2, lambda key: log.append(("ours", key)) or 1.0,
                        lambda key: log.append(("floor", key)) or 0.5)
    assert rounds == [{"cka": (10.0, 1.0, 0.5), "rdm": (20.0, 1.0, 0.5)},
                      {"cka": (30.0, 1.0, 0.5), "rdm": (40.0, 1.0, 0.5)}]  # the server's calls, in order
    assert log == [("ours", "cka"), ("floor", "cka"), ("ours", "rdm"), ("floor", "rdm")] * 2
    assert interleave(server, [], 3, None, None) == []


def test_interleaving_stops_with_the_reason_when_the_server_dies():
    with pytest.raises(SystemExit, match="stopped \\(exit 3\\) while timing cka"):
        interleave([sys.executable, "-c", "import sys; sys.exit(3)"], ["cka"], 1, lambda key: 1.0, lambda key: 1.0)


def test_steadiness_is_each_floors_slowest_round_over_its_fastest():
    line = steadiness([{"cka": 1.0, "rdm": 2.0}, {"cka": 1.5, "rdm": 2.0}, {"cka": 1.2, "rdm": 2.2}])
    assert line == "machine steadiness: each floor's slowest of 3 rounds took 1.10-1.50x its fastest"
    assert steadiness([{"cka": 1.0}]) == "" and steadiness([{}, {}]) == ""


def test_the_machine_line_names_the_cpu_cores_numpy_and_blas():
    from compare import load_bench
    line = load_bench().machine()
    assert line.startswith("CPU ") and "cores; numpy " in line and "SIMD up to " in line and "BLAS openblas" in line
