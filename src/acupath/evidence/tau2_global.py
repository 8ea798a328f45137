"""The global maximum of the ML/REML likelihood in τ² over [0, ∞), vectorised over rows.

Fisher scoring (metafor) or Newton (:mod:`tau2`) follows one path from one start value and stops at
the first stationary point or at the boundary τ² = 0 it reaches. For some data the (restricted)
likelihood has two peaks, e.g. a local maximum at τ² = 0 (score ≤ 0 there) and a higher interior one;
a single path can then stop at the wrong peak. This module adds a profile step:

1. every stationary point lies in [0, U] (:func:`upper_bound`), so the score is evaluated on a grid of
   0 and ``GRID`` geometric points up to U (:func:`scan`);
2. every + to − sign change of the score brackets an interior local maximum, refined by bracketed
   Newton (bisection when a step leaves the bracket, :func:`refine`); the boundary τ² = 0 is a
   candidate too;
3. the path's own answer and every candidate are compared by the (restricted) log-likelihood, and
   the highest wins (the path's answer on ties, so metafor's unimodal results are unchanged).

Only brackets that do not already contain the path's answer are refined, so the usual unimodal row
costs the grid scan alone. PM/EB need none of this: the generalised Q(τ²) is strictly decreasing
(dQ/dτ² = −Σw²r² < 0 unless all residuals vanish), so Q(τ²) = k − 1 has at most one root, which the
bracketed solver in :mod:`tau2` finds. SJ and DL/HE are closed-form.

Notation as in :mod:`tau2`: w = 1/(v+τ²), studies centred at their unweighted mean ȳ (c = y − ȳ),
``M[a][b] = Σ w^(a+1) c^b``; score (twice the derivative of the log-likelihood) = Σw²r² − Σw (ML)
or Σw²r² − tr(P) (REML).
"""

from __future__ import annotations

import numpy as np

#: Geometric grid points in (0, U]; the first is U·LOW (ratio 1.85 between points). 40,000 random k = 20 analyses
#: lose no peak even with 8 points (tests/reference/evidence/pymare/); 16 leave a margin.
GRID = 16
LOW = 1e-4
STEPS = np.concatenate([[0.0], np.geomspace(LOW, 1.0, GRID)])
#: Rows scanned at once (bounds the (rows, GRID+1, k) temporaries to a few MB).
CHUNK = 1024
#: A candidate replaces the path's answer only when its log-likelihood is higher by more than this
#: (the same peak reached twice differs by rounding only).
TIE = 1e-12


def _centred(y: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Return the (m, k, 3) columns [1, c, c²] with c = y − ȳ per row (zero where a study is absent)."""
    m = np.ones_like(y) if mask is None else mask
    c = (y - (np.einsum("ij,ij->i", m, y) / m.sum(axis=1))[:, None]) * m
    return np.stack([m, c, c * c], axis=2)


def upper_bound(cols: np.ndarray, v: np.ndarray, mask: np.ndarray | None, method: str) -> np.ndarray:
    """Return U per row such that the score is negative for every τ² > U (``cols`` from :func:`_centred`).

    With SS = Σ(y − ȳ)², Σw²r² ≤ (max w)·Σw r² ≤ SS/τ⁴ (μ̂ minimises Σw(y−μ)²), while Σw ≥ k/(vmax+τ²)
    and tr(P) ≥ (k−1)/(vmax+τ²) (tr(W(I−uuᵀ)) is at least the sum of the k−1 smallest weights). The
    score is therefore negative once n τ⁴ > SS (vmax + τ²), n = k (ML) or k − 1 (REML).
    """
    k = cols[:, :, 0].sum(axis=1)
    ss = cols[:, :, 2].sum(axis=1)
    vmax = (v if mask is None else v * mask).max(axis=1)
    n = k if method == "ML" else k - 1
    return (ss + np.sqrt(ss * ss + 4 * n * ss * vmax)) / (2 * n) * (1 + 1e-9) + 1e-300


def _sums(cols: np.ndarray, v: np.ndarray, mask: np.ndarray | None, taus: np.ndarray):
    """M₀ = Σw[1,c,c²], M₁ = Σw²[1,c,c²] at every τ² of ``taus`` (shape (m, g)); arrays (m, g, 3)."""
    w = 1.0 / (v[:, None, :] + taus[:, :, None])
    if mask is not None:
        w = w * mask[:, None, :]
    return np.matmul(w, cols), np.matmul(w * w, cols)


def _score(m0: np.ndarray, m1: np.ndarray, method: str) -> np.ndarray:
    d = m0[..., 1] / m0[..., 0]
    ypy2 = m1[..., 2] - d * (2 * m1[..., 1] - d * m1[..., 0])
    s1, s2 = m0[..., 0], m1[..., 0]
    return ypy2 - (s1 if method == "ML" else s1 - s2 / s1)


def scan(cols: np.ndarray, v: np.ndarray, mask: np.ndarray | None, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the grid (m, GRID+1; column 0 is τ² = 0, the last U) and the score at every grid point."""
    taus = upper_bound(cols, v, mask, method)[:, None] * STEPS[None, :]
    scores = np.empty_like(taus)
    for start in range(0, v.shape[0], CHUNK):
        part = slice(start, start + CHUNK)
        scores[part] = _score(*_sums(cols[part], v[part], None if mask is None else mask[part], taus[part]), method)
    return taus, scores


def _newton(cols, v, mask, x, method):
    """Score and Newton step at x (one τ² per row); the Fisher step where the likelihood is not concave."""
    w = 1.0 / (v + x[:, None])
    if mask is not None:
        w = w * mask
    w2 = w * w
    m0, m1, m2 = (np.einsum("ij,ijb->ib", ww, cols) for ww in (w, w2, w2 * w))
    d = m0[:, 1] / m0[:, 0]
    w2r = m1[:, 1] - d * m1[:, 0]
    ypy3 = m2[:, 2] - d * (2 * m2[:, 1] - d * m2[:, 0]) - w2r**2 / m0[:, 0]
    score = _score(m0, m1, method)
    s1, s2, s3 = m0[:, 0], m1[:, 0], m2[:, 0]
    info = s2 if method == "ML" else s2 - 2 * s3 / s1 + (s2 / s1) ** 2
    curvature = 2 * ypy3 - info
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(curvature > 0, score / curvature, score / info)
    return score, step


def refine(cols, v, mask, lo, hi, method, threshold=1e-10, maxiter=200):
    """Return the local maximum inside each bracket (lo, hi) (score > 0 at lo, < 0 at hi), one bracket
    per row of cols/v/mask (``cols`` from :func:`_centred`), and whether each converged (|Δτ²| < threshold)."""
    lo, hi = lo.copy(), hi.copy()
    x = (lo + hi) / 2
    active = np.ones(x.size, dtype=bool)
    for _ in range(maxiter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        xa = x[idx]
        score, step = _newton(cols[idx], v[idx], _rows(mask, idx), xa, method)
        up = score > 0
        lo[idx] = np.where(up, xa, lo[idx])
        hi[idx] = np.where(up, hi[idx], xa)
        new = xa + step
        inside = (new >= lo[idx]) & (new <= hi[idx])  # closed: a zero score gives new = x = one end
        new = np.where(inside, new, (lo[idx] + hi[idx]) / 2)
        x[idx] = new
        active[idx] = ~((np.abs(new - xa) < threshold) | (score == 0))
    return x, ~active


def loglik(cols, v, mask, tau2, reml):
    """(Restricted) log-likelihood without constants per row: −½Σlog(v+τ²) − ½Σwr² [− ½ log Σw]."""
    w = 1.0 / (v + tau2[:, None])
    logv = np.log(v + tau2[:, None])
    if mask is not None:
        w, logv = w * mask, logv * mask
    m0 = np.einsum("ij,ijb->ib", w, cols)
    q = m0[:, 2] - m0[:, 1] ** 2 / m0[:, 0]
    ll = -0.5 * logv.sum(axis=1) - 0.5 * q
    return ll - 0.5 * np.log(m0[:, 0]) if reml else ll


def _rows(mask: np.ndarray | None, rows: np.ndarray) -> np.ndarray | None:
    return None if mask is None else mask[rows]


def global_max(y, v, mask, path, method, threshold=1e-10, maxiter=200, cols=None):
    """Return τ² at the global maximum of the (restricted) likelihood over [0, ∞) per row, given the
    answer ``path`` of the single-path solver, and a mask of the rows whose answer changed.

    Candidates: ``path``, τ² = 0 (when the score there is ≤ 0, i.e. it is a local maximum) and the
    refined peak of every grid bracket not containing ``path``. ``cols`` may pass :func:`_centred`'s
    columns when the caller has them (then ``y`` is not read).
    """
    cols = _centred(y, mask) if cols is None else cols
    taus, scores = scan(cols, v, mask, method)
    rows, cells = np.nonzero((scores[:, :-1] > 0) & (scores[:, 1:] <= 0))
    lo, hi = taus[rows, cells], taus[rows, cells + 1]
    other = ~((path[rows] >= lo) & (path[rows] <= hi))
    rows, lo, hi = rows[other], lo[other], hi[other]
    zero_peak = (scores[:, 0] <= 0) & (path > 0)
    best = path.copy()
    if rows.size == 0 and not zero_peak.any():
        return best, np.zeros(path.size, dtype=bool)
    reml = method == "REML"
    cand_rows = np.concatenate([rows, np.flatnonzero(zero_peak)])
    peaks = refine(cols[rows], v[rows], _rows(mask, rows), lo, hi, method, threshold, maxiter)[0]
    cand = np.concatenate([peaks, np.zeros(int(zero_peak.sum()))])
    c, vc, mc = cols[cand_rows], v[cand_rows], _rows(mask, cand_rows)
    ll_cand = loglik(c, vc, mc, cand, reml)
    better = ll_cand > loglik(c, vc, mc, path[cand_rows], reml) + TIE
    order = np.lexsort((ll_cand, cand_rows))  # by row, then ascending log-likelihood
    last = np.r_[cand_rows[order][1:] != cand_rows[order][:-1], True]  # each row's highest candidate
    top = order[last]
    top = top[better[top]]
    best[cand_rows[top]] = cand[top]
    return best, best != path
