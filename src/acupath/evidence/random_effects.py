"""Pooling with τ²: random-effects estimate, Knapp–Hartung, prediction interval, Q-profile CI for τ².

meta-analysis.md §3.4 (w* = 1/(v+τ̂²), knha: s² = Σw*(y−μ̂)²/(k−1), SE·s on t(k−1); "adhoc":
s² = max(1, s²); "t": t(k−1) without rescaling), §3.5 (PI μ̂ ± c·sqrt(SE² + τ̂²), c = z or t(k−1) as
the test) and §3.6 (Q-profile bounds solve Q_gen(τ²) = χ²_{k−1, 0.975} and χ²_{k−1, 0.025}).
:func:`pool_rows` pools many rows at once; the single-analysis :func:`meta_analysis` runs the same
formulas on the weighted sums of :mod:`tau2_single` (one set of sums at τ² = 0 serves Q, I², H² and DL;
the sums at τ̂² serve the pooling), plus the extras.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
from scipy import special

from acupath.errors import InputError
from acupath.evidence import tau2_single
from acupath.evidence.results import Heterogeneity, MetaResult
from acupath.evidence.tau2 import TAU2_METHODS

TESTS = ("z", "knha", "adhoc", "t")


def pool_rows(
    y: np.ndarray,
    v: np.ndarray,
    tau2: np.ndarray,
    *,
    mask: np.ndarray | None = None,
    test: str = "z",
    level: float = 95.0,
) -> dict[str, np.ndarray]:
    """Pool every row with weights 1/(v + τ²) and return estimate, SE, test, CI and PI arrays."""
    if test not in TESTS:
        raise InputError("test", f"unknown test {test!r}", TESTS)
    w = 1.0 / (v + tau2[:, None])
    if mask is not None:
        w = w * mask
    k = np.full(y.shape[0], float(y.shape[1])) if mask is None else mask.sum(axis=1)
    sw = w.sum(axis=1)
    mu = np.einsum("ij,ij->i", w, y) / sw
    se = 1 / np.sqrt(sw)
    alpha = 1 - level / 100
    if test == "z":
        crit = np.full_like(mu, special.ndtri(1 - alpha / 2))
        df = np.full_like(mu, np.nan)
        s2 = np.ones_like(mu)
    else:
        df = k - 1
        crit = special.stdtrit(df, 1 - alpha / 2)
        r = y - mu[:, None]
        s2 = np.einsum("ij,ij,ij->i", w, r, r) / df
        if test == "adhoc":
            s2 = np.maximum(1.0, s2)
        elif test == "t":
            s2 = np.ones_like(mu)
        se = se * np.sqrt(s2)
    stat = mu / se
    # scipy.special instead of scipy.stats distributions: same values, ~50x less call overhead
    pval = 2 * special.ndtr(-np.abs(stat)) if test == "z" else 2 * special.stdtr(df, -np.abs(stat))
    half_pi = crit * np.sqrt(se**2 + tau2)
    return {"estimate": mu, "se": se, "stat": stat, "pval": pval, "df": df, "k": k,
            "ci_lb": mu - crit * se, "ci_ub": mu + crit * se, "pi_lb": mu - half_pi, "pi_ub": mu + half_pi,
            "s2": s2, "weights": 100 * w / sw[:, None]}


@functools.lru_cache(maxsize=16)
def _z_crit(level: float) -> float:
    return float(special.ndtri(1 - (1 - level / 100) / 2))


def pool_single(fit: tau2_single.SingleFit, test: str = "z", level: float = 95.0) -> dict[str, float]:
    """:func:`pool_rows` for one 1-D analysis from the sums at τ̂² (same formulas, scalar arithmetic)."""
    if test not in TESTS:
        raise InputError("test", f"unknown test {test!r}", TESTS)
    m, tau2 = fit.at, fit.tau2
    sw = m[0][0]
    mu = fit.ybar + m[0][1] / sw
    se = 1 / math.sqrt(sw)
    df, s2 = math.nan, 1.0
    if test == "z":
        crit = _z_crit(level)
    else:
        df = fit.cols.shape[1] - 1.0
        crit = float(special.stdtrit(df, 1 - (1 - level / 100) / 2))
        if test in ("knha", "adhoc"):
            s2 = tau2_single.q_stat(m) / df
            s2 = max(1.0, s2) if test == "adhoc" else s2
        se *= math.sqrt(s2)
    stat = mu / se
    pval = float(2 * special.ndtr(-abs(stat)) if test == "z" else 2 * special.stdtr(df, -abs(stat)))
    half_pi = crit * math.sqrt(se**2 + tau2)
    return {"estimate": mu, "se": se, "stat": stat, "pval": pval, "df": df, "ci_lb": mu - crit * se,
            "ci_ub": mu + crit * se, "pi_lb": mu - half_pi, "pi_ub": mu + half_pi, "weights": (100 / sw) * fit.w}


def heterogeneity_single(fit: tau2_single.SingleFit, random: bool) -> dict[str, float]:
    """:func:`fixed.heterogeneity_rows` for one 1-D analysis from the sums at τ² = 0 (scalar arithmetic)."""
    m, tau2 = fit.fe, fit.tau2
    q = tau2_single.q_stat(m)
    df = fit.cols.shape[1] - 1
    if df == 0:
        return {"q": q, "q_df": 0, "q_pval": math.nan, "vt": math.nan, "i2": math.nan, "h2": math.nan}
    sw = m[0][0]
    vt = df * sw / (sw**2 - m[1][0])
    if random:
        i2, h2 = 100 * tau2 / (vt + tau2), tau2 / vt + 1
    else:
        i2, h2 = (100 * max(0.0, (q - df) / q) if q > 0 else 0.0), q / df
    return {"q": q, "q_df": df, "q_pval": float(special.chdtrc(df, q)), "vt": vt, "i2": i2, "h2": h2}


def qprofile_ci(
    yi: np.ndarray, vi: np.ndarray, level: float = 95.0, threshold: float = 1e-12
) -> tuple[float, float]:
    """Return the Q-profile (Viechtbauer 2007) confidence interval for τ² of one meta-analysis.

    Solved exactly (safeguarded Newton on the monotone generalised Q), not with R's ``uniroot``
    tolerance; bounds are truncated at 0 (meta-analysis.md §3.6, §0.2).
    """
    cols = tau2_single.design(yi)[1]
    k = yi.size
    alpha = 1 - level / 100
    targets = (special.chdtri(k - 1, alpha / 2), special.chdtri(k - 1, 1 - alpha / 2))
    lb, ub = (tau2_single.q_root(cols, vi, float(t), threshold, 500)[0] for t in targets)
    return lb, ub


def meta_analysis(
    yi: Sequence[float] | np.ndarray,
    vi: Sequence[float] | np.ndarray,
    method: str = "REML",
    *,
    test: str = "z",
    level: float = 95.0,
    measure: str = "GEN",
    labels: Sequence[str] = (),
    threshold: float = 1e-10,
    tau2_ci: bool = True,
) -> MetaResult:
    """Fit an intercept-only common-effect (FE/EE) or random-effects model to one set of studies.

    Returns:
        A :class:`MetaResult` with the pooled estimate, its test and CI, the prediction interval, Q, I²,
        H², τ² with SE and (for random-effects methods) its Q-profile CI, and the study weights.

    Raises:
        InputError: unknown method or test, fewer than 2 studies for a τ² estimator, mismatched or
            non-finite input, or non-positive variances where a method needs them.
    """
    method = method.upper()
    if method not in TAU2_METHODS:
        raise InputError("method", f"unknown method {method!r}", TAU2_METHODS)
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.ndim != 1 or y.shape != v.shape or y.size == 0:
        raise InputError("yi,vi", "need two one-dimensional arrays of the same, non-zero length")
    if not math.isfinite(float(np.add.reduce(y)) + float(np.add.reduce(v))):
        raise InputError("yi,vi", "contain missing or non-finite values", "finite numbers")
    vmin = float(np.minimum.reduce(v))
    if vmin < 0:
        raise InputError("vi", "a sampling variance is negative", "vi >= 0")
    random = method not in ("FE", "EE")
    if not random and vmin <= 0:
        raise InputError("vi", "inverse-variance weights need positive sampling variances", "vi > 0")
    if test != "z" and y.size < 2:
        raise InputError("k", f"test={test} needs at least 2 studies", "k >= 2")
    fit = tau2_single.fit(y, v, method, threshold=threshold)
    tau2 = fit.tau2
    pooled = pool_single(fit, test, level)
    het = heterogeneity_single(fit, random)
    ci_lb = ci_ub = float("nan")
    i2_ci = h2_ci = (float("nan"), float("nan"))
    vt = het["vt"]
    if random and tau2_ci and y.size >= 2:
        ci_lb, ci_ub = qprofile_ci(y, v, level)
        i2_ci = (100 * ci_lb / (vt + ci_lb), 100 * ci_ub / (vt + ci_ub))
        h2_ci = (ci_lb / vt + 1, ci_ub / vt + 1)
    heterogeneity = Heterogeneity(
        q=het["q"], q_df=het["q_df"], q_pval=het["q_pval"], i2=het["i2"], h2=het["h2"], vt=vt, tau2=tau2,
        se_tau2=fit.se,
        tau2_ci_lb=ci_lb, tau2_ci_ub=ci_ub, i2_ci=i2_ci, h2_ci=h2_ci,
    )
    return MetaResult(
        method=method, test=test, measure=measure, k=int(y.size),
        estimate=pooled["estimate"], se=pooled["se"], stat=pooled["stat"], dist="z" if test == "z" else "t",
        df=pooled["df"], pval=pooled["pval"], ci_lb=pooled["ci_lb"], ci_ub=pooled["ci_ub"],
        pi_lb=pooled["pi_lb"], pi_ub=pooled["pi_ub"],
        heterogeneity=heterogeneity, yi=y, vi=v, weights=pooled["weights"], level=level,
        labels=tuple(labels),
    )
