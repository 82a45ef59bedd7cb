"""Every simulated neural benchmark tells models apart (see validity.py), and its ceiling is the declared one."""
from __future__ import annotations

import pytest
from validity import LANGUAGE_NETWORK, NEURAL, assess, build_export

pytestmark = pytest.mark.slow
# extrapolation to infinitely many subjects from five or six is rougher
CEILING_TOLERANCE = {"pereira2018-language": 0.08, **{name: 0.1 for name in LANGUAGE_NETWORK}}


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = assess(build_export(name, root))
        return cache[name]

    return get


@pytest.mark.parametrize("name", NEURAL)
def test_benchmark_tells_models_apart(assessed, name):
    validity = assessed(name)
    assert validity.problems() == []


@pytest.mark.parametrize("name", NEURAL)
def test_ceiling_is_the_declared_reliability(assessed, name):
    validity = assessed(name)
    assert validity.ceiling == pytest.approx(validity.expected_ceiling, abs=CEILING_TOLERANCE.get(name, 0.015))
