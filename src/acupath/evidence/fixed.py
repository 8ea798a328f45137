"""Common (equal/fixed) effect pooling and heterogeneity statistics, vectorised over rows.

meta-analysis.md §3.2: μ̂ = Σwy/Σw, SE = 1/sqrt(Σw) with w = 1/v; Q = Σw(y − μ̂)² on k − 1 df;
ṽ = (k−1)Σw/((Σw)² − Σw²). I² and H² are τ²-based for random-effects models (I² = 100τ²/(τ²+ṽ),
H² = τ²/ṽ + 1) and Q-based for equal-effect models (I² = 100·max(0, (Q−df)/Q), H² = Q/df), as metafor;
a row with one study has Q = 0, p = 1, I² = 0 and H² = 1.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def heterogeneity_rows(
    y: np.ndarray, v: np.ndarray, mask: np.ndarray | None, tau2: np.ndarray, random: bool
) -> dict[str, np.ndarray]:
    """Return Q, its df and p-value, ṽ, I² and H² for every row (O(k) per row)."""
    w = 1.0 / v if mask is None else mask / np.where(mask > 0, v, 1.0)
    k = np.full(y.shape[0], float(y.shape[1])) if mask is None else mask.sum(axis=1)
    sw = w.sum(axis=1)
    mu = np.einsum("ij,ij->i", w, y) / sw
    r = y - mu[:, None]
    q = np.einsum("ij,ij,ij->i", w, r, r)
    df = k - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        vt = df * sw / (sw**2 - np.einsum("ij,ij->i", w, w))
        if random:
            i2 = 100 * tau2 / (vt + tau2)
            h2 = tau2 / vt + 1
        else:
            i2 = np.where(q > 0, 100 * np.maximum(0.0, (q - df) / q), 0.0)
            h2 = q / df
        q_pval = special.chdtrc(df, q)
    single = df < 1  # one study: metafor reports Q = 0, p = 1, I² = 0, H² = 1 (cumul's first row)
    if np.any(single):
        q_pval, i2, h2 = (np.where(single, fill, arr) for fill, arr in ((1.0, q_pval), (0.0, i2), (1.0, h2)))
    return {"q": q, "q_df": df, "q_pval": q_pval, "vt": vt, "i2": i2, "h2": h2,
            "fe_estimate": mu, "fe_se": 1 / np.sqrt(sw)}
