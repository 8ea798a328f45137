"""Mantel–Haenszel (OR, RR, RD) and Peto pooling of 2×2 tables (metafor ``rma.mh``/``rma.peto``).

Formulas: meta-analysis.md §3.7. The pooled estimate uses the raw cells (no continuity correction,
metafor ``add=c(1/2, 0), to=c("only0", "none")``); heterogeneity uses the per-study escalc values
with 1/2 added to tables with a zero cell and double-zero tables dropped (``drop00=TRUE``):
Q = Σwᵢ(yᵢ − θ̂)², wᵢ = 1/vᵢ, df = k_y − 1, I² = 100·max(0, (Q − df)/Q), H² = Q/df.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from acupath.errors import InputError
from acupath.evidence.effect_sizes import binary_cells, binary_effect_sizes
from acupath.evidence.results import Heterogeneity, MetaResult

MH_MEASURES = ("OR", "RR", "RD")


def _heterogeneity(yi: np.ndarray, vi: np.ndarray, theta: float) -> Heterogeneity:
    w = 1 / vi
    q = float(np.sum(w * (yi - theta) ** 2))
    df = yi.size - 1
    sw = w.sum()
    vt = df * sw / (sw**2 - np.sum(w**2)) if df > 0 else float("nan")
    i2 = 100 * max(0.0, (q - df) / q) if q > 0 else 0.0
    return Heterogeneity(q=q, q_df=df, q_pval=float(stats.chi2.sf(q, df)) if df > 0 else float("nan"),
                         i2=i2, h2=q / df if df > 0 else float("nan"), vt=vt)


def _result(method: str, measure: str, est: float, se: float, level: float, het: Heterogeneity,
            yi: np.ndarray, vi: np.ndarray, weights: np.ndarray, labels: Sequence[str],
            extra: dict) -> MetaResult:
    crit = stats.norm.ppf(1 - (1 - level / 100) / 2)
    z = est / se
    return MetaResult(
        method=method, test="z", measure=measure, k=int(weights.size), estimate=est, se=se, stat=z,
        dist="z", df=float("nan"), pval=float(2 * stats.norm.sf(abs(z))), ci_lb=est - crit * se,
        ci_ub=est + crit * se, pi_lb=est - crit * se, pi_ub=est + crit * se, heterogeneity=het,
        yi=yi, vi=vi, weights=weights, level=level, labels=tuple(labels), extra=extra,
    )


def mantel_haenszel(
    measure: str,
    ai: Sequence[float],
    bi: Sequence[float],
    ci: Sequence[float],
    di: Sequence[float],
    *,
    level: float = 95.0,
    labels: Sequence[str] = (),
) -> MetaResult:
    """Pool 2×2 tables by Mantel–Haenszel (log OR, log RR or RD).

    Variances: OR Robins–Breslow–Greenland (1986); RR Greenland–Robins (1985); RD Sato–Greenland–
    Robins (1989), as metafor. For OR the Cochran–Mantel–Haenszel test is in ``extra``; for RD the
    Greenland–Robins (1985) SE used by RevMan/Stata is there too.

    Returns:
        A :class:`MetaResult` (estimate on the log scale for OR/RR; weights = MH weights in %).

    Raises:
        InputError: unknown measure, impossible counts, or tables that carry no information.
    """
    measure = measure.upper()
    if measure not in MH_MEASURES:
        raise InputError("measure", f"Mantel-Haenszel pools {measure!r}? only", MH_MEASURES)
    a, b, c, d = binary_cells(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    n = n1 + n2
    extra: dict = {}
    if measure == "OR":
        r_i, s_i = a * d / n, b * c / n
        r, s = r_i.sum(), s_i.sum()
        if r == 0 or s == 0:
            raise InputError("ai,bi,ci,di", "the MH odds ratio is 0 or infinite for these tables")
        est = float(np.log(r / s))
        p_i, q_i = (a + d) / n, (b + c) / n
        var = (np.sum(p_i * r_i) / (2 * r**2) + np.sum(p_i * s_i + q_i * r_i) / (2 * r * s)
               + np.sum(q_i * s_i) / (2 * s**2))
        weights = s_i
        # Cochran–Mantel–Haenszel test with continuity correction (metafor rma.mh)
        xt, yt = a + c, b + d
        cmh_v = np.sum(n1 * n2 * xt * yt / (n**2 * (n - 1)))
        cmh = float((abs(np.sum(a - n1 * xt / n)) - 0.5) ** 2 / cmh_v)
        extra = {"cmh": cmh, "cmh_pval": float(stats.chi2.sf(cmh, 1))}
    elif measure == "RR":
        r_i, s_i = a * n2 / n, c * n1 / n
        r, s = r_i.sum(), s_i.sum()
        if r == 0 or s == 0:
            raise InputError("ai,ci", "the MH risk ratio is 0 or infinite for these tables")
        est = float(np.log(r / s))
        var = np.sum(n1 * n2 * (a + c) / n**2 - a * c / n) / (r * s)
        weights = s_i
    else:
        w_i = n1 * n2 / n
        sw = w_i.sum()
        est = float(np.sum((a * n2 - c * n1) / n) / sw)
        var = (est * np.sum(c * (n1 / n) ** 2 - a * (n2 / n) ** 2 + (n1 / n) * (n2 / n) * (n2 - n1) / 2)
               + np.sum((a * (n2 - c) + c * (n1 - a)) / (2 * n))) / sw**2
        gr85 = np.sum((a * b * n2**3 + c * d * n1**3) / (n1 * n2 * n**2)) / sw**2
        extra = {"se_greenland_robins_1985": float(np.sqrt(gr85))}
        weights = w_i
    es = binary_effect_sizes(measure, a, b, c, d, drop00=True)
    het = _heterogeneity(es.yi, es.vi, est)
    return _result("MH", measure, est, float(np.sqrt(var)), level, het, es.yi, es.vi,
                   100 * weights / weights.sum(), labels, extra)


def peto(
    ai: Sequence[float],
    bi: Sequence[float],
    ci: Sequence[float],
    di: Sequence[float],
    *,
    level: float = 95.0,
    labels: Sequence[str] = (),
) -> MetaResult:
    """Pool 2×2 tables by Peto's one-step log odds ratio: Σ(O−E)/ΣV, SE = 1/sqrt(ΣV).

    Returns:
        A :class:`MetaResult` on the log OR scale (weights = V in %).

    Raises:
        InputError: impossible counts or no table with information (all V = 0).
    """
    a, b, c, d = binary_cells(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    n = n1 + n2
    events = a + c
    with np.errstate(divide="ignore", invalid="ignore"):
        var_i = np.where(n > 1, events * (b + d) * n1 * n2 / (n**2 * (n - 1)), 0.0)
    if var_i.sum() <= 0:
        raise InputError("ai,bi,ci,di", "no table carries information for the Peto odds ratio")
    o_minus_e = a - events * n1 / n
    est = float(o_minus_e.sum() / var_i.sum())
    se = float(1 / np.sqrt(var_i.sum()))
    es = binary_effect_sizes("PETO", a, b, c, d, drop00=True)
    het = _heterogeneity(es.yi, es.vi, est)
    return _result("PETO", "OR", est, se, level, het, es.yi, es.vi, 100 * var_i / var_i.sum(), labels, {})
