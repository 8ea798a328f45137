"""Progress charts as inline SVG: each instrument of a plan's course over its sessions.

``progress_charts(trends, kb)`` draws one chart per ``services.progress_trends.Trend``: the instrument's
scale (its ``range`` in the instrument file) against the plan's sessions (0 is the intake), the
baseline as a solid line with a diamond at session 0, the MCID band, each checkpoint of the plan as a
dotted line labelled with its session and whether this instrument had improved by the MCID there, and
the measures as a line with markers (the pain NRS: before needling as filled squares on a solid line,
after needling as open circles on a dashed line). Nothing rests on colour alone: every series has its
own marker and dash, named in the legend, and every marker its ``<title>``.

The MCID band is the range of scores within one MCID of the baseline: a follow-up inside it has not
changed by a clinically important amount, beyond its better edge it has improved by at least the MCID,
beyond its worse edge it has worsened by at least the MCID. Its edges are found with
``assessment.classify_change`` itself (the MCID of the instrument file, in points or percent of the
baseline, whichever is reached first), so the chart draws exactly the rule progress applies, and the
figures come from the knowledge data with their source.

Each chart is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (a sentence on the latest
measure), presentation attributes only (no style, no script, nothing loaded), deterministic; the page
gives the same numbers as a table (``TrendChart.rows``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from acupath.knowledge.schema.instruments import InstrumentFile
from acupath.reports.mcid_band import McidBand, improved, mcid_band, worsened
from acupath.reports.mcid_band import plain_number as _n
from acupath.reports.progress_legend import (
    BAND,
    BAND_EDGE,
    INK,
    LEGEND_ROW,
    STYLES,
    TEXT,
    Style,
    legend,
    legend_rows,
    style_of,
)
from acupath.reports.progress_words import PLAIN, Formats, chart_title, describe, empty_note
from acupath.services.progress_trends import Measure, MeasureKind, ProgressTrends, Trend

WIDTH = 640.0
#: The plot's margins; the right one holds the labels of the MCID band's edges, clear of the measures.
LEFT, RIGHT, TOP = 52.0, 84.0, 50.0
#: Checkpoint labels sit in two rows above the plot; a character of font-size 10 is about this wide.
LABEL_ROWS = (31.0, 44.0)
LABEL_CHAR = 6.2
PLOT_HEIGHT = 200.0
AXIS_ROOM = 40.0
GRID = "#dddddd"
#: Steps of 10^k tried for the y axis, and steps of the session axis.
NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
SESSION_STEPS = (1, 2, 4, 5, 10, 20, 50)




@dataclass(frozen=True)
class CheckpointMark:
    """A checkpoint of the plan on a chart: ``met`` is whether this instrument had improved by the MCID
    there (None: not reached, not measured or no MCID), ``worsened`` whether it was worse by one."""

    id: str
    session: int
    reached: bool
    met: bool | None
    worsened: bool


@dataclass(frozen=True)
class TrendRow:
    """One measure as the data table shows it: ``change`` is follow-up minus baseline (None: no baseline)."""

    session: int
    on: date
    kind: str
    value: float
    change: float | None
    status: str


@dataclass(frozen=True)
class TrendChart:
    """One instrument's chart: names, direction, baseline, MCID band, the SVG and the rows of its data table."""

    instrument: str
    name: str
    scale_label: str
    lower_is_better: bool
    baseline: float | None
    band: McidBand | None
    svg: str
    rows: tuple[TrendRow, ...]
    checkpoints: tuple[CheckpointMark, ...]


def progress_charts(trends: ProgressTrends, kb: Any, *, id_prefix: str = "trend", formats: Formats = PLAIN
                    ) -> tuple[TrendChart, ...]:
    """Return a ``TrendChart`` for every trend of ``trends`` whose instrument the knowledge base holds.

    ``formats`` writes the numbers and dates of the charts' text (titles, labels, description).
    The session axis runs to the plan's last session (or the last measured, if later). An instrument
    the knowledge base no longer holds, or one without a total (the KOOS), is left out; raises nothing.
    """
    last = max([len(trends.plan.sessions)] + [m.session for t in trends.trends for m in t.measures]
               + [c.session for c in trends.plan.checkpoints])
    charts = []
    for trend in trends.trends:
        doc = kb.instruments.get(trend.instrument)
        if doc is None or doc.total is None:  # gone from this knowledge version, or no total (the KOOS)
            continue
        marks = tuple(_mark(c, trend.instrument, trends.progress) for c in trends.plan.checkpoints)
        charts.append(trend_chart(trend, doc, kb, last_session=last, checkpoints=marks,
                                  id_prefix=f"{id_prefix}-{trend.instrument}", formats=formats))
    return tuple(charts)


def _mark(checkpoint: Any, instrument: str, progress: Any) -> CheckpointMark:
    status = next((s for s in progress.checkpoints if s.id == checkpoint.id), None)
    change = next((c for c in status.changes if c.instrument == instrument), None) if status else None
    return CheckpointMark(id=checkpoint.id, session=checkpoint.session, reached=status is not None and status.reached,
                          met=change.mcid_reached if change else None, worsened=bool(change and change.worsened))


def trend_chart(trend: Trend, doc: InstrumentFile, kb: Any, *, last_session: int,
                checkpoints: Sequence[CheckpointMark] = (), id_prefix: str = "trend", formats: Formats = PLAIN
                ) -> TrendChart:
    """Return the chart of one trend of instrument ``doc``, sessions 0 to ``last_session``.

    Raises ``InputError`` (from ``classify_change``) when ``doc`` has no total scale.
    """
    lo, hi = scale_range(doc, trend)
    band = None
    if trend.baseline is not None:
        band = mcid_band(trend.instrument, trend.baseline, kb, lo, hi)
    lower_is_better = doc.direction != "higher_is_better"
    rows = tuple(_row(trend, m, kb, band is not None) for m in trend.measures)
    scale = next(s for s in doc.scales if s.id == doc.total)
    svg = trend_svg(trend, doc.name, scale.label, lower_is_better, band, (lo, hi), last_session, checkpoints,
                    id_prefix, formats)
    return TrendChart(instrument=trend.instrument, name=doc.name, scale_label=scale.label,
                      lower_is_better=lower_is_better, baseline=trend.baseline, band=band, svg=svg, rows=rows,
                      checkpoints=tuple(checkpoints))


def scale_range(doc: InstrumentFile, trend: Trend) -> tuple[float, float]:
    """Return the lowest and highest score of the instrument's total (its ``range``), else of the data."""
    scale = next((s for s in doc.scales if s.id == doc.total), None)
    if scale is not None and scale.range is not None:
        return float(scale.range[0]), float(scale.range[1])
    values = [m.value for m in trend.measures] + ([trend.baseline] if trend.baseline is not None else [])
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or 1.0
    return (0.0 if low >= 0 and low - pad < 0 else low - pad), high + pad


def _row(trend: Trend, measure: Measure, kb: Any, has_mcid: bool) -> TrendRow:
    if trend.baseline is None:
        return TrendRow(measure.session, measure.on, STYLES[measure.kind].label, measure.value, None, "no baseline")
    if not has_mcid:
        status = "no MCID in the knowledge data"
    elif improved(trend.instrument, trend.baseline, measure.value, kb):
        status = "improved by at least the MCID"
    elif worsened(trend.instrument, trend.baseline, measure.value, kb):
        status = "worse by at least the MCID"
    else:
        status = "within the MCID of baseline"
    return TrendRow(measure.session, measure.on, STYLES[measure.kind].label, measure.value,
                    measure.value - trend.baseline, status)


@dataclass(frozen=True)
class _Axes:
    """Where values and sessions fall on the drawing."""

    lo: float
    hi: float
    last: int

    @property
    def bottom(self) -> float:
        return TOP + PLOT_HEIGHT

    def x(self, session: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * session / max(1, self.last)

    def y(self, value: float) -> float:
        clamped = min(max(value, self.lo), self.hi)
        return self.bottom - PLOT_HEIGHT * (clamped - self.lo) / ((self.hi - self.lo) or 1.0)


def trend_svg(trend: Trend, name: str, scale_label: str, lower_is_better: bool, band: McidBand | None,
              value_range: tuple[float, float], last_session: int, checkpoints: Sequence[CheckpointMark],
              id_prefix: str, formats: Formats = PLAIN) -> str:
    """Return one trend as ``<svg role="img">`` (title, desc, axes, band, baseline, checkpoints, measures, legend)."""
    axes = _Axes(value_range[0], value_range[1], max(1, last_session))
    kinds: list[MeasureKind] = [k for k in ("before", "after", "reassessment") if any(m.kind == k for m in trend.measures)]
    legend_lines = legend_rows(kinds, band, trend.baseline is not None, bool(checkpoints))
    height = TOP + PLOT_HEIGHT + AXIS_ROOM + LEGEND_ROW * len(legend_lines)
    title, desc = chart_title(trend, name), describe(trend, band, lower_is_better, formats)
    count = len(trend.measures) + (trend.baseline is not None)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'viewBox="0 0 {_n(WIDTH)} {_n(height)}" class="trend-chart" data-instrument="{escape(trend.instrument)}" '
        f'data-empty="{"true" if count < 2 else "false"}" font-family="sans-serif" font-size="12" fill="{TEXT}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(desc)}</desc>',
        f'<text x="{_n(LEFT)}" y="16" font-size="13" font-weight="bold">{escape(scale_label)}'
        f' ({"lower" if lower_is_better else "higher"} is better)</text>',
        _grid(axes, formats),
    ]
    if band is not None:
        parts.append(_band(band, axes, lower_is_better, formats))
    parts.append(_checkpoints(checkpoints, axes))
    if trend.baseline is not None:
        parts.append(_baseline(trend.baseline, axes, formats))
    for kind in kinds:
        parts.append(_series(kind, style_of(kind, kinds), [m for m in trend.measures if m.kind == kind], axes,
                             formats))
    if count < 2:
        note = empty_note(count)
        middle, width = (LEFT + WIDTH - RIGHT) / 2, len(note) * 7.4 + 16
        parts.append(f'<rect x="{_n(middle - width / 2)}" y="{_n(TOP + PLOT_HEIGHT / 2 - 16)}" width="{_n(width)}" '
                     f'height="24" fill="#ffffff" stroke="#888888"/>'
                     f'<text x="{_n(middle)}" y="{_n(TOP + PLOT_HEIGHT / 2)}" text-anchor="middle" font-size="13" '
                     f'data-empty-note="">{escape(note)}</text>')
    parts.append(legend(legend_lines, axes.bottom + AXIS_ROOM, LEFT))
    parts.append("</svg>")
    return "\n".join(parts)


def _grid(axes: _Axes, formats: Formats) -> str:
    parts = [f'<rect x="{_n(LEFT)}" y="{_n(TOP)}" width="{_n(WIDTH - LEFT - RIGHT)}" height="{_n(PLOT_HEIGHT)}" '
             f'fill="#ffffff" stroke="#888888"/>']
    for value in ticks(axes.lo, axes.hi):
        y = axes.y(value)
        parts.append(f'<line data-y-tick="{_n(value)}" x1="{_n(LEFT)}" x2="{_n(WIDTH - RIGHT)}" y1="{_n(y)}" '
                     f'y2="{_n(y)}" stroke="{GRID}"/>'
                     f'<text x="{_n(LEFT - 6)}" y="{_n(y + 4)}" text-anchor="end">{escape(formats.number(value))}</text>')
    step = next(s for s in SESSION_STEPS if axes.last / s <= 12)
    for session in range(0, axes.last + 1, step):
        x = axes.x(session)
        parts.append(f'<line data-x-tick="{session}" x1="{_n(x)}" x2="{_n(x)}" y1="{_n(axes.bottom)}" '
                     f'y2="{_n(axes.bottom + 4)}" stroke="#888888"/>'
                     f'<text x="{_n(x)}" y="{_n(axes.bottom + 16)}" text-anchor="middle">{session}</text>')
    parts.append(f'<text x="{_n((LEFT + WIDTH - RIGHT) / 2)}" y="{_n(axes.bottom + 32)}" '
                 f'text-anchor="middle">Session (0 = intake)</text>')
    return '<g data-axes="">' + "".join(parts) + "</g>"


def ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Return round values from ``lo`` to ``hi`` for the value axis, at most ``most`` + 1 of them."""
    span = (hi - lo) or 1.0
    power = 10 ** math.floor(math.log10(span / most))
    step = next((s * power for s in NICE_STEPS + (10.0,) if span / (s * power) <= most), 10 * power)
    first = math.ceil(lo / step) * step
    count = int(math.floor((hi - first) / step + 1e-9)) + 1
    return [round(first + i * step, 10) for i in range(count)]


def _band(band: McidBand, axes: _Axes, lower_is_better: bool, formats: Formats) -> str:
    # An edge no score of the scale reaches: the band runs to that end of the scale.
    better_end, worse_end = (axes.lo, axes.hi) if lower_is_better else (axes.hi, axes.lo)
    edges = (better_end if band.better_at is None else band.better_at,
             worse_end if band.worse_at is None else band.worse_at)
    top_value, low_value = max(edges), min(edges)
    y_top, y_bottom = axes.y(top_value), axes.y(low_value)
    title = (f"MCID band: within {band.criterion} of the baseline {formats.number(band.baseline)} "
             f"({band.mcid.source}{'' if band.mcid.verified else ', unverified'})")
    parts = [f'<rect data-mcid-band="" data-from="{_n(low_value)}" data-to="{_n(top_value)}" x="{_n(LEFT)}" '
             f'y="{_n(y_top)}" width="{_n(WIDTH - LEFT - RIGHT)}" height="{_n(y_bottom - y_top)}" fill="{BAND}">'
             f'<title>{escape(title)}</title></rect>']
    for edge, value in (("better", band.better_at), ("worse", band.worse_at)):
        if value is None:
            continue
        y = axes.y(value)
        above = value >= band.baseline
        parts.append(f'<line data-mcid-edge="{edge}" data-value="{_n(value)}" x1="{_n(LEFT)}" '
                     f'x2="{_n(WIDTH - RIGHT)}" y1="{_n(y)}" y2="{_n(y)}" stroke="{BAND_EDGE}" '
                     f'stroke-dasharray="2 3"/>'
                     # Outward from the band, so that the two edges' labels never meet.
                     f'<text x="{_n(WIDTH - RIGHT + 6)}" y="{_n(y - 16 if above else y + 12)}" font-size="11">'
                     f'<tspan>MCID {edge}</tspan><tspan x="{_n(WIDTH - RIGHT + 6)}" dy="12">'
                     f'({escape(formats.number(value))})</tspan></text>')
    return "".join(parts)


def _baseline(baseline: float, axes: _Axes, formats: Formats) -> str:
    y, x = axes.y(baseline), axes.x(0)
    return (f'<line data-baseline-line="" x1="{_n(LEFT)}" x2="{_n(WIDTH - RIGHT)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{TEXT}" stroke-width="1.5"/>'
            f'<path data-baseline="{_n(baseline)}" d="M{_n(x)} {_n(y - 7)}l7 7l-7 7l-7 -7z" fill="{TEXT}">'
            f'<title>Baseline {escape(formats.number(baseline))} at intake</title></path>'
            f'<text x="{_n(x + 10)}" y="{_n(y - 5)}" font-size="11">Baseline {escape(formats.number(baseline))}</text>')


def _checkpoints(marks: Sequence[CheckpointMark], axes: _Axes) -> str:
    parts = []
    ends = [-1e9] * len(LABEL_ROWS)  # where the last label of each row ends
    for mark in sorted(marks, key=lambda m: m.session):
        x = axes.x(mark.session)
        if not mark.reached:
            word = "ahead"
        elif mark.met:
            word = "MCID met"
        elif mark.worsened:
            word = "worse"
        elif mark.met is False:
            word = "not met"
        else:
            word = "no data"
        label = f"C{mark.session} {word}"
        half = len(label) * LABEL_CHAR / 2
        # The first row the label fits in without touching the one before; else the row that ends first.
        row = next((i for i, end in enumerate(ends) if end + 6 <= x - half), ends.index(min(ends)))
        ends[row] = x + half
        parts.append(f'<g data-checkpoint="{escape(mark.id)}" data-session="{mark.session}" data-status="{word}">'
                     f'<title>Checkpoint {escape(mark.id.replace("_", " "))} at session {mark.session}: {word}</title>'
                     f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(TOP)}" y2="{_n(axes.bottom)}" stroke="#666666" '
                     f'stroke-dasharray="1 3"/>'
                     f'<text x="{_n(x)}" y="{_n(LABEL_ROWS[row])}" text-anchor="middle" font-size="11">'
                     f'{label}</text></g>')
    return "".join(parts)


def _series(kind: MeasureKind, style: Style, measures: list[Measure], axes: _Axes, formats: Formats) -> str:
    points = [(axes.x(m.session), axes.y(m.value), m) for m in measures]
    parts = [f'<g data-series="{kind}">']
    if len(points) > 1 and style.marker != "ring":
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        parts.append(f'<polyline points="{" ".join(f"{_n(x)},{_n(y)}" for x, y, _ in points)}" fill="none" '
                     f'stroke="{INK}" stroke-width="2"{dash}/>')
    fill = INK if style.filled else "#ffffff"
    for x, y, m in points:
        title = (f"<title>{escape(style.label)}, session {m.session} ({escape(formats.day(m.on))}): "
                 f"{escape(formats.number(m.value))}</title>")
        data = f'data-session="{m.session}" data-value="{_n(m.value)}"'
        if style.marker == "square":
            parts.append(f'<rect {data} x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8" fill="{fill}" '
                         f'stroke="{INK}" stroke-width="1.5">{title}</rect>')
        elif style.marker == "ring":
            parts.append(f'<circle {data} cx="{_n(x)}" cy="{_n(y)}" r="8" fill="none" stroke="{INK}" '
                         f'stroke-width="2">{title}</circle>')
        else:
            parts.append(f'<circle {data} cx="{_n(x)}" cy="{_n(y)}" r="4.5" fill="{fill}" stroke="{INK}" '
                         f'stroke-width="1.5">{title}</circle>')
    parts.append("</g>")
    return "".join(parts)
