"""Meta-regression: mixed-effects (or fixed-effects) models with moderators.

meta-analysis.md §3.4 and §3.8: β̂ = (XᵀW*X)⁻¹XᵀW*y, Var = (XᵀW*X)⁻¹ (× s² for knha/adhoc, on
t(k−p)); QM = β̂ᵦᵀ Var⁻¹ β̂ᵦ over the non-intercept coefficients (χ²_m, or F = QM/m on (m, k−p) for
knha); QE = y'P_FE y on k−p df; R² = max(0, 100(τ²_RE − τ²_ME)/τ²_RE) with τ²_RE from the intercept-
only model with the same estimator (metafor ``r2def="1"``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special  # not scipy.stats: same functions, without its ~1 s import

from acupath.errors import InputError
from acupath.evidence.random_effects import TESTS
from acupath.evidence.results import Coefficient, Heterogeneity, RegressionResult
from acupath.evidence.tau2 import estimate_tau2
from acupath.evidence.tau2_mods import estimate_tau2_mods, projection, q_root_mods


def design_matrix(mods: np.ndarray | Sequence[Sequence[float]], intercept: bool = True) -> np.ndarray:
    """Return X = [1, mods] (k×p) from a k×q moderator array (or a 1-D array for one moderator)."""
    if mods is None:
        raise InputError("mods", "no moderators given")
    m = np.asarray(mods, dtype=float)
    if m.ndim == 1:
        m = m[:, None]
    if not np.all(np.isfinite(m)):
        raise InputError("mods", "a moderator value is missing or not a number", "finite numbers")
    return np.column_stack([np.ones(m.shape[0]), m]) if intercept else m


def meta_regression(
    yi: Sequence[float] | np.ndarray,
    vi: Sequence[float] | np.ndarray,
    mods: np.ndarray | Sequence[Sequence[float]],
    method: str = "REML",
    *,
    names: Sequence[str] = (),
    test: str = "z",
    level: float = 95.0,
    measure: str = "GEN",
    intercept: bool = True,
    threshold: float = 1e-10,
) -> RegressionResult:
    """Fit a meta-regression of ``yi`` on the moderators ``mods`` (an intercept is added).

    Returns:
        A :class:`RegressionResult` with coefficients, QM, QE, τ² (SE, Q-profile CI), I², H², R², hat
        values and weights.

    Raises:
        InputError: unknown method/test, a rank-deficient design, too few studies for the number of
            coefficients, or bad variances.
    """
    method = method.upper()
    if test not in TESTS:
        raise InputError("test", f"unknown test {test!r}", TESTS)
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    x = design_matrix(mods, intercept)
    k, p = x.shape
    if x.shape[0] != y.size or y.shape != v.shape:
        raise InputError("mods", f"{x.shape[0]} moderator rows for {y.size} studies", "one row per study")
    if k <= p:
        raise InputError("k", f"{k} studies for {p} coefficients", f"more than {p} studies")
    if np.linalg.matrix_rank(x) < p:
        raise InputError("mods", "the moderators are collinear (design matrix not of full rank)")
    names = tuple(names) if names else tuple(f"mod{i}" for i in range(1, x.shape[1]))
    if intercept:
        names = ("intrcpt", *names)
    tau2, se_tau2 = estimate_tau2_mods(y, v, x, method, threshold=threshold)
    w = 1 / (v + tau2)
    wx = x * w[:, None]
    vb = np.linalg.inv(x.T @ wx)
    beta = vb @ (wx.T @ y)
    resid = y - x @ beta
    s2 = 1.0
    alpha = 1 - level / 100
    if test == "z":
        dist, df = "z", float("nan")
        crit = special.ndtri(1 - alpha / 2)
    else:
        dist, df = "t", float(k - p)
        crit = special.stdtrit(df, 1 - alpha / 2)
        if test in ("knha", "adhoc"):
            s2 = float(np.sum(w * resid**2) / (k - p))
            s2 = max(1.0, s2) if test == "adhoc" else s2
    hat = np.einsum("ij,jk,ik->i", x, vb, wx)
    vb_s = vb * s2
    se = np.sqrt(np.diag(vb_s))
    stat = beta / se
    pval = 2 * (special.ndtr(-np.abs(stat)) if dist == "z" else special.stdtr(df, -np.abs(stat)))
    coefs = tuple(
        Coefficient(n, float(b), float(s), float(z), float(pv), float(b - crit * s), float(b + crit * s))
        for n, b, s, z, pv in zip(names, beta, se, stat, pval, strict=True)
    )
    btt = slice(1, p) if intercept else slice(0, p)
    m = p - 1 if intercept else p
    qm = float(beta[btt] @ np.linalg.solve(vb_s[btt, btt], beta[btt])) if m > 0 else float("nan")
    if m > 0 and dist == "t":
        qm /= m
        qm_p = float(special.fdtrc(m, k - p, qm))
    else:
        qm_p = float(special.chdtrc(m, qm)) if m > 0 else float("nan")
    p_fe = projection(1 / v, x)
    qe = float(y @ p_fe @ y)
    vt = (k - p) / np.trace(p_fe)
    random = method not in ("FE", "EE")
    if random:
        i2, h2 = 100 * tau2 / (vt + tau2), tau2 / vt + 1
        crit_lb, crit_ub = special.chdtri(k - p, alpha / 2), special.chdtri(k - p, 1 - alpha / 2)
        ci = (q_root_mods(y, v, x, crit_lb), q_root_mods(y, v, x, crit_ub))
        tau2_re = float(estimate_tau2(y[None, :], v[None, :], method, threshold=threshold).tau2[0])
        r2 = max(0.0, 100 * (tau2_re - tau2) / tau2_re) if tau2_re > 0 else 0.0
    else:
        i2 = 100 * max(0.0, (qe - (k - p)) / qe) if qe > 0 else 0.0
        h2 = qe / (k - p)
        ci = (float("nan"), float("nan"))
        r2 = float("nan")
    het = Heterogeneity(
        q=qe, q_df=k - p, q_pval=float(special.chdtrc(k - p, qe)), i2=float(i2), h2=float(h2), vt=float(vt),
        tau2=tau2, se_tau2=se_tau2, tau2_ci_lb=ci[0], tau2_ci_ub=ci[1],
        i2_ci=tuple(100 * c / (vt + c) for c in ci), h2_ci=tuple(c / vt + 1 for c in ci),
    )
    return RegressionResult(
        method=method, test=test, measure=measure, k=k, coefficients=coefs, vcov=vb_s, dist=dist, df=df,
        qm=qm, qm_df=m, qm_ddf=float(k - p), qm_pval=qm_p, r2=r2, heterogeneity=het, hat=hat,
        weights=100 * w / w.sum(), fitted=x @ beta, s2=s2,
    )
