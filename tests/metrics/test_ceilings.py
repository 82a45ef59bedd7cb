import numpy as np
import pytest
from braindock.errors import MetricError
from braindock.metrics import get_ceiling
from braindock.metrics.ceilings import fit_saturating, pooled_reliability, saturating
from braindock.testing import neural_assembly, repeated_assembly


@pytest.mark.parametrize("signal_var, noise_var, repetitions", [(1.0, 1.0, 10), (0.5, 4.0, 6), (1.0, 10.0, 4)])
def test_internal_consistency_hits_analytic_reliability(signal_var, noise_var, repetitions):
    assembly, expected = repeated_assembly(n_stimuli=400, n_neuroids=60, n_repetitions=repetitions,
                                           signal_var=signal_var, noise_var=noise_var)
    score = get_ceiling("internal_consistency")(assembly)
    assert abs(score.value - expected) < 0.03
    assert score.per_split.shape == (10,) and score.per_neuroid.shape == (10, 60)


def test_internal_consistency_deterministic_and_order_free():
    assembly, _ = repeated_assembly(100, 10, 4)
    ceiling = get_ceiling("internal_consistency", seed=3)
    first = ceiling(assembly)
    assert first.value == ceiling(assembly).value
    shuffled = assembly.isel(presentation=np.random.default_rng(0).permutation(assembly.sizes["presentation"]))
    assert first.value == pytest.approx(ceiling(shuffled).value, abs=1e-12)


def test_internal_consistency_bad_inputs():
    assembly, _ = repeated_assembly(50, 5, 4)
    with pytest.raises(MetricError, match=r"no coordinate 'repetition'.*\['stimulus_id'\]"):
        get_ceiling("internal_consistency")(assembly.drop_vars("repetition"))
    single = assembly.isel(presentation=assembly["repetition"].values == 0)
    with pytest.raises(MetricError, match="at least 2 distinct repetitions"):
        get_ceiling("internal_consistency")(single)
    broken = assembly.copy()
    broken[3, 1] = np.nan
    with pytest.raises(MetricError, match="NaN/inf.*stim0000.*n0001"):
        get_ceiling("internal_consistency")(broken)
    constant = assembly.copy()
    constant[:, 4] = 2.0
    with pytest.raises(MetricError, match="undefined.*n0004"):
        get_ceiling("internal_consistency")(constant)


def test_saturating_fit_recovers_parameters():
    x = np.arange(2, 11)
    y = np.stack([saturating(x, 0.8, 2.0), saturating(x, 0.3, 5.0)])
    v0, tau = fit_saturating(x, y)
    np.testing.assert_allclose(v0, [0.8, 0.3], atol=1e-4)
    np.testing.assert_allclose(tau, [2.0, 5.0], rtol=1e-3)


def _pooled_r(subjects, reliability):
    """Closed form: r of one subject's voxel predicted from the same voxel of subjects - 1 others (shared signal,
    independent noise, single-scan reliability rho): sqrt(rho) * sqrt(m rho / (m rho + 1 - rho)), m = subjects - 1."""
    m = np.asarray(subjects, dtype=np.float64) - 1
    return np.sqrt(reliability) * np.sqrt(m * reliability / (m * reliability + 1 - reliability))


def test_extrapolation_curves_on_the_exact_closed_form():
    """Fitted to the exact r at 2..6 subjects, the reliability curve gives r at infinitely many subjects, sqrt(rho);
    Brain-Score language's exponential curve stops well below it (r approaches its limit like 1/k)."""
    k = np.arange(2, 7)
    exact = np.stack([_pooled_r(k, rho) for rho in (0.3, 0.6)])
    np.testing.assert_allclose(pooled_reliability(k, np.sqrt(0.3), 0.3 / 0.7), exact[0], rtol=1e-12)
    v0, c = fit_saturating(k, exact, "reliability")
    np.testing.assert_allclose(v0, np.sqrt([0.3, 0.6]), atol=1e-4)
    np.testing.assert_allclose(c, [0.3 / 0.7, 0.6 / 0.4], rtol=1e-3)
    v0_exponential, _ = fit_saturating(k, exact)
    assert np.sqrt(0.3) - v0_exponential[0] > 0.06  # 0.475 for 0.548


def test_extrapolation_ceiling_on_a_generator_known_at_every_number_of_subjects():
    """Every subject's voxel j = signal j + independent noise (reliability 0.3): the measured r at each number of
    subjects is the closed form, and the reliability curve extrapolates to sqrt(0.3) = 0.548."""
    rng = np.random.default_rng(0)
    n_stimuli, subjects, voxels, rho = 1500, 5, 3, 0.3
    signal = rng.standard_normal((n_stimuli, voxels))
    values = np.concatenate([signal + np.sqrt(1 / rho - 1) * rng.standard_normal((n_stimuli, voxels))
                             for _ in range(subjects)], axis=1)
    assembly = neural_assembly(values).assign_coords(subject=("neuroid", np.repeat(np.arange(subjects), voxels)))
    params = {"metric_params": {"regression": "ols", "splits": 5}, "bootstraps": 20}
    exponential = get_ceiling("extrapolation", **params)(assembly)
    np.testing.assert_allclose(exponential.per_split, _pooled_r(np.arange(2, subjects + 1), rho), atol=0.015)
    reliability = get_ceiling("extrapolation", curve="reliability", **params)(assembly)
    assert abs(reliability.value - np.sqrt(rho)) < 0.03
    assert np.sqrt(rho) - exponential.value > 0.04


def test_extrapolation_ceiling_rises_above_pairwise():
    rng = np.random.default_rng(0)
    n_stimuli, subjects, per_subject = 120, 4, 5
    shared = rng.normal(size=(n_stimuli, 3))
    values = np.concatenate([shared @ rng.normal(size=(3, per_subject)) + 1.0 * rng.normal(size=(n_stimuli, per_subject))
                             for _ in range(subjects)], axis=1)
    assembly = neural_assembly(values).assign_coords(subject=("neuroid", np.repeat(np.arange(subjects), per_subject)))
    ceiling = get_ceiling("extrapolation", metric_params={"regression": "ridge", "splits": 3}, bootstraps=20)
    score = ceiling(assembly)
    assert 0 < score.value <= 1 and score.error >= 0
    assert score.per_neuroid.shape == (subjects * per_subject,)
    assert score.value >= score.per_split[0] - 0.05  # extrapolated beyond the 2-subject pool
    assert score.value == ceiling(assembly).value
    with pytest.raises(MetricError, match="at least 3 subjects"):
        ceiling(assembly.isel(neuroid=slice(0, 2 * per_subject)))


def _subjects(values: np.ndarray, subjects: int):
    per = values.shape[1] // subjects
    return neural_assembly(values).assign_coords(subject=("neuroid", np.repeat([f"p{i}" for i in range(subjects)], per)))


def test_rsa_ceiling_known_answers():
    """Identical subjects: 1 (both bounds). Independent subjects: Spearman r of one of N exchangeable RDMs with
    their mean is 1/sqrt(N) (upper bound), and with the others' mean 0 (lower bound)."""
    rng = np.random.default_rng(0)
    same = get_ceiling("rsa_ceiling")(_subjects(np.tile(rng.standard_normal((50, 100)), (1, 3)), 3))
    assert same.value == pytest.approx(1.0) and same.details["lower_bound_loo"] == pytest.approx(1.0)
    for n in (2, 4, 9):
        independent = get_ceiling("rsa_ceiling")(_subjects(rng.standard_normal((80, n * 300)), n))
        assert abs(independent.value - 1 / np.sqrt(n)) < 0.05
        assert abs(independent.details["lower_bound_loo"]) < 0.08
        assert independent.per_split.shape == (n,)


def test_rsa_ceiling_bad_inputs():
    rng = np.random.default_rng(1)
    with pytest.raises(MetricError, match="no coordinate 'subject'"):
        get_ceiling("rsa_ceiling")(neural_assembly(rng.standard_normal((10, 6))))
    with pytest.raises(MetricError, match="at least 2 subjects"):
        get_ceiling("rsa_ceiling")(_subjects(rng.standard_normal((10, 6)), 1))
    broken = _subjects(rng.standard_normal((10, 6)), 2)
    broken[2, 1] = np.nan
    with pytest.raises(MetricError, match="NaN/inf.*stim0002"):
        get_ceiling("rsa_ceiling")(broken)
