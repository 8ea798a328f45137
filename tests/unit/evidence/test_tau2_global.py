"""The global-maximum step for ML/REML τ² (evidence/tau2_global.py) and why PM/EB need none."""

from __future__ import annotations

import numpy as np
import pytest

from acupath.evidence import tau2_global, tau2_single
from acupath.evidence.batch import fit_batch
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.tau2 import _score, estimate_tau2

# Rounded from dataset 5969 of tests/reference/evidence/random_k20.py: the Hedges start is 0 and the REML
# score at 0 is negative, so a single path stays at τ² = 0, but an interior peak near 0.0327 is
# higher by 0.0121 in restricted log-likelihood.
Y = np.array([2.1145, 0.2931, 0.3476, -0.0672, 0.0454, 0.6478, 0.711, 0.1992, -0.0194, 0.7726, 0.0582, 0.9049,
              0.4447, 0.2877, 0.8132, -0.2653, 0.3558, 0.4542, 0.6102, 0.0369])
V = np.array([0.2588, 0.3507, 0.4758, 0.0723, 0.0772, 0.4684, 0.3873, 0.2862, 0.0879, 0.1708, 0.3447, 0.4967,
              0.29, 0.0115, 0.3325, 0.1276, 0.2236, 0.2971, 0.3326, 0.3707])


def _ll(y, v, tau2, reml, mask=None):
    return tau2_global.loglik(tau2_global._centred(y, mask), v, mask, np.asarray(tau2, dtype=float), reml)


def test_a_bimodal_restricted_likelihood_gets_its_higher_interior_peak():
    assert _score(Y[None], V[None], None, np.zeros(1), "REML")[0][0] < 0  # τ² = 0 is a local maximum
    single = meta_analysis(Y, V, "REML")
    batch = fit_batch(np.vstack([Y, Y]), np.vstack([V, V]), "REML")
    assert single.tau2 == pytest.approx(0.03268, abs=1e-5)
    np.testing.assert_allclose(batch.tau2, single.tau2, rtol=1e-8)
    gain = _ll(Y[None], V[None], [single.tau2], True) - _ll(Y[None], V[None], [0.0], True)
    assert gain[0] == pytest.approx(0.0121, abs=1e-4)
    assert _score(Y[None], V[None], None, np.array([single.tau2]), "REML")[0][0] == pytest.approx(0, abs=1e-8)


def _sets(m, seed, k=20):
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.01, 0.5, (m, k))
    return rng.normal(0.3, np.sqrt(v + 0.1)), v


@pytest.mark.parametrize("method", ["ML", "REML"])
def test_no_stationary_point_lies_beyond_the_upper_bound(method):
    y, v = _sets(500, seed=5, k=8)
    cols = tau2_global._centred(y, None)
    upper = tau2_global.upper_bound(cols, v, None, method)
    for factor in (1.0, 1.5, 4.0, 100.0):
        assert np.all(_score(y, v, None, upper * factor, method)[0] < 0)


@pytest.mark.parametrize("method", ["ML", "REML"])
def test_the_answer_beats_every_point_of_a_dense_grid(method):
    """Rows of unequal length (NaN = no study) included; the grid has 2,000 points up to the bound."""
    y, v = _sets(400, seed=8)
    y[::3, 15:] = np.nan
    tau2 = fit_batch(y, v, method).tau2
    mask = (~np.isnan(y)).astype(float)
    yz, vz = np.where(mask > 0, y, 0.0), np.where(mask > 0, v, 1.0)
    cols = tau2_global._centred(yz, mask)
    upper = tau2_global.upper_bound(cols, vz, mask, method)
    best = _ll(yz, vz, tau2, method == "REML", mask)
    for frac in np.concatenate([[0.0], np.geomspace(1e-7, 1.0, 2000)]):
        assert np.all(best >= _ll(yz, vz, upper * frac, method == "REML", mask) - 1e-12)


@pytest.mark.parametrize("method", ["ML", "REML"])
def test_single_and_batch_agree_on_the_global_step(method):
    y, v = _sets(300, seed=21)
    batch = estimate_tau2(y, v, method).tau2
    single = [tau2_single.fit(y[i], v[i], method).tau2 for i in range(y.shape[0])]
    np.testing.assert_allclose(single, batch, rtol=1e-7, atol=1e-10)


def test_pm_eb_estimating_equation_has_one_root():
    """Q(τ²) = Σw(y − μ̂)² is strictly decreasing (dQ/dτ² = −Σw²r²), so Q(τ²) = k − 1 has one root at most."""
    y, v = _sets(200, seed=2)
    grid = np.concatenate([[0.0], np.geomspace(1e-6, 50.0, 300)])
    q = []
    for t in grid:
        w = 1 / (v + t)
        r = y - (np.sum(w * y, axis=1) / np.sum(w, axis=1))[:, None]
        q.append(np.sum(w * r * r, axis=1))
    assert np.all(np.diff(np.array(q), axis=0) < 0)
    for method in ("PM", "EB"):
        tau2 = estimate_tau2(y, v, method).tau2
        w = 1 / (v + tau2[:, None])
        r = y - (np.sum(w * y, axis=1) / np.sum(w, axis=1))[:, None]
        q_at = np.sum(w * r * r, axis=1)
        assert np.all(np.where(tau2 > 0, np.abs(q_at - 19) < 1e-6, q_at <= 19 + 1e-9))
