"""Practice-evidence charts as inline SVG: responder rates with their intervals, and time to response.

``rate_chart(rows)`` draws one line per group: its rate as a square and its 95 % interval as a
whisker on a 0-100 % axis (a suppressed group says so in words, with no mark). ``response_chart(curves)``
draws the Kaplan-Meier share responded by session number, one step line per group, each with its own
dash and marker named in the legend (never colour alone). Drawn by hand like ``progress_chart`` (no
matplotlib: ~46 ms a chart, ``shared/reference/stack.md``); presentation attributes only, every mark
with a ``<title>``; pure and deterministic. The page gives the same numbers as tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

INK = "#1b3a5c"
TEXT = "#333333"
GRID = "#dddddd"
MUTED = "#6b6b6b"
WIDTH = 640.0
ROW = 26.0
#: Dash patterns and markers of successive curves (a legend names each).
DASHES = (None, "6 4", "2 3", "10 3 2 3", "1 4")
MARKERS = ("square", "circle", "triangle", "diamond", "cross")


@dataclass(frozen=True)
class RateBar:
    """One group's responder rate: ``rate`` and its interval as shares (0..1), None when suppressed."""

    label: str
    rate: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class CurveLine:
    """One group's Kaplan-Meier steps: (session, share responded) pairs, in session order."""

    label: str
    steps: Sequence[tuple[int, float]]


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def rate_chart(bars: Sequence[RateBar], title: str, min_cell: int) -> str:
    """Return the SVG of responder rates with their 95 % intervals, one row per group."""
    label_width, right = 240.0, 24.0
    plot = WIDTH - label_width - right
    height = 40.0 + ROW * len(bars) + 30.0
    x = lambda share: label_width + share * plot  # noqa: E731 - a scale, read once per mark
    parts = [f'<svg class="evidence-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH:.0f} '
             f'{height:.0f}" width="{WIDTH:.0f}" height="{height:.0f}" font-family="sans-serif" font-size="12">',
             f"<title>{escape(title)}</title>",
             f"<desc>Responder rate of each group as a square, its 95 % Wilson interval as a line; groups under "
             f"{min_cell} courses are suppressed.</desc>"]
    bottom = 40.0 + ROW * len(bars)
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{x(tick):.1f}" y1="30" x2="{x(tick):.1f}" y2="{bottom:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{bottom + 16:.1f}" text-anchor="middle" fill="{TEXT}">'
                     f"{_pct(tick)}</text>")
    parts.append(f'<text x="{label_width:.1f}" y="20" fill="{TEXT}">Responders (MCID reached), 95 % CI</text>')
    for i, bar in enumerate(bars):
        y = 40.0 + ROW * i + ROW / 2
        parts.append(f'<text x="{label_width - 8:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
                     f"{escape(bar.label[:38])}</text>")
        if bar.rate is None or bar.low is None or bar.high is None:
            parts.append(f'<text x="{x(0) + 4:.1f}" y="{y + 4:.1f}" fill="{MUTED}" font-style="italic">'
                         f"suppressed: fewer than {min_cell} courses</text>")
            continue
        words = f"{escape(bar.label)}: {_pct(bar.rate)} (95 % CI {_pct(bar.low)} to {_pct(bar.high)})"
        parts.append(f'<g><title>{words}</title>'
                     f'<line x1="{x(bar.low):.1f}" y1="{y:.1f}" x2="{x(bar.high):.1f}" y2="{y:.1f}" stroke="{INK}" '
                     f'stroke-width="2"/>'
                     f'<line x1="{x(bar.low):.1f}" y1="{y - 6:.1f}" x2="{x(bar.low):.1f}" y2="{y + 6:.1f}" '
                     f'stroke="{INK}" stroke-width="2"/>'
                     f'<line x1="{x(bar.high):.1f}" y1="{y - 6:.1f}" x2="{x(bar.high):.1f}" y2="{y + 6:.1f}" '
                     f'stroke="{INK}" stroke-width="2"/>'
                     f'<rect x="{x(bar.rate) - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{INK}"/></g>')
    parts.append("</svg>")
    return "".join(parts)


def _marker(kind: str, cx: float, cy: float) -> str:
    if kind == "square":
        return f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{INK}"/>'
    if kind == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>'
    if kind == "triangle":
        return f'<path d="M{cx:.1f} {cy - 5:.1f} L{cx + 5:.1f} {cy + 4:.1f} L{cx - 5:.1f} {cy + 4:.1f} Z" fill="{INK}"/>'
    if kind == "diamond":
        return (f'<path d="M{cx:.1f} {cy - 5:.1f} L{cx + 5:.1f} {cy:.1f} L{cx:.1f} {cy + 5:.1f} L{cx - 5:.1f} '
                f'{cy:.1f} Z" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>')
    return (f'<path d="M{cx - 4:.1f} {cy - 4:.1f} L{cx + 4:.1f} {cy + 4:.1f} M{cx + 4:.1f} {cy - 4:.1f} '
            f'L{cx - 4:.1f} {cy + 4:.1f}" stroke="{INK}" stroke-width="1.5"/>')


def response_chart(curves: Sequence[CurveLine], title: str) -> str:
    """Return the SVG of the share responded by session number (Kaplan-Meier), one step line per group."""
    left, right, top, plot_height = 52.0, 20.0, 30.0, 200.0
    legend_top = top + plot_height + 40.0
    height = legend_top + 18.0 * len(curves) + 10.0
    last = max([s for c in curves for s, _ in c.steps] + [10])
    plot = WIDTH - left - right
    x = lambda session: left + session / last * plot  # noqa: E731
    y = lambda share: top + (1 - share) * plot_height  # noqa: E731
    parts = [f'<svg class="evidence-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH:.0f} '
             f'{height:.0f}" width="{WIDTH:.0f}" height="{height:.0f}" font-family="sans-serif" font-size="12">',
             f"<title>{escape(title)}</title>",
             "<desc>Share of courses that had reached the MCID by each session (Kaplan-Meier; a course that never "
             "responded counts until its last session).</desc>"]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{left:.1f}" y1="{y(tick):.1f}" x2="{WIDTH - right:.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID}"/><text x="{left - 6:.1f}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                     f'fill="{TEXT}">{_pct(tick)}</text>')
    step = next(s for s in (1, 2, 4, 5, 10, 20, 50, 100) if last / s <= 12)
    for session in range(0, last + 1, step):
        parts.append(f'<text x="{x(session):.1f}" y="{top + plot_height + 16:.1f}" text-anchor="middle" '
                     f'fill="{TEXT}">{session}</text>')
    parts.append(f'<text x="{left + plot / 2:.1f}" y="{top + plot_height + 32:.1f}" text-anchor="middle" '
                 f'fill="{TEXT}">Session number</text>')
    for i, curve in enumerate(curves):
        dash, marker = DASHES[i % len(DASHES)], MARKERS[i % len(MARKERS)]
        points, share = [f"M{x(0):.1f} {y(0):.1f}"], 0.0
        for session, value in curve.steps:
            points.append(f"L{x(session):.1f} {y(share):.1f} L{x(session):.1f} {y(value):.1f}")
            share = value
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path d="{" ".join(points)}" fill="none" stroke="{INK}" stroke-width="2"{dashing}/>')
        for session, value in curve.steps:
            parts.append(f"<g><title>{escape(curve.label)}: {_pct(value)} by session {session}</title>"
                         f"{_marker(marker, x(session), y(value))}</g>")
        ly = legend_top + 18.0 * i
        parts.append(f'<line x1="{left:.1f}" y1="{ly:.1f}" x2="{left + 30:.1f}" y2="{ly:.1f}" stroke="{INK}" '
                     f'stroke-width="2"{dashing}/>{_marker(marker, left + 15, ly)}'
                     f'<text x="{left + 40:.1f}" y="{ly + 4:.1f}" fill="{TEXT}">{escape(curve.label[:70])}</text>')
    parts.append("</svg>")
    return "".join(parts)
