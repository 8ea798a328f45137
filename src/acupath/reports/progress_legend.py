"""How each series of a progress chart looks, and the legend that names it (``reports.progress_chart``).

Nothing rests on colour alone: each kind of measure has its own marker and dash (``STYLES``; the pain NRS
asked at a reassessment beside the sessions' pain is a ring, ``RING``), and the legend names every
series, the baseline, the MCID band and the checkpoints with the symbol drawn for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from acupath.reports.mcid_band import McidBand
from acupath.reports.mcid_band import plain_number as _n
from acupath.services.progress_trends import MeasureKind

INK = "#1b3a5c"
TEXT = "#333333"
GRID = "#dddddd"
BAND = "#e3ecf5"
BAND_EDGE = "#4f6f95"
LEGEND_ROW = 18.0


@dataclass(frozen=True)
class Style:
    """How one kind of measure is drawn and named: marker shape, filled or open, line dash."""

    marker: str
    filled: bool
    dash: str | None
    label: str


STYLES: dict[MeasureKind, Style] = {
    "reassessment": Style("circle", True, None, "Score at a reassessment"),
    "before": Style("square", True, None, "Pain before needling"),
    "after": Style("circle", False, "6 4", "Pain after needling"),
}
#: The pain NRS asked as a questionnaire at a reassessment, on a chart that already joins the sessions'
#: pain: a ring around the session's marker, with no line of its own.
RING = Style("ring", False, None, "Pain NRS at a reassessment")


def style_of(kind: MeasureKind, kinds: Sequence[MeasureKind]) -> Style:
    """Return how measures of ``kind`` are drawn on a chart holding ``kinds``."""
    return RING if kind == "reassessment" and "before" in kinds else STYLES[kind]


def legend_rows(kinds: list[MeasureKind], band: McidBand | None, baseline: bool, checkpoints: bool
                ) -> list[tuple[str, str]]:
    """Return the legend's rows (symbol SVG, text): each series drawn, the baseline, the band, the checkpoints."""
    rows = []
    for kind in kinds:
        style = style_of(kind, kinds)
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        fill = INK if style.filled else "#ffffff"
        line = f'<line x1="0" x2="28" y1="0" y2="0" stroke="{INK}" stroke-width="2"{dash}/>'
        if style.marker == "square":
            symbol = f'{line}<rect x="10" y="-4" width="8" height="8" fill="{fill}" stroke="{INK}"/>'
        elif style.marker == "ring":
            symbol = f'<circle cx="14" cy="0" r="7" fill="none" stroke="{INK}" stroke-width="2"/>'
        else:
            symbol = f'{line}<circle cx="14" cy="0" r="4.5" fill="{fill}" stroke="{INK}" stroke-width="1.5"/>'
        rows.append((symbol, style.label))
    if baseline:
        rows.append((f'<line x1="0" x2="28" y1="0" y2="0" stroke="{TEXT}" stroke-width="1.5"/>'
                     f'<path d="M14 -6l6 6l-6 6l-6 -6z" fill="{TEXT}"/>', "Baseline (intake)"))
    if band is not None:
        rows.append((f'<rect x="0" y="-6" width="28" height="12" fill="{BAND}" stroke="{BAND_EDGE}" '
                     f'stroke-dasharray="2 3"/>',
                     f"MCID band: within {band.criterion} ({band.mcid.source})"))
    if checkpoints:
        rows.append(('<line x1="14" x2="14" y1="-7" y2="7" stroke="#666666" stroke-dasharray="1 3"/>',
                     "C and a number: the plan's checkpoint at that session; whether the MCID was met there"))
    return rows


def legend(rows: list[tuple[str, str]], top: float, left: float) -> str:
    """Return the legend as SVG: one row per entry of ``rows`` from ``top``, at ``left``."""
    parts = []
    for index, (symbol, text) in enumerate(rows):
        y = top + LEGEND_ROW * index + 6
        parts.append(f'<g transform="translate({_n(left)} {_n(y)})">{symbol}'
                     f'<text x="36" y="4">{escape(text)}</text></g>')
    return '<g data-legend="">' + "".join(parts) + "</g>"

