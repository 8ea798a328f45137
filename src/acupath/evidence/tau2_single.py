"""τ² for one intercept-only meta-analysis (1-D arrays), the scalar twin of :mod:`tau2`.

Same estimators, formulas, start values and stopping rules as the vectorised solver in :mod:`tau2`
(which is tested to give the same numbers); this version works on Python floats and ``np.dot`` so
that a single small fit is not dominated by the bookkeeping of many rows (about 5x faster at k=10).
"""

from __future__ import annotations

import math

import numpy as np


def _fe_parts(y: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    sw = float(w.sum())
    return sw, y - float(np.dot(w, y)) / sw


def _traces(w: np.ndarray, sw: float) -> tuple[float, float]:
    s2 = float(np.dot(w, w))
    s3 = float(np.dot(w * w, w))
    return sw - s2 / sw, s2 - 2 * s3 / sw + (s2 / sw) ** 2


def dl(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """DerSimonian–Laird τ² and SE (meta-analysis.md §3.3)."""
    k = y.size
    w = 1 / v
    sw, r = _fe_parts(y, w)
    q = float(np.dot(w * r, r))
    tr_p, tr_pp = _traces(w, sw)
    tau2 = max(0.0, (q - (k - 1)) / tr_p)
    return tau2, math.sqrt(2 * (k - 1) + 4 * tau2 * tr_p + 2 * tau2**2 * tr_pp) / tr_p


def he(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Hedges (Cochran ANOVA) τ² and SE."""
    k = y.size
    r = y - y.mean()
    sv, sv2 = float(v.sum()), float(np.dot(v, v))
    tr_pv = sv * (1 - 1 / k)
    tr_pvpv = sv2 * (1 - 2 / k) + (sv / k) ** 2
    tau2 = max(0.0, (float(np.dot(r, r)) - tr_pv) / (k - 1))
    return tau2, math.sqrt(2 * tr_pvpv + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - 1)) / (k - 1)


def sj(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Sidik–Jonkman τ² and SE (P evaluated at τ₀² = var(y)(k−1)/k)."""
    k = y.size
    r0 = y - y.mean()
    tau0 = float(np.dot(r0, r0)) / k
    w = 1 / (v + tau0)
    sw, r = _fe_parts(y, w)
    tau2 = tau0 * float(np.dot(w * r, r)) / (k - 1)
    w2 = w * w
    s2, s2v = float(w2.sum()), float(np.dot(w2, v))
    tr_pvpv = float(np.dot(w2, v * v)) - 2 * float(np.dot(w2 * w, v * v)) / sw + (s2v / sw) ** 2
    tr_pvp = s2v - 2 * float(np.dot(w2 * w, v)) / sw + s2 * s2v / sw**2
    tr_pp = _traces(w, sw)[1]
    return tau2, tau0 / (k - 1) * math.sqrt(2 * tr_pvpv + 4 * tau2 * tr_pvp + 2 * tau2**2 * tr_pp)


def _score(y, v, t, method):
    w = 1 / (v + t)
    sw, r = _fe_parts(y, w)
    wr = w * r
    ypy2 = float(np.dot(wr, wr))
    ypy3 = float(np.dot(w * wr, wr)) - float(np.dot(w, wr)) ** 2 / sw
    if method == "ML":
        target, info = sw, float(np.dot(w, w))
    else:
        target, info = _traces(w, sw)
    return ypy2 - target, 2 * ypy3 - info, info


def likelihood_root(y: np.ndarray, v: np.ndarray, method: str, threshold: float, maxiter: int) -> tuple[float, int, bool]:
    """ML/REML τ²: bracketed Newton from max(0, τ²_HE), as ``tau2._fisher_scoring`` for one row."""
    t = he(y, v)[0]
    lo, hi = 0.0, math.inf
    for it in range(1, maxiter + 1):
        score, curvature, info = _score(y, v, t, method)
        up = score > 0
        if t == 0 and not up:
            return 0.0, it, True
        lo, hi = (t, hi) if up else (lo, t)
        new = t + (score / curvature if curvature > 0 else score / info)
        if new < 0:
            if _score(y, v, 0.0, method)[0] <= 0:
                return 0.0, it, True
            new = (lo + hi) / 2
        elif not lo < new < hi:
            new = (lo + hi) / 2 if math.isfinite(hi) else new
        if abs(new - t) < threshold:
            return new, it, True
        t = new
    return t, maxiter, False


def q_root(y: np.ndarray, v: np.ndarray, target: float, threshold: float, maxiter: int) -> tuple[float, int, bool]:
    """Solve Q(τ²) = target (PM/EB and the Q-profile bounds) as ``tau2.q_root`` for one row."""
    x, lo, hi = 0.0, 0.0, math.inf
    for it in range(1, maxiter + 1):
        w = 1 / (v + x)
        _, r = _fe_parts(y, w)
        wr = w * r
        f = float(np.dot(wr, r)) - target
        if f == 0 or (x == 0 and f < 0):
            return x, it, True
        slope = float(np.dot(wr, wr))
        lo, hi = (x, hi) if f > 0 else (lo, x)
        new = x + f / slope if slope > 0 else math.nan
        if not (lo < new < hi):
            new = (lo + hi) / 2 if math.isfinite(hi) else 2 * lo + 1.0
        if abs(new - x) < threshold:
            return new, it, True
        x = new
    return x, maxiter, False
