"""Small-study effects and publication bias: Egger's regression test, Begg's rank correlation test,
trim-and-fill (metafor ``regtest``, ``ranktest``, ``trimfill``; meta-analysis.md §3.9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from acupath.errors import InputError
from acupath.evidence.random_effects import meta_analysis
from acupath.evidence.regression import meta_regression
from acupath.evidence.results import MetaResult


@dataclass(frozen=True)
class RegTest:
    """Egger-type test: ``stat`` (z or t on ``df``) and ``pval`` for the SE slope, and the limit
    estimate (intercept: the effect as SE → 0) with its CI."""

    model: str
    stat: float
    dist: str
    df: float
    pval: float
    limit_estimate: float
    limit_ci_lb: float
    limit_ci_ub: float


def regtest(yi: Sequence[float], vi: Sequence[float], *, model: str = "rma", method: str = "REML",
            test: str = "z", level: float = 95.0) -> RegTest:
    """Egger's regression test with the standard error as predictor.

    ``model="rma"`` (metafor default): meta-regression of y on sqrt(v) with the given τ² method and
    test. ``model="lm"`` (classical Egger 1997): weighted least squares with weights 1/v and a
    multiplicative dispersion, t-test on k − 2 df.

    Raises:
        InputError: fewer than 3 studies or an unknown model.
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if y.size < 3:
        raise InputError("k", "Egger's test needs at least 3 studies", "k >= 3")
    sei = np.sqrt(v)
    if model == "rma":
        fit = meta_regression(y, v, sei, method, names=("sei",), test=test, level=level)
        slope, icpt = fit.coefficients[1], fit.coefficients[0]
        return RegTest("rma", slope.stat, fit.dist, fit.df, slope.pval, icpt.estimate, icpt.ci_lb, icpt.ci_ub)
    if model != "lm":
        raise InputError("model", f"unknown regression model {model!r}", ("rma", "lm"))
    fit = meta_regression(y, v, sei, "FE", names=("sei",), test="knha", level=level)
    slope, icpt = fit.coefficients[1], fit.coefficients[0]
    return RegTest("lm", slope.stat, "t", fit.df, slope.pval, icpt.estimate, icpt.ci_lb, icpt.ci_ub)


@dataclass(frozen=True)
class RankTest:
    """Begg & Mazumdar's rank correlation: Kendall's τ between standardised effects and variances."""

    tau: float
    pval: float
    exact: bool


def ranktest(yi: Sequence[float], vi: Sequence[float]) -> RankTest:
    """Kendall's τ between (yᵢ − μ̂_FE)/sqrt(vᵢ − 1/Σw) and vᵢ; exact p-value when there are no ties
    and k < 50 (R ``cor.test`` default), else the normal approximation with tie correction.

    Raises:
        InputError: fewer than 3 studies.
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if y.size < 3:
        raise InputError("k", "the rank correlation test needs at least 3 studies", "k >= 3")
    w = 1 / v
    mu = np.sum(w * y) / w.sum()
    ystar = (y - mu) / np.sqrt(v - 1 / w.sum())
    ties = np.unique(ystar).size < y.size or np.unique(v).size < v.size
    exact = (not ties) and y.size < 50
    from scipy import stats  # imported here: scipy.stats takes ~1 s to import, only --bias needs it

    res = stats.kendalltau(ystar, v, method="exact" if exact else "asymptotic")
    return RankTest(float(res.statistic), float(res.pvalue), exact)


@dataclass(frozen=True)
class TrimFill:
    """Trim-and-fill: number of imputed studies ``k0`` (with SE), the side they were missing on, the
    filled effect sizes and variances, and the model refitted to observed + filled studies."""

    k0: int
    se_k0: float
    side: str
    filled_yi: np.ndarray
    filled_vi: np.ndarray
    model: MetaResult


def trimfill(yi: Sequence[float], vi: Sequence[float], method: str = "REML", *, estimator: str = "L0",
             side: str | None = None, maxiter: int = 100) -> TrimFill:
    """Duval & Tweedie's trim-and-fill with metafor's algorithm (meta-analysis.md §3.9).

    The side is "right" when the SE slope of ``rma(y, v, mods=sqrt(v))`` is negative, else "left".

    Raises:
        InputError: fewer than 3 studies, an unknown estimator or side.
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    k = y.size
    if k < 3:
        raise InputError("k", "trim-and-fill needs at least 3 studies", "k >= 3")
    if estimator not in ("L0", "R0"):
        raise InputError("estimator", f"unknown estimator {estimator!r}", ("L0", "R0"))
    if side is None:
        slope = meta_regression(y, v, np.sqrt(v), method).coefficients[1].estimate
        side = "right" if slope < 0 else "left"
    if side not in ("left", "right"):
        raise InputError("side", f"unknown side {side!r}", ("left", "right"))
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * y, kind="stable")
    ys, vs = sign * y[order], v[order]
    k0, k0_prev, se_k0, beta = 0, -1, float("nan"), 0.0
    from scipy.stats import rankdata  # imported here, as in ranktest

    for _ in range(maxiter):
        if k0 == k0_prev:
            break
        k0_prev = k0
        beta = meta_analysis(ys[: k - k0], vs[: k - k0], method, tau2_ci=False).estimate
        centred = ys - beta
        ranks = rankdata(np.abs(centred), method="ordinal")
        signed = np.sign(centred) * ranks
        if estimator == "L0":
            s_r = signed[signed > 0].sum()
            raw = (4 * s_r - k * (k + 1)) / (2 * k - 1)
            var_sr = (k * (k + 1) * (2 * k + 1) + 10 * raw**3 + 27 * raw**2 + 17 * raw - 18 * k * raw**2
                      - 18 * k * raw + 6 * k**2 * raw) / 24
            se_k0 = float(4 * np.sqrt(var_sr) / (2 * k - 1))
        else:
            neg = -signed[signed < 0]
            raw = k - (neg.max() if neg.size else 0) - 1
            se_k0 = float(np.sqrt(2 * max(0, raw) + 2))
        k0 = max(0, int(np.round(raw)))
    filled_y = sign * (2 * beta - ys[k - k0:]) if k0 > 0 else np.empty(0)
    filled_v = vs[k - k0:] if k0 > 0 else np.empty(0)
    model = meta_analysis(np.concatenate([y, filled_y]), np.concatenate([v, filled_v]), method)
    return TrimFill(k0, se_k0, side, filled_y, filled_v, model)
