"""τ² estimators for models with moderators (design matrix X, k×p), metafor ``R/rma.uni.r``.

With W = diag(w) and P = W − W X (XᵀWX)⁻¹ XᵀW (meta-analysis.md §3, §3.3). These use k×k matrices,
which is fine for the study counts of meta-regression; intercept-only models use :mod:`tau2`.
"""

from __future__ import annotations

import numpy as np

from acupath.errors import InputError
from acupath.evidence.tau2 import LL0_TOL, TAU2_METHODS


def projection(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return P = W − W X (XᵀWX)⁻¹ XᵀW for weights ``w`` and design ``x``."""
    wx = x * w[:, None]
    return np.diag(w) - wx @ np.linalg.solve(x.T @ wx, wx.T)


def q_generalised(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> float:
    """Return y'P(τ²)y = Σ w (y − Xβ̂)² with w = 1/(v + τ²) (strictly decreasing in τ²)."""
    w = 1 / (v + tau2)
    wx = x * w[:, None]
    beta = np.linalg.solve(x.T @ wx, wx.T @ y)
    r = y - x @ beta
    return float(np.sum(w * r**2))


def q_root_mods(y: np.ndarray, v: np.ndarray, x: np.ndarray, target: float) -> float:
    """Solve y'P(τ²)y = target for τ² ≥ 0 (0 when Q(0) ≤ target), Brent to ~1e-12."""
    if q_generalised(y, v, x, 0.0) <= target:
        return 0.0
    from scipy import optimize  # imported here: only meta-regression's Q-profile needs it

    hi = max(100.0, 10 * float(np.var(y)))
    while q_generalised(y, v, x, hi) > target:
        hi *= 10
    return float(optimize.brentq(lambda t: q_generalised(y, v, x, t) - target, 0.0, hi,
                                 xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500))


def _loglik(y, v, x, tau2, reml):
    w = 1 / (v + tau2)
    wx = x * w[:, None]
    xtwx = x.T @ wx
    r = y - x @ np.linalg.solve(xtwx, wx.T @ y)
    ll = -0.5 * np.sum(np.log(v + tau2)) - 0.5 * np.sum(w * r**2)
    return ll - 0.5 * np.linalg.slogdet(xtwx)[1] if reml else ll


def estimate_tau2_mods(
    y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str, *, threshold: float = 1e-10, maxiter: int = 500
) -> tuple[float, float]:
    """Estimate residual τ² and its SE for a meta-regression with design ``x``.

    Returns:
        (τ², SE(τ²)); (0, NaN) for FE/EE.

    Raises:
        InputError: unknown method, k ≤ p, or non-positive variances where the method needs them.
    """
    if method not in TAU2_METHODS:
        raise InputError("method", f"unknown τ² estimator {method!r}", TAU2_METHODS)
    if method in ("FE", "EE"):
        return 0.0, float("nan")
    k, p = x.shape
    if k - p < 1:
        raise InputError("k", f"{k} studies cannot estimate τ² with {p} coefficients", f"k > {p}")
    if method != "HE" and np.any(v <= 0):
        raise InputError("vi", f"the {method} estimator needs positive sampling variances", "vi > 0")
    yc = y - y.mean()  # metafor centres y for stability
    vmat = np.diag(v)
    if method in ("HE", "ML", "REML"):
        p0 = np.eye(k) - x @ np.linalg.solve(x.T @ x, x.T)
        pv = p0 @ vmat
        tr_pv = np.trace(pv)
        tau2 = (yc @ p0 @ yc - tr_pv) / (k - p)
        if method == "HE":
            tau2 = max(0.0, tau2)
            se = np.sqrt(2 * np.sum(pv * pv.T) + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - p)) / (k - p)
            return float(tau2), float(se)
        tau2 = max(0.0, tau2)
        for _ in range(maxiter):
            w = 1 / (v + tau2)
            pm = projection(w, x)
            py = pm @ yc
            if method == "ML":
                step = (py @ py - w.sum()) / np.sum(w**2)
            else:
                step = (py @ py - np.trace(pm)) / np.sum(pm * pm)
            while tau2 + step < 0:
                step /= 2
            tau2 += step
            if abs(step) < threshold:
                break
        reml = method == "REML"
        if _loglik(yc, v, x, 0.0, reml) - _loglik(yc, v, x, tau2, reml) > LL0_TOL and tau2 > threshold:
            tau2 = 0.0
        w = 1 / (v + tau2)
        se = np.sqrt(2 / np.sum(w**2)) if method == "ML" else np.sqrt(2 / np.sum(projection(w, x) ** 2))
        return float(tau2), float(se)
    if method == "DL":
        pm = projection(1 / v, x)
        tr_p = np.trace(pm)
        tau2 = max(0.0, (yc @ pm @ yc - (k - p)) / tr_p)
        se = np.sqrt(2 * (k - p) + 4 * tau2 * tr_p + 2 * tau2**2 * np.sum(pm * pm)) / tr_p
        return float(tau2), float(se)
    if method == "SJ":
        tau0 = float(np.var(y))  # var(y)·(k−1)/k
        pm = projection(1 / (v + tau0), x)
        tau2 = tau0 * (yc @ pm @ yc) / (k - p)
        pv = pm @ vmat
        se = tau0 / (k - p) * np.sqrt(2 * np.sum(pv * pv.T) + 4 * tau2 * np.sum(pv * pm)
                                      + 2 * tau2**2 * np.sum(pm * pm))
        return float(tau2), float(se)
    tau2 = q_root_mods(yc, v, x, float(k - p))  # PM, and EB (same estimating equation)
    w = 1 / (v + tau2)
    return tau2, float(np.sqrt(2 * k**2 / (k - p)) / w.sum())
