"""The trim-and-fill funnel: centred on the adjusted estimate, the unadjusted one dashed."""

from __future__ import annotations

import numpy as np
import pytest

from acupath.evidence.bias import trimfill
from acupath.evidence.random_effects import meta_analysis
from acupath.reports.funnel import funnel_figure, funnel_plot

# Small studies with large effects only on the right: trim-and-fill imputes studies on the left.
YI = np.array([0.05, 0.10, 0.12, 0.20, 0.35, 0.48, 0.60, 0.75])
VI = np.array([0.005, 0.01, 0.012, 0.03, 0.05, 0.07, 0.09, 0.12])


def _vertical_lines(fig):
    ax = fig.axes[0]
    out = []
    for line in ax.lines:
        x = np.asarray(line.get_xdata(), dtype=float)
        if x.size == 2 and x[0] == x[1]:
            out.append((float(x[0]), line.get_linestyle()))
    return ax, out


def test_the_trim_and_fill_funnel_is_centred_on_the_adjusted_estimate():
    res = meta_analysis(YI, VI, "REML")
    tf = trimfill(YI, VI, "REML")
    assert tf.k0 > 0 and tf.model.estimate < res.estimate
    fig = funnel_figure(res, filled=(tf.filled_yi, tf.filled_vi), adjusted=tf.model.estimate)
    ax, lines = _vertical_lines(fig)
    solid = [x for x, style in lines if style == "-"]
    dashed = [x for x, style in lines if style != "-"]
    assert solid == [pytest.approx(tf.model.estimate)]
    assert dashed == [pytest.approx(res.estimate)]
    region = [line for line in ax.lines if np.asarray(line.get_xdata()).size == 100]
    assert all(np.asarray(line.get_xdata())[0] == pytest.approx(tf.model.estimate) for line in region)
    labels = ax.get_legend_handles_labels()[1]
    assert {"Adjusted estimate", "Unadjusted estimate", "Filled (trim-and-fill)"} <= set(labels)


def test_without_trim_and_fill_one_solid_line_at_the_estimate(tmp_path):
    res = meta_analysis(YI, VI, "REML")
    _, lines = _vertical_lines(funnel_figure(res))
    assert lines == [(pytest.approx(res.estimate), "-")]
    assert funnel_plot(res, tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
