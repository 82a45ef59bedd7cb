"""The metrics family: every metric is `get_metric(name, **params)(source, target) -> Score`, every
ceiling `get_ceiling(name, **params)(assembly) -> Score`, every normalisation `normalize(name, raw, ceiling)`.

Modules: alignment (match by stimulus_id, input checks), gram (Grams over column blocks of possibly
memory-mapped activations), splits / subsets (cross-validation), regression
(kernel PLS / ridge / ridge-CV / OLS), neuron_to_neuron, predictivity, cka, rsa, behavior (I1, I1n, I2n),
ceilings (internal consistency, extrapolation, RSA between subjects), error_consistency (label task),
odd_one_out (triplets), accuracy (engineering: label task against the truth), normalization, stats, memory
(malloc thresholds: freed arrays reused, not faulted in again; a heap and BLAS buffers faulted in once, when this
package is imported, not in the first call).
"""
from __future__ import annotations

from ..errors import UsageError
from .accuracy import Accuracy
from .base import Ceiling, Metric, Score
from .behavior import I1, I1n, I1nSplitHalf, I1SplitHalf, I2n, I2nSplitHalf
from .ceilings import ExtrapolationCeiling, InternalConsistency, RSACeiling
from .cka import CKA
from .error_consistency import ErrorConsistency, ErrorConsistencyHumans
from .language import NoCeiling, Perplexity, ReadingTimeConsistency, ReadingTimePredictivity
from .memory import fault_in
from .normalization import NORMALIZATIONS, normalize
from .odd_one_out import OddOneOutAgreement, OddOneOutNoiseCeiling
from .predictivity import NeuralPredictivity
from .rsa import RDMSimilarity

__all__ = ["METRICS", "CEILINGS", "NORMALIZATIONS", "get_metric", "get_ceiling", "normalize",
           "Score", "Metric", "Ceiling"]

fault_in()


def _registry(kind: str, classes) -> dict:
    registry: dict = {}
    for cls in classes:
        if cls.name in registry:
            raise RuntimeError(f"duplicate {kind} name {cls.name!r}")
        registry[cls.name] = cls
    return registry


METRICS: dict[str, type[Metric]] = _registry(
    "metric", (NeuralPredictivity, CKA, RDMSimilarity, I1, I1n, I2n, ErrorConsistency, OddOneOutAgreement,
               Perplexity, ReadingTimePredictivity, Accuracy))
CEILINGS: dict[str, type[Ceiling]] = _registry(
    "ceiling", (InternalConsistency, ExtrapolationCeiling, RSACeiling, I1SplitHalf, I1nSplitHalf, I2nSplitHalf, ErrorConsistencyHumans,
                OddOneOutNoiseCeiling, ReadingTimeConsistency, NoCeiling))


def get_metric(name: str, **params) -> Metric:
    """The metric `name` with `params` over its defaults; UsageError listing known names otherwise."""
    if name not in METRICS:
        raise UsageError(f"unknown metric {name!r}; known metrics: {sorted(METRICS)}")
    return METRICS[name](**params)


def get_ceiling(name: str, **params) -> Ceiling:
    """The ceiling `name` with `params` over its defaults; UsageError listing known names otherwise."""
    if name not in CEILINGS:
        raise UsageError(f"unknown ceiling {name!r}; known ceilings: {sorted(CEILINGS)}")
    return CEILINGS[name](**params)
