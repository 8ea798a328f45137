"""Between-study variance τ² for intercept-only models, vectorised over rows.

Every function takes 2-D arrays ``y`` and ``v`` of shape (m, k): m independent meta-analyses of up
to k studies each; ``mask`` (same shape, 1.0 = study present, 0.0 = absent) allows rows of unequal
length and leave-one-out/cumulative subsets. Only O(k) sums are used, never a k×k matrix: with
w = 1/(v+τ²), S_n = Σ wⁿ and P = W − w wᵀ/S₁ (meta-analysis.md §3 notation),

    tr(P) = S₁ − S₂/S₁,  tr(PP) = S₂ − 2 S₃/S₁ + S₂²/S₁²,  y'Py = Σ w r²,  y'PPy = Σ w² r²,

where r = y − μ̂ and μ̂ = Σ w y / S₁. Estimator formulas: meta-analysis.md §3.3 and metafor
``R/rma.uni.r`` (estimate, then truncation at 0, then the SE with max(τ², 0)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acupath.errors import InputError
from acupath.evidence import tau2_global, tau2_single

TAU2_METHODS = ("FE", "EE", "DL", "HE", "SJ", "ML", "REML", "PM", "EB")
ITERATIVE = ("ML", "REML", "PM", "EB")
LL0_TOL = tau2_single.LL0_TOL


@dataclass(frozen=True)
class Tau2Fit:
    """τ² per row with its standard error, the iterations used and whether each row converged."""

    tau2: np.ndarray
    se: np.ndarray
    iterations: int
    converged: np.ndarray


def _weights(v: np.ndarray, tau2: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    w = 1.0 / (v + tau2[:, None])
    return w if mask is None else w * mask


def _mean(y: np.ndarray, w: np.ndarray, sw: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", w, y) / sw


def _count(y: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    return np.full(y.shape[0], float(y.shape[1])) if mask is None else mask.sum(axis=1)


def _traces(w: np.ndarray, sw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """tr(P) and tr(PP) for P = W − w wᵀ/Σw (O(k))."""
    s2 = np.einsum("ij,ij->i", w, w)
    s3 = np.einsum("ij,ij,ij->i", w, w, w)
    return sw - s2 / sw, s2 - 2 * s3 / sw + (s2 / sw) ** 2


def _dl(y, v, mask, k):
    w = _weights(v, np.zeros(y.shape[0]), mask)
    sw = w.sum(axis=1)
    r = y - _mean(y, w, sw)[:, None]
    q = np.einsum("ij,ij,ij->i", w, r, r)
    tr_p, tr_pp = _traces(w, sw)
    tau2 = np.maximum(0.0, (q - (k - 1)) / tr_p)
    se = np.sqrt(2 * (k - 1) + 4 * tau2 * tr_p + 2 * tau2**2 * tr_pp) / tr_p
    return tau2, se


def _he(y, v, mask, k):
    m = np.ones_like(y) if mask is None else mask
    ybar = np.einsum("ij,ij->i", m, y) / k
    r = (y - ybar[:, None]) * m
    rss = np.einsum("ij,ij->i", r, r)
    sv = np.einsum("ij,ij->i", m, v)
    sv2 = np.einsum("ij,ij,ij->i", m, v, v)
    tr_pv = sv * (1 - 1 / k)
    tr_pvpv = sv2 * (1 - 2 / k) + (sv / k) ** 2  # P0 = I − J/k, meta-analysis.md §3.3 HE
    tau2 = np.maximum(0.0, (rss - tr_pv) / (k - 1))
    se = np.sqrt(2 * tr_pvpv + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - 1)) / (k - 1)
    return tau2, se


def _sj(y, v, mask, k):
    m = np.ones_like(y) if mask is None else mask
    ybar = np.einsum("ij,ij->i", m, y) / k
    r0 = (y - ybar[:, None]) * m
    tau0 = np.einsum("ij,ij->i", r0, r0) / k  # var(y)·(k−1)/k, metafor's SJ start
    w = _weights(v, tau0, mask)
    sw = w.sum(axis=1)
    r = y - _mean(y, w, sw)[:, None]
    tau2 = tau0 * np.einsum("ij,ij,ij->i", w, r, r) / (k - 1)
    # SE (metafor R/rma.uni.r, SJ): τ₀²/(k−p) sqrt(2 tr(PVPV) + 4τ² tr(PVP) + 2τ⁴ tr(PP)), P at τ₀²
    vm = v if mask is None else v * mask
    s2 = np.einsum("ij,ij->i", w, w)
    s2v = np.einsum("ij,ij,ij->i", w, w, vm)
    tr_pvpv = (np.einsum("ij,ij,ij,ij->i", w, w, vm, vm) - 2 * np.einsum("ij,ij,ij,ij,ij->i", w, w, w, vm, vm) / sw
               + (s2v / sw) ** 2)
    tr_pvp = s2v - 2 * np.einsum("ij,ij,ij,ij->i", w, w, w, vm) / sw + s2 * s2v / sw**2
    _, tr_pp = _traces(w, sw)
    se = tau0 / (k - 1) * np.sqrt(2 * tr_pvpv + 4 * tau2 * tr_pvp + 2 * tau2**2 * tr_pp)
    return tau2, se


def _score(y, v, mask, tau2, method):
    """Twice the ML/REML score, the Newton curvature 2y'PPPy − i and the Fisher information i."""
    w = _weights(v, tau2, mask)
    sw = w.sum(axis=1)
    r = y - _mean(y, w, sw)[:, None]
    wr = w * r
    ypy2 = np.einsum("ij,ij->i", wr, wr)
    ypy3 = np.einsum("ij,ij->i", w * wr, wr) - np.einsum("ij,ij->i", w, wr) ** 2 / sw
    if method == "ML":
        target, info = sw, np.einsum("ij,ij->i", w, w)
    else:
        target, info = _traces(w, sw)
    return ypy2 - target, 2 * ypy3 - info, info


def _fisher_scoring(y, v, mask, k, method, threshold, maxiter):
    """ML/REML: solve the likelihood equation from max(0, τ²_HE) (metafor R/rma.uni.r start).

    metafor uses Fisher scoring, Δ = (y'PPy − t)/i with t = Σw (ML) or tr(P) (REML) and
    i = Σw² or tr(PP). Here the step is Newton's, Δ = (y'PPy − t)/(2 y'PPPy − i), where the
    likelihood is locally concave (else the Fisher step), kept inside a bracket [lo, hi] on which the
    score changes sign from + to − (a step that leaves it is replaced by bisection), and a step past
    0 goes to 0 (where metafor's step halving also ends). Same optimum, quadratic convergence and no
    endless oscillation (plain Fisher scoring can bounce between ~0 and a large τ² for k = 20).
    O(k): y'PPPy = Σw³r² − (Σw²r)²/Σw.
    """
    tau2 = _he(y, v, mask, k)[0]
    m = y.shape[0]
    lo, hi = np.zeros(m), np.full(m, np.inf)
    active = np.ones(m, dtype=bool)
    iterations = 0
    while active.any() and iterations < maxiter:
        iterations += 1
        idx = np.flatnonzero(active)
        ya, va, ma, t = y[idx], v[idx], None if mask is None else mask[idx], tau2[idx]
        score, curvature, info = _score(ya, va, ma, t, method)
        up = score > 0
        lo_a = np.where(up, t, lo[idx])
        hi_a = np.where(up, hi[idx], t)
        new = t + np.where(curvature > 0, score / np.where(curvature > 0, curvature, 1.0), score / info)
        at_boundary = (t == 0) & ~up  # score <= 0 at τ² = 0: the maximum is on the boundary
        past = (new < 0) & ~at_boundary
        if past.any():  # the step leaves [0, ∞): is τ² = 0 the answer (score there <= 0)?
            sub = np.flatnonzero(past)
            score0 = _score(ya[sub], va[sub], None if ma is None else ma[sub], np.zeros(sub.size), method)[0]
            zero = score0 <= 0
            new[sub] = np.where(zero, 0.0, (lo_a[sub] + hi_a[sub]) / 2)
            at_boundary[sub[zero]] = True
        inside = ((new > lo_a) & (new < hi_a)) | at_boundary
        new = np.where(inside, new, np.where(np.isfinite(hi_a), (lo_a + hi_a) / 2, new))
        new = np.where(at_boundary, 0.0, new)
        lo[idx], hi[idx] = lo_a, hi_a
        tau2[idx] = new
        active[idx] = ~(at_boundary | (np.abs(new - t) < threshold))
    # The path may stop at a lower peak (or at τ² = 0 below a higher interior one): compare it with τ² = 0
    # and every other peak a score scan finds (tau2_global), which also covers metafor's ll(τ²=0) check.
    tau2, moved = tau2_global.global_max(y, v, mask, np.maximum(tau2, 0.0), method, threshold, maxiter)
    active &= ~moved
    w = _weights(v, tau2, mask)
    sw = w.sum(axis=1)
    se = np.sqrt(2 / np.einsum("ij,ij->i", w, w)) if method == "ML" else np.sqrt(2 / _traces(w, sw)[1])
    return tau2, se, iterations, ~active


def q_root(y, v, mask, target, threshold=1e-10, maxiter=100, start=None):
    """Solve Q(τ²) = Σ w(τ²)(y − μ̂(τ²))² = target per row by safeguarded Newton (dQ/dτ² = −Σ w² r²).

    Q is strictly decreasing in τ², so a bracket [lo, hi] is kept and a step that leaves it is replaced
    by bisection (or doubling while no upper end is known). Rows with Q(0) ≤ target return 0.
    Returns (root, iterations, converged).
    """
    m = y.shape[0]
    x = np.zeros(m) if start is None else np.maximum(np.asarray(start, dtype=float), 0.0)
    lo, hi = np.zeros(m), np.full(m, np.inf)
    active = np.ones(m, dtype=bool)
    iterations = 0
    while active.any() and iterations < maxiter:
        iterations += 1
        idx = np.flatnonzero(active)
        xa = x[idx]
        w = _weights(v[idx], xa, None if mask is None else mask[idx])
        sw = w.sum(axis=1)
        r = y[idx] - _mean(y[idx], w, sw)[:, None]
        f = np.einsum("ij,ij,ij->i", w, r, r) - target[idx]
        slope = np.einsum("ij,ij,ij,ij->i", w, w, r, r)
        above = f > 0
        lo[idx] = np.where(above, xa, lo[idx])
        hi[idx] = np.where(above, hi[idx], xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = xa + f / slope
        outside = ~((new > lo[idx]) & (new < hi[idx])) | ~np.isfinite(new)
        fallback = np.where(np.isfinite(hi[idx]), (lo[idx] + hi[idx]) / 2, 2 * lo[idx] + 1.0)
        new = np.where(outside, fallback, new)
        at_zero = (xa == 0) & ~above  # Q(0) <= target: the root is truncated at 0
        new = np.where(at_zero, 0.0, new)
        done = at_zero | (np.abs(new - xa) < threshold) | (f == 0)
        x[idx] = new
        active[idx] = ~done
    return x, iterations, ~active


def estimate_tau2(
    y: np.ndarray,
    v: np.ndarray,
    method: str = "REML",
    *,
    mask: np.ndarray | None = None,
    threshold: float = 1e-10,
    maxiter: int = 200,
) -> Tau2Fit:
    """Estimate τ² for every row of ``y``/``v`` (shape (m, k)) with one estimator.

    ``threshold``: iterative estimators stop when |Δτ²| < threshold (metafor ``control$threshold``;
    1e-10 here, so results match metafor run at ``control=list(threshold=1e-10)``). PM and EB share
    one estimating equation, Q(τ²) = k − 1 (meta-analysis.md §2.1 notes), solved by Newton.

    Returns:
        A :class:`Tau2Fit` (τ² = 0 and SE NaN for FE/EE).

    Raises:
        InputError: unknown method, a row with fewer than 2 studies, or a non-positive variance where
            the estimator divides by it.
    """
    method = method.upper()
    if method not in TAU2_METHODS:
        raise InputError("method", f"unknown τ² estimator {method!r}", TAU2_METHODS)
    y, v = np.atleast_2d(np.asarray(y, dtype=float)), np.atleast_2d(np.asarray(v, dtype=float))
    k = _count(y, mask)
    m = y.shape[0]
    if method in ("FE", "EE"):
        return Tau2Fit(np.zeros(m), np.full(m, np.nan), 0, np.ones(m, dtype=bool))
    if np.any(k < 2):
        raise InputError("k", f"the {method} estimator needs at least 2 studies", "k >= 2")
    vm = v if mask is None else np.where(mask > 0, v, 1.0)
    if method in ("DL", "PM", "EB", "ML", "REML") and np.any(vm <= 0):
        raise InputError("vi", f"the {method} estimator needs positive sampling variances", "vi > 0")
    if m == 1 and mask is None:
        return estimate_tau2_single(y[0], vm[0], method, threshold=threshold, maxiter=maxiter)
    if method == "DL":
        return Tau2Fit(*_dl(y, vm, mask, k), 0, np.ones(m, dtype=bool))
    if method == "HE":
        return Tau2Fit(*_he(y, vm, mask, k), 0, np.ones(m, dtype=bool))
    if method == "SJ":
        return Tau2Fit(*_sj(y, vm, mask, k), 0, np.ones(m, dtype=bool))
    if method in ("ML", "REML"):
        return Tau2Fit(*_fisher_scoring(y, vm, mask, k, method, threshold, maxiter))
    tau2, iterations, converged = q_root(y, vm, mask, k - 1.0, threshold, maxiter)
    w = _weights(vm, tau2, mask)
    se = np.sqrt(2 * k**2 / (k - 1)) / w.sum(axis=1)  # metafor PM/EB SE
    return Tau2Fit(tau2, se, iterations, converged)


def estimate_tau2_single(y: np.ndarray, v: np.ndarray, method: str, *, threshold: float = 1e-10,
                         maxiter: int = 200) -> Tau2Fit:
    """:func:`estimate_tau2` for one validated 1-D analysis via the scalar twin in :mod:`tau2_single`
    (same numbers, less overhead). Raises InputError as :func:`estimate_tau2` for k < 2 or vᵢ <= 0."""
    fit = tau2_single.fit(y, v, method, threshold=threshold, maxiter=maxiter)
    return Tau2Fit(np.array([fit.tau2]), np.array([fit.se]), fit.iterations, np.array([fit.converged]))
