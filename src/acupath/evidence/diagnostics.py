"""Leave-one-out, cumulative and influence diagnostics (metafor ``leave1out``, ``cumul``, ``influence``).

Leave-one-out and cumulative analyses of intercept-only models are one vectorised batch fit over a
presence mask (row i leaves out study i, or holds the first i+1 studies in the given order).
Influence statistics (metafor ``R/influence.rma.uni.r``; Viechtbauer & Cheung 2010) refit the model
without each study: externally standardised residuals, DFFITS, Cook's distance, covariance ratio,
τ² and QE after deletion, hat values, weights and DFBETAS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from acupath.errors import InputError
from acupath.evidence.fixed import heterogeneity_rows
from acupath.evidence.random_effects import pool_rows
from acupath.evidence.regression import meta_regression
from acupath.evidence.tau2 import estimate_tau2


def _subset_fits(y: np.ndarray, v: np.ndarray, mask: np.ndarray, method: str, test: str) -> dict[str, np.ndarray]:
    m = mask.shape[0]
    yy, vv = np.broadcast_to(y, (m, y.size)).copy(), np.broadcast_to(v, (m, v.size)).copy()
    k = mask.sum(axis=1)
    tau2 = np.zeros(m)
    se_tau2 = np.full(m, np.nan)
    several = k >= 2
    if np.any(several) and method not in ("FE", "EE"):
        fit = estimate_tau2(yy[several], vv[several], method, mask=mask[several])
        tau2[several], se_tau2[several] = fit.tau2, fit.se
    pooled = pool_rows(yy, vv, tau2, mask=mask, test=test if np.all(several) else "z")
    het = heterogeneity_rows(yy, vv, mask, tau2, method not in ("FE", "EE"))
    keys = ("estimate", "se", "stat", "pval", "ci_lb", "ci_ub")
    return {**{key: pooled[key] for key in keys}, "q": het["q"], "q_pval": het["q_pval"], "tau2": tau2,
            "se_tau2": se_tau2, "i2": het["i2"], "h2": het["h2"], "k": k}


def leave_one_out(yi: Sequence[float], vi: Sequence[float], method: str = "REML",
                  *, test: str = "z") -> dict[str, np.ndarray]:
    """Return arrays (one entry per omitted study) of estimate, se, stat, pval, CI, Q, τ², I², H².

    Raises:
        InputError: fewer than 3 studies (each subset needs 2 for τ²).
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if y.size < 3:
        raise InputError("k", "leave-one-out needs at least 3 studies", "k >= 3")
    return _subset_fits(y, v, 1.0 - np.eye(y.size), method.upper(), test)


def cumulative(yi: Sequence[float], vi: Sequence[float], method: str = "REML", *,
               order: Sequence[float] | None = None, test: str = "z") -> dict[str, np.ndarray]:
    """Return cumulative meta-analysis arrays: row i pools the first i+1 studies in ``order``.

    The returned ``order`` array gives the study indices in the order they were added.
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    idx = np.argsort(np.asarray(order), kind="stable") if order is not None else np.arange(y.size)
    out = _subset_fits(y[idx], v[idx], np.tril(np.ones((y.size, y.size))), method.upper(), test)
    out["order"] = idx
    return out


@dataclass(frozen=True)
class Influence:
    """Per-study influence statistics (arrays of length k; ``dfbetas`` is k×p)."""

    rstudent: np.ndarray
    dffits: np.ndarray
    cook_d: np.ndarray
    cov_r: np.ndarray
    tau2_del: np.ndarray
    qe_del: np.ndarray
    hat: np.ndarray
    weight: np.ndarray
    dfbetas: np.ndarray


def influence(yi: Sequence[float], vi: Sequence[float], mods: np.ndarray | None = None,
              method: str = "REML") -> Influence:
    """Return the influence diagnostics of each study for an intercept-only or moderator model.

    Raises:
        InputError: too few studies to refit the model without one of them.
    """
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    k = y.size
    x = np.empty((k, 0)) if mods is None else np.asarray(mods, dtype=float).reshape(k, -1)
    full = meta_regression(y, v, x, method)
    beta = np.array([c.estimate for c in full.coefficients])
    xd = np.column_stack([np.ones(k), x])
    vb_inv = np.linalg.inv(full.vcov)
    det_full = np.linalg.det(full.vcov)
    out = {key: np.empty(k) for key in ("rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "qe_del")}
    dfbetas = np.empty((k, beta.size))
    for i in range(k):
        keep = np.arange(k) != i
        fit = meta_regression(y[keep], v[keep], x[keep], method)
        b_i = np.array([c.estimate for c in fit.coefficients])
        pred_i = xd[i] @ b_i
        var_pred = xd[i] @ fit.vcov @ xd[i]
        out["tau2_del"][i] = fit.tau2
        out["qe_del"][i] = fit.heterogeneity.q
        out["rstudent"][i] = (y[i] - pred_i) / np.sqrt(v[i] + fit.tau2 + var_pred)
        out["dffits"][i] = (full.fitted[i] - pred_i) / np.sqrt(full.hat[i] * (fit.tau2 + v[i]))
        diff = beta - b_i
        out["cook_d"][i] = diff @ vb_inv @ diff
        out["cov_r"][i] = np.linalg.det(fit.vcov) / det_full
        # metafor scales DFBETAS by Var(β̂) of all k studies weighted with 1/(v + τ²₍₋ᵢ₎)
        w_del = 1 / (v + fit.tau2)
        vb_del = np.linalg.inv(xd.T @ (xd * w_del[:, None]))
        dfbetas[i] = diff / np.sqrt(np.diag(vb_del))
    return Influence(hat=full.hat, weight=full.weights, dfbetas=dfbetas, **out)
