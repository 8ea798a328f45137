"""τ² for one intercept-only meta-analysis (1-D arrays), the scalar twin of :mod:`tau2`.

Same estimators, formulas, start values and stopping rules as the vectorised solver in :mod:`tau2`
(which is tested to give the same numbers). A single small fit is dominated by per-call overhead,
so every O(k) quantity at one τ² comes from three matrix-vector products: with w = 1/(v+τ²) and the studies
centred at their unweighted mean ȳ (c = y − ȳ, which keeps the expanded sums well conditioned),
``M[a][b] = Σ w^(a+1) c^b`` for a, b ∈ {0, 1, 2} (:func:`sums`). Then μ̂ = ȳ + M₀₁/M₀₀ and, with
d = M₀₁/M₀₀ (so r = c − d), Σwr² = M₀₂ − d M₀₁, Σw²r = M₁₁ − d M₁₀, Σw²r² = M₁₂ − d(2M₁₁ − d M₁₀),
Σw³r² = M₂₂ − d(2M₂₁ − d M₂₀); tr(P) and tr(PP) as in :mod:`tau2`. This is about 5x less
per-call work than the row-vectorised solver at k = 10.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from acupath.errors import InputError
from acupath.evidence import tau2_global

#: metafor's ``con$tol`` (.Machine$double.eps^0.25), used in its ll(τ²=0) check for ML/REML.
LL0_TOL = float(np.finfo(float).eps ** 0.25)

Sums = list[list[float]]


def design(y: np.ndarray) -> tuple[float, np.ndarray]:
    """Return ȳ and the rows [1, c, c²] (shape (3, k)) with c = y − ȳ (built once per analysis)."""
    ybar = float(np.add.reduce(y)) / y.size  # = y.mean(), without its Python-level wrapper
    cols = np.empty((3, y.size))
    cols[0] = 1.0
    np.subtract(y, ybar, out=cols[1])
    np.multiply(cols[1], cols[1], out=cols[2])
    return ybar, cols


def sums(cols: np.ndarray, v: np.ndarray, t: float, order: int = 3) -> tuple[np.ndarray, Sums]:
    """Return w = 1/(v + t) and ``M[a][b] = Σ w^(a+1) c^b`` for a < ``order`` (matrix-vector
    products with k-sized temporaries only, which at large k beats one product with a fresh (3, k) array)."""
    w = 1.0 / (v + t)
    if order == 1:
        return w, [np.dot(cols, w).tolist()]
    w2 = w * w
    if order == 2:
        return w, [np.dot(cols, w).tolist(), np.dot(cols, w2).tolist()]
    return w, [np.dot(cols, w).tolist(), np.dot(cols, w2).tolist(), np.dot(cols, w2 * w).tolist()]


def q_stat(m: Sums) -> float:
    """Σ w r² (Cochran's Q at τ² = 0, the generalised Q otherwise)."""
    return max(0.0, m[0][2] - m[0][1] ** 2 / m[0][0])


def traces(m: Sums) -> tuple[float, float]:
    """tr(P) and tr(PP) from S₁, S₂, S₃."""
    s1, s2, s3 = m[0][0], m[1][0], m[2][0]
    return s1 - s2 / s1, s2 - 2 * s3 / s1 + (s2 / s1) ** 2


def _fe_parts(y: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    sw = float(w.sum())
    return sw, y - float(np.dot(w, y)) / sw


def _traces(w: np.ndarray, sw: float) -> tuple[float, float]:
    s2 = float(np.dot(w, w))
    s3 = float(np.dot(w * w, w))
    return sw - s2 / sw, s2 - 2 * s3 / sw + (s2 / sw) ** 2


def dl(fe: Sums, k: int) -> tuple[float, float]:
    """DerSimonian–Laird τ² and SE (meta-analysis.md §3.3) from the sums at τ² = 0."""
    q = q_stat(fe)
    tr_p, tr_pp = traces(fe)
    tau2 = max(0.0, (q - (k - 1)) / tr_p)
    return tau2, math.sqrt(2 * (k - 1) + 4 * tau2 * tr_p + 2 * tau2**2 * tr_pp) / tr_p


def he(cols: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Hedges (Cochran ANOVA) τ² and SE."""
    k = v.size
    sv, sv2 = float(v.sum()), float(np.dot(v, v))
    tr_pv = sv * (1 - 1 / k)
    tr_pvpv = sv2 * (1 - 2 / k) + (sv / k) ** 2
    tau2 = max(0.0, (float(cols[2].sum()) - tr_pv) / (k - 1))
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


def _residual_sums(m: Sums) -> tuple[float, float, float]:
    """Σw²r, Σw²r² (= y'PPy) and Σw³r² from the sums."""
    d = m[0][1] / m[0][0]
    return (m[1][1] - d * m[1][0], m[1][2] - d * (2 * m[1][1] - d * m[1][0]),
            m[2][2] - d * (2 * m[2][1] - d * m[2][0]))


def _score(m: Sums, method: str) -> tuple[float, float, float]:
    w2r, ypy2, w3r2 = _residual_sums(m)
    ypy3 = w3r2 - w2r**2 / m[0][0]
    if method == "ML":
        target, info = m[0][0], m[1][0]
    else:
        target, info = traces(m)
    return ypy2 - target, 2 * ypy3 - info, info


def likelihood_root(cols: np.ndarray, v: np.ndarray, method: str, threshold: float,
                    maxiter: int) -> tuple[float, int, bool]:
    """ML/REML τ²: bracketed Newton from max(0, τ²_HE), as ``tau2._fisher_scoring`` for one row."""
    t = he(cols, v)[0]
    lo, hi = 0.0, math.inf
    for it in range(1, maxiter + 1):
        score, curvature, info = _score(sums(cols, v, t)[1], method)
        up = score > 0
        if t == 0 and not up:
            return 0.0, it, True
        lo, hi = (t, hi) if up else (lo, t)
        new = t + (score / curvature if curvature > 0 else score / info)
        if new < 0:
            if _score(sums(cols, v, 0.0)[1], method)[0] <= 0:
                return 0.0, it, True
            new = (lo + hi) / 2
        elif not lo < new < hi:
            new = (lo + hi) / 2 if math.isfinite(hi) else new
        if abs(new - t) < threshold:
            return new, it, True
        t = new
    return t, maxiter, False


def q_root(cols: np.ndarray, v: np.ndarray, target: float, threshold: float, maxiter: int) -> tuple[float, int, bool]:
    """Solve Q(τ²) = target (PM/EB and the Q-profile bounds) as ``tau2.q_root`` for one row."""
    x, lo, hi = 0.0, 0.0, math.inf
    for it in range(1, maxiter + 1):
        m = sums(cols, v, x, order=2)[1]  # Q and its slope need Σw c^b and Σw² c^b only
        f = q_stat(m) - target
        if f == 0 or (x == 0 and f < 0):
            return x, it, True
        d = m[0][1] / m[0][0]
        slope = m[1][2] - d * (2 * m[1][1] - d * m[1][0])  # Σw²r², as in _residual_sums
        lo, hi = (x, hi) if f > 0 else (lo, x)
        new = x + f / slope if slope > 0 else math.nan
        if not (lo < new < hi):
            new = (lo + hi) / 2 if math.isfinite(hi) else 2 * lo + 1.0
        if abs(new - x) < threshold:
            return new, it, True
        x = new
    return x, maxiter, False


class SingleFit(NamedTuple):
    """τ² of one analysis with its SE, iterations and convergence, plus what pooling reuses: ȳ and
    the rows of :func:`design`, the sums at τ² = 0 (``fe``) and w and the sums at τ̂² (``at``; for
    DL, HE, SJ, PM and EB only its first row, Σw c^b, which pooling needs)."""

    tau2: float
    se: float
    iterations: int
    converged: bool
    ybar: float
    cols: np.ndarray
    fe: Sums
    w: np.ndarray
    at: Sums


def fit(y: np.ndarray, v: np.ndarray, method: str, *, threshold: float = 1e-10, maxiter: int = 200) -> SingleFit:
    """Estimate τ² for one validated 1-D analysis (FE/EE: τ² = 0, SE NaN).

    Raises:
        InputError: fewer than 2 studies, or a non-positive variance where the estimator divides by it.
    """
    ybar, cols = design(y)
    k = y.size
    positive = float(np.minimum.reduce(v)) > 0
    if method not in ("FE", "EE"):
        if k < 2:
            raise InputError("k", f"the {method} estimator needs at least 2 studies", "k >= 2")
        if method != "HE" and not positive:
            raise InputError("vi", f"the {method} estimator needs positive sampling variances", "vi > 0")
    if positive:
        w0, fe = sums(cols, v, 0.0)
    else:  # HE allows vᵢ = 0: Q and the FE weights are then undefined (inf/NaN), as 1/v says
        with np.errstate(divide="ignore", invalid="ignore"):
            w0, fe = sums(cols, v, 0.0)
    iterations, converged, tau2, se = 0, True, 0.0, math.nan
    if method == "DL":
        tau2, se = dl(fe, k)
    elif method == "HE":
        tau2, se = he(cols, v)
    elif method == "SJ":
        tau2, se = sj(y, v)
    elif method in ("ML", "REML"):
        tau2, iterations, converged = likelihood_root(cols, v, method, threshold, maxiter)
        # the global maximum over [0, ∞): τ² = 0 and every peak of a score scan against the path's answer
        best, moved = tau2_global.global_max(y, v[None, :], None, np.array([tau2]), method, threshold, maxiter,
                                             cols=cols.T[None, :, :])
        if moved[0]:
            tau2, converged = float(best[0]), True
        w, at = sums(cols, v, tau2)
    elif method in ("PM", "EB"):
        tau2, iterations, converged = q_root(cols, v, k - 1.0, threshold, maxiter)
    if tau2 == 0.0:
        w, at = w0, fe
    elif method not in ("ML", "REML"):
        w, at = sums(cols, v, tau2, order=1)  # pooling needs Σw, Σwc and Σwc² only
    if method in ("ML", "REML"):
        se = math.sqrt(2 / (at[1][0] if method == "ML" else traces(at)[1]))
    elif method in ("PM", "EB"):
        se = math.sqrt(2 * k**2 / (k - 1)) / at[0][0]  # metafor PM/EB SE
    return SingleFit(tau2, se, iterations, converged, ybar, cols, fe, w, at)
