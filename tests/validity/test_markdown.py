"""report.py --markdown prints the README's validity table: ceiled scores, minus signs, a failed threshold in bold."""
from __future__ import annotations

from report import markdown
from validity import Result, Validity


def validity(shuffled: float) -> Validity:
    scores = {"generator": 0.95, "shuffled": shuffled, "noise 0.20": 0.8, "noise 0.40": 0.6, "noise 0.60": 0.4,
              "noise 0.80": 0.2, "noise 0.95": -0.05, "wrong region (V1)": 0.3}
    return Validity("sim.Toy.IT-pls", "IT", 0.8, 0.8, [Result(model, 0.0, 0.0, score) for model, score in scores.items()])


def test_row_per_benchmark_in_readme_form():
    header, rule, row = markdown([validity(0.01)]).splitlines()
    assert header == "| benchmark | generator (≥ 0.9) | shuffled (≤ 0.05) | noise 0.2 / 0.4 / 0.6 / 0.8 / 0.95 (in order) | wrong region |"
    assert rule == "| --- | --- | --- | --- | --- |"
    assert row == "| Toy.IT-pls | 0.950 | 0.010 | 0.800 / 0.600 / 0.400 / 0.200 / −0.050 | V1: 0.300 |"


def test_failed_threshold_in_bold():
    assert "| **0.070** (fails ≤ 0.05) |" in markdown([validity(0.07)])
