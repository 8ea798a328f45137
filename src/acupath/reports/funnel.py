"""Funnel plot: effect sizes against their standard errors (inverted axis) with the pseudo 95%
confidence region μ̂ ± 1.96·SE around the pooled estimate (metafor ``funnel()`` default). After
trim-and-fill the region and the solid centre line sit at the adjusted estimate (observed + filled
studies, as metafor's ``funnel(trimfill(res))``), and the unadjusted estimate is a dashed line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from acupath.evidence.results import MetaResult
from acupath.reports.forest import MEASURE_LABELS, RATIO_MEASURES, output_path

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def funnel_plot(result: MetaResult, path: str | Path, *, title: str | None = None, dpi: int = 300,
                filled: tuple[np.ndarray, np.ndarray] | None = None, adjusted: float | None = None) -> Path:
    """Draw the funnel plot of ``result`` to ``path`` and return the path; ``filled`` optionally adds
    trim-and-fill studies (yi, vi) as open circles and ``adjusted`` the trim-and-fill estimate, which
    then centres the funnel (solid line) while ``result.estimate`` is drawn dashed.

    Raises:
        InputError: unsupported output format.
    """
    out = output_path(path)
    fig = funnel_figure(result, title=title, filled=filled, adjusted=adjusted)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi, bbox_inches="tight")
    return out


def funnel_figure(result: MetaResult, *, title: str | None = None,
                  filled: tuple[np.ndarray, np.ndarray] | None = None, adjusted: float | None = None) -> Figure:
    """Return the matplotlib Figure that :func:`funnel_plot` saves (same arguments but the path)."""
    from matplotlib.figure import Figure  # imported here: only a plot needs matplotlib

    shown = np.isfinite(result.yi) & np.isfinite(result.vi)  # a not-estimable study has no point
    yi, se = result.yi[shown], np.sqrt(result.vi[shown])
    top = float(se.max()) * 1.05 if se.size else 1.0
    grid = np.linspace(0, top, 100)
    crit = 1.959963984540054
    centre = result.estimate if adjusted is None else adjusted
    fig = Figure(figsize=(6.0, 4.8))
    ax = fig.add_subplot()
    ax.fill_betweenx(grid, centre - crit * grid, centre + crit * grid, color="#e8e8e8", lw=0)
    ax.plot(centre - crit * grid, grid, color="#555555", lw=0.8, ls=(0, (4, 3)))
    ax.plot(centre + crit * grid, grid, color="#555555", lw=0.8, ls=(0, (4, 3)))
    if adjusted is None:
        ax.axvline(centre, color="#b22222", lw=1.0)
    else:
        ax.axvline(centre, color="#b22222", lw=1.0, label="Adjusted estimate")
        ax.axvline(result.estimate, color="#b22222", lw=1.0, ls=(0, (2, 2)), label="Unadjusted estimate")
    ax.scatter(yi, se, s=28, color="#1f3b73", edgecolor="black", linewidth=0.5, zorder=3, label="Studies")
    if filled is not None and len(filled[0]):
        ax.scatter(filled[0], np.sqrt(filled[1]), s=28, facecolor="white", edgecolor="black", linewidth=0.8,
                   zorder=3, label="Filled (trim-and-fill)")
    if adjusted is not None or (filled is not None and len(filled[0])):
        ax.legend(fontsize=8, frameon=False)
    ax.set_ylim(top, 0)
    measure = "RR" if result.method == "PETO" else result.measure
    label = MEASURE_LABELS.get(measure, "Effect size")
    ax.set_xlabel(f"log {label.lower()}" if measure in RATIO_MEASURES else label, fontsize=9)
    ax.set_ylabel("Standard error", fontsize=9)
    ax.tick_params(labelsize=8)
    for side in ("right", "top"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, fontweight="bold", loc="left")
    return fig
