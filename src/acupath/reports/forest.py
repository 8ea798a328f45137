"""Forest plot of a meta-analysis (PNG, SVG or PDF), drawn with matplotlib's object API (Agg).

Layout as in Cochrane/RevMan and metafor ``forest()``: one row per study with its label, a square
sized by its weight and its CI; the pooled diamond; the prediction interval as a bar under the
diamond; columns for weight and "estimate [95% CI]"; a heterogeneity line (τ², I², H², Q) and the
test for the overall effect. Ratio measures are drawn on a log axis with back-transformed labels.
A study without an effect size (NaN, e.g. a double-zero table under Mantel-Haenszel) is listed as
"not estimable", as RevMan does.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from acupath.errors import InputError
from acupath.evidence.results import MetaResult

RATIO_MEASURES = ("RR", "OR", "ROM", "PETO")
FORMATS = (".png", ".svg", ".pdf")
MEASURE_LABELS = {"RR": "Risk ratio", "OR": "Odds ratio", "ROM": "Ratio of means", "MD": "Mean difference",
                  "SMD": "Standardised mean difference (Hedges' g)", "RD": "Risk difference", "GEN": "Effect size"}


def output_path(path: str | Path) -> Path:
    """Return ``path`` as a Path after checking its suffix names a supported image format.

    Raises:
        InputError: the suffix is not .png, .svg or .pdf.
    """
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise InputError("output", f"cannot write a plot to {p.name!r}", FORMATS)
    return p


def format_p(p: float) -> str:
    """Format a p-value the way journals print it (p < 0.001 below that)."""
    if math.isnan(p):
        return "p = NA"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _fmt(x: float, ratio: bool) -> str:
    return f"{math.exp(x):.2f}" if ratio else f"{x:.2f}"


def forest_plot(result: MetaResult, path: str | Path, *, title: str | None = None, dpi: int = 300) -> Path:
    """Draw the forest plot of ``result`` to ``path`` (format from the suffix) and return the path.

    Raises:
        InputError: unsupported output format.
    """
    from matplotlib.figure import Figure  # imported here: the tables of meta analyze need no matplotlib
    from matplotlib.patches import Polygon

    out = output_path(path)
    ratio = result.measure in RATIO_MEASURES or (result.method == "PETO")
    k = result.yi.size
    labels = list(result.labels) if len(result.labels) == k else [f"Study {i + 1}" for i in range(k)]
    crit = 1.959963984540054
    lo, hi = result.yi - crit * np.sqrt(result.vi), result.yi + crit * np.sqrt(result.vi)
    weights = np.asarray(result.weights) if result.weights.size == k else np.full(k, np.nan)
    rows = k + 4
    height = 0.32 * rows + 1.6
    fig = Figure(figsize=(10, height))
    # fixed margins in inches so that axis labels and the footer never overlap, however few the studies
    bottom, top = 1.15 / height, 0.7 / height
    ax = fig.add_axes((0.30, bottom, 0.40, 1 - bottom - top))
    y_pos = np.arange(k, 0, -1) + 2.0
    finite = np.concatenate([lo, hi, [result.ci_lb, result.ci_ub]])
    if not math.isnan(result.pi_lb) and result.tau2 > 0:
        finite = np.concatenate([finite, [result.pi_lb, result.pi_ub]])
    finite = finite[np.isfinite(finite)]
    span = (finite.min(), finite.max())
    pad = 0.05 * (span[1] - span[0] or 1.0)
    xlim = (min(span[0], 0.0) - pad, max(span[1], 0.0) + pad)
    wmax = np.nanmax(weights) if np.isfinite(weights).any() else 1.0
    for yp, lb, ub, est, w in zip(y_pos, lo, hi, result.yi, weights, strict=True):
        ax.plot([max(lb, xlim[0]), min(ub, xlim[1])], [yp, yp], color="black", lw=0.9)
        size = 4 + 10 * math.sqrt((w if np.isfinite(w) else wmax) / wmax)
        ax.plot([est], [yp], marker="s", ms=size, color="#1f3b73", mec="black", mew=0.5)
    d_y = 1.2
    diamond = Polygon([(result.ci_lb, d_y), (result.estimate, d_y + 0.35), (result.ci_ub, d_y),
                       (result.estimate, d_y - 0.35)], closed=True, facecolor="#b22222", edgecolor="black", lw=0.6)
    ax.add_patch(diamond)
    show_pi = result.tau2 > 0 and np.isfinite(result.pi_lb)
    if show_pi:
        ax.plot([result.pi_lb, result.pi_ub], [0.45, 0.45], color="#b22222", lw=2.2, solid_capstyle="butt")
    ax.plot([0.0, 0.0], [0.0, k + 2.6], color="black", lw=0.8)
    ax.plot([result.estimate] * 2, [0.0, k + 2.6], color="#b22222", lw=0.6, ls=(0, (4, 3)))
    ax.set_xlim(*xlim)
    ax.set_ylim(0, rows)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    label = MEASURE_LABELS.get("RR" if result.method == "PETO" else result.measure, "Effect size")
    if ratio:
        ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
                 if xlim[0] <= math.log(t) <= xlim[1]]
        if len(ticks) > 9:  # a wide axis: fewer labels so that they do not run into each other
            ticks = [t for t in ticks if t in (0.01, 0.1, 0.5, 1, 2, 10, 100)]
        ax.set_xticks([math.log(t) for t in ticks], [f"{t:g}" for t in ticks])
        label += " (log scale)"
    ax.set_xlabel(label, fontsize=9)
    ax.tick_params(labelsize=8)
    text_kw = {"fontsize": 8.5, "va": "center", "transform": ax.get_yaxis_transform()}
    head = rows - 0.8
    ax.text(-0.72, head, "Study", fontweight="bold", **text_kw)
    ax.text(1.04, head, "Weight", fontweight="bold", **text_kw)
    ax.text(1.22, head, f"{'Ratio' if ratio else 'Estimate'} [95% CI]", fontweight="bold", **text_kw)
    for yp, name, est, lb, ub, w in zip(y_pos, labels, result.yi, lo, hi, weights, strict=True):
        ax.text(-0.72, yp, name[:40], **text_kw)
        ax.text(1.04, yp, f"{w:.1f}%" if np.isfinite(w) else "", **text_kw)
        ci_text = f"{_fmt(est, ratio)} [{_fmt(lb, ratio)}, {_fmt(ub, ratio)}]" if np.isfinite(est) else "not estimable"
        ax.text(1.22, yp, ci_text, **text_kw)
    model = "Common-effect model" if result.method in ("FE", "EE", "MH", "PETO") else f"Random-effects model ({result.method})"
    if result.test != "z":
        model += ", Knapp-Hartung"
    ax.text(-0.72, d_y, model, fontweight="bold", **text_kw)
    ax.text(1.04, d_y, "100%", fontweight="bold", **text_kw)
    ax.text(1.22, d_y, f"{_fmt(result.estimate, ratio)} [{_fmt(result.ci_lb, ratio)}, {_fmt(result.ci_ub, ratio)}]",
            fontweight="bold", **text_kw)
    if show_pi:
        ax.text(-0.72, 0.45, "Prediction interval", fontstyle="italic", **text_kw)
        ax.text(1.22, 0.45, f"[{_fmt(result.pi_lb, ratio)}, {_fmt(result.pi_ub, ratio)}]", fontstyle="italic", **text_kw)
    h = result.heterogeneity
    het = (f"Heterogeneity: τ² = {h.tau2:.4g}; I² = {h.i2:.0f}%; H² = {h.h2:.2f}; "
           f"Q = {h.q:.2f}, df = {h.q_df} ({format_p(h.q_pval)})")
    stat = "z" if result.dist == "z" else f"t({result.df:g})"
    overall = f"Test for overall effect: {stat} = {result.stat:.2f} ({format_p(result.pval)})"
    fig.text(0.02, 0.36 / height, het, fontsize=8.5)
    fig.text(0.02, 0.12 / height, overall, fontsize=8.5)
    if title:
        fig.suptitle(title, fontsize=11, fontweight="bold", x=0.02, ha="left")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi, bbox_inches="tight")
    return out
