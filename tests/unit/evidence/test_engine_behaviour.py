"""Engine behaviours beyond the metafor pins: input errors, zero cells, batches, solver agreement."""

from __future__ import annotations

import numpy as np
import pytest

from acupath.errors import InputError
from acupath.evidence.batch import fit_batch
from acupath.evidence.binary import mantel_haenszel, peto
from acupath.evidence.effect_sizes import (
    binary_effect_sizes,
    cells_from_totals,
    continuous_effect_sizes,
    exact_j,
)
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.regression import meta_regression
from acupath.evidence.tau2 import estimate_tau2
from acupath.evidence.tau2_mods import estimate_tau2_mods


def _random_sets(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        k = int(rng.integers(3, 30))
        v = rng.uniform(0.01, 0.5, k)
        yield rng.normal(0.2, np.sqrt(v + rng.choice([0.0, 0.02, 0.2, 1.0]))), v


def test_half_is_added_to_every_cell_of_a_study_with_a_zero_cell_only():
    es = binary_effect_sizes("OR", [0, 5], [10, 10], [3, 5], [7, 10])
    assert es.yi[0] == pytest.approx(np.log(0.5 * 7.5 / (10.5 * 3.5)), rel=1e-14)
    assert es.yi[1] == pytest.approx(0.0, abs=1e-15)


def test_double_zero_studies_are_kept_by_escalc_and_dropped_for_mh_heterogeneity():
    cells = ([0, 4, 6], [10, 100, 200], [0, 9, 12], [12, 100, 190])
    assert binary_effect_sizes("RR", *cells).k == 3
    assert binary_effect_sizes("RR", *cells, drop00=True).dropped == (0,)
    assert mantel_haenszel("OR", *cells).heterogeneity.q_df == 1
    assert peto(*cells).heterogeneity.q_df == 1


def test_exact_j_matches_the_gamma_definition_and_tends_to_one():
    from math import gamma, sqrt
    assert exact_j(np.array([10.0]))[0] == pytest.approx(gamma(5) / (sqrt(5) * gamma(4.5)), rel=1e-14)
    assert exact_j(np.array([1e6]))[0] == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("call,match", [
    (lambda: continuous_effect_sizes("MD", [1], [-1], [10], [1], [1], [10]), "negative standard deviation"),
    (lambda: cells_from_totals([11], [10], [1], [10]), "more events than participants"),
    (lambda: binary_effect_sizes("RR", [-1], [1], [1], [1]), "negative count"),
    (lambda: meta_analysis([0.1], [0.1], "REML"), "at least 2 studies"),
    (lambda: meta_analysis([0.1, 0.2], [0.1, -0.1], "DL"), "negative"),
    (lambda: meta_analysis([0.1, 0.2], [0.1, 0.1], "XYZ"), "unknown method"),
    (lambda: meta_regression([0.1, 0.2], [0.1, 0.1], [1.0, 2.0], "REML"), "2 studies for 2 coefficients"),
    (lambda: meta_regression([0.1, 0.2, 0.3, 0.1], [0.1] * 4, [[1, 2], [2, 4], [3, 6], [4, 8]], "FE"), "collinear"),
    (lambda: continuous_effect_sizes("ROM", [0], [1], [10], [1], [1], [10]), "ROM needs positive means"),
])
def test_impossible_input_is_an_input_error(call, match):
    with pytest.raises(InputError, match=match):
        call()


@pytest.mark.parametrize("method", ["DL", "HE", "SJ", "ML", "REML", "PM", "EB"])
def test_batch_rows_of_unequal_length_equal_single_fits(method):
    sets = list(_random_sets(40))
    width = max(y.size for y, _ in sets)
    y = np.full((len(sets), width), np.nan)
    v = np.full((len(sets), width), np.nan)
    for i, (yi, vi) in enumerate(sets):
        y[i, : yi.size], v[i, : vi.size] = yi, vi
    batch = fit_batch(y, v, method)
    single = [meta_analysis(yi, vi, method, tau2_ci=False) for yi, vi in sets]
    # the batch solver and the scalar one stop at |Δτ²| < 1e-10 from different sides
    np.testing.assert_allclose(batch.tau2, [r.tau2 for r in single], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(batch.estimate, [r.estimate for r in single], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(batch.i2, [r.heterogeneity.i2 for r in single], rtol=1e-6, atol=1e-7)
    assert batch.converged.all()


@pytest.mark.parametrize("method", ["ML", "REML"])
def test_newton_solver_finds_the_fisher_scoring_optimum(method):
    """The O(k) bracketed Newton solver and metafor's Fisher scoring (k×k, tau2_mods) agree."""
    for y, v in _random_sets(60, seed=11):
        fast = estimate_tau2(y[None, :], v[None, :], method).tau2[0]
        slow = estimate_tau2_mods(y, v, np.ones((y.size, 1)), method)[0]
        assert fast == pytest.approx(slow, rel=1e-6, abs=1e-9)


def test_a_batch_of_ten_thousand_reml_fits_converges():
    rng = np.random.default_rng(3)
    v = rng.uniform(0.01, 0.5, (10_000, 20))
    res = fit_batch(rng.normal(0.3, np.sqrt(v + 0.1)), v, "REML")
    assert res.converged.all() and np.all(res.tau2 >= 0)


def _exact_q(y, v, tau2=0.0):
    """Generalised Q in exact rational arithmetic on the given floats."""
    from fractions import Fraction

    w = [1 / (Fraction(float(x)) + Fraction(tau2)) for x in v]
    ys = [Fraction(float(x)) for x in y]
    mu = sum(a * b for a, b in zip(w, ys, strict=True)) / sum(w)
    return float(sum(a * (b - mu) ** 2 for a, b in zip(w, ys, strict=True)))


@pytest.mark.parametrize("offset", [0.0, -50.0, 1e3, 1e6])
def test_single_fit_sums_stay_exact_for_effects_far_from_zero(offset):
    """The single-fit path centres the studies before forming its weighted sums, so Q and the
    Q-profile bounds keep full precision when the effects share a large offset."""
    from scipy import special

    rng = np.random.default_rng(5)
    v = rng.uniform(0.001, 1.0, 10)
    v[0] *= 1e3
    y = offset + rng.normal(0, 1.0, 10)
    res = meta_analysis(y, v, "REML")
    h = res.heterogeneity
    assert h.q == pytest.approx(_exact_q(y, v), rel=1e-13, abs=0)
    # Q(τ²) at each bound hits its χ² quantile to rounding (uncentred sums lost ~1e-12 here)
    lb_target, ub_target = special.chdtri(9, 0.025), special.chdtri(9, 0.975)
    assert _exact_q(y, v, h.tau2_ci_ub) == pytest.approx(ub_target, rel=1e-13, abs=0)
    if h.tau2_ci_lb > 0:
        assert _exact_q(y, v, h.tau2_ci_lb) == pytest.approx(lb_target, rel=1e-13, abs=0)
