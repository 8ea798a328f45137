"""Mantel–Haenszel (OR, RR, RD) and Peto pooling of 2×2 tables (metafor ``rma.mh``/``rma.peto``).

Formulas: meta-analysis.md §3.7. The pooled estimate uses the raw cells (no continuity correction,
metafor ``add=c(1/2, 0), to=c("only0", "none")``); heterogeneity uses the per-study escalc values
with 1/2 added to tables with a zero cell and double-zero tables dropped (``drop00=TRUE``):
Q = Σwᵢ(yᵢ − θ̂)², wᵢ = 1/vᵢ, df = k_y − 1, I² = 100·max(0, (Q − df)/Q), H² = Q/df (with k_y ≤ 1:
Q = 0, p = 1, I² = 0, H² = 1, as metafor). Peto's Q uses the raw cells instead (metafor ``rma.peto``):
Q = max(0, Σ(Oᵢ − Eᵢ)²/Vᵢ − (Σ(Oᵢ − Eᵢ))²/ΣVᵢ) over the tables with Vᵢ > 0, on k_y − 1 df.
The result's per-study ``yi``/``vi`` hold every table in input order, NaN for a dropped double-zero
table, so that labels and weights stay aligned with the input rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special  # not scipy.stats: same functions, without its ~1 s import

from acupath.errors import InputError
from acupath.evidence.effect_sizes import binary_cells, binary_effect_sizes
from acupath.evidence.results import Heterogeneity, MetaResult

MH_MEASURES = ("OR", "RR", "RD")


def _heterogeneity(yi: np.ndarray, vi: np.ndarray, theta: float, q: float | None = None) -> Heterogeneity:
    """Q, I², H² over the tables with an effect size; ``q`` overrides the inverse-variance Q (Peto)."""
    w = 1 / vi
    df = yi.size - 1
    if df < 1:  # metafor: with at most one informative table Q = 0, p = 1, I² = 0, H² = 1
        return Heterogeneity(q=0.0, q_df=max(df, 0), q_pval=1.0, i2=0.0, h2=1.0, vt=float("nan"))
    if q is None:
        q = float(np.sum(w * (yi - theta) ** 2))
    sw = w.sum()
    vt = df * sw / (sw**2 - np.sum(w**2))
    i2 = 100 * max(0.0, (q - df) / q) if q > 0 else 0.0
    return Heterogeneity(q=q, q_df=df, q_pval=float(special.chdtrc(df, q)), i2=i2, h2=q / df, vt=vt)


def _per_table(measure: str, a: np.ndarray, b: np.ndarray, c: np.ndarray,
               d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (yi, vi) of the kept tables (double-zero dropped) and the same over every table (NaN
    where dropped), for heterogeneity and for display."""
    es = binary_effect_sizes(measure, a, b, c, d, drop00=True)
    full_y, full_v = np.full(a.size, np.nan), np.full(a.size, np.nan)
    keep = np.ones(a.size, dtype=bool)
    keep[list(es.dropped)] = False
    full_y[keep], full_v[keep] = es.yi, es.vi
    return es.yi, es.vi, full_y, full_v


def _result(method: str, measure: str, est: float, se: float, level: float, het: Heterogeneity,
            yi: np.ndarray, vi: np.ndarray, weights: np.ndarray, labels: Sequence[str],
            extra: dict) -> MetaResult:
    crit = special.ndtri(1 - (1 - level / 100) / 2)
    z = est / se
    return MetaResult(
        method=method, test="z", measure=measure, k=int(weights.size), estimate=est, se=se, stat=z,
        dist="z", df=float("nan"), pval=float(2 * special.ndtr(-abs(z))), ci_lb=est - crit * se,
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
        extra = {"cmh": cmh, "cmh_pval": float(special.chdtrc(1, cmh))}
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
    yi, vi, full_y, full_v = _per_table(measure, a, b, c, d)
    het = _heterogeneity(yi, vi, est)
    return _result("MH", measure, est, float(np.sqrt(var)), level, het, full_y, full_v,
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
    yi, vi, full_y, full_v = _per_table("PETO", a, b, c, d)
    info = var_i > 0
    q = max(0.0, float(np.sum(o_minus_e[info] ** 2 / var_i[info]) - o_minus_e.sum() ** 2 / var_i.sum()))
    het = _heterogeneity(yi, vi, est, q=q)
    return _result("PETO", "OR", est, se, level, het, full_y, full_v, 100 * var_i / var_i.sum(), labels, {})
