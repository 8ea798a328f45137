"""What a progress chart says in words: its title, its note when it has too few measures, and the
sentence(s) of its ``<desc>`` on the baseline, the latest measure and the MCID (``reports.progress_chart``),
written with the page's number and date formats (``Formats``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from acupath.reports.mcid_band import McidBand
from acupath.reports.mcid_band import plain_number as _n
from acupath.services.progress_trends import Trend


@dataclass(frozen=True)
class Formats:
    """How the chart's text writes numbers and dates (a page passes its clinic's locale's; attributes keep ``_n``)."""

    number: Callable[[float], str] = _n
    day: Callable[[date], str] = date.isoformat


PLAIN = Formats()


def chart_title(trend: Trend, name: str) -> str:
    """Return the chart's title: the instrument's name and whether it has measures."""
    return f"{name}: {'no measures' if not trend.measures else 'measures'} by session"


def empty_note(count: int) -> str:
    """Return the note drawn on a chart with fewer than two measures (``count``)."""
    return ("No measure yet: a trend needs two." if count == 0
            else "One measure so far: a trend needs two.")


def describe(trend: Trend, band: McidBand | None, lower_is_better: bool, formats: Formats = PLAIN) -> str:
    """Return one or two sentences on the trend: the baseline, the latest measure, its change and the MCID.

    The latest measure of the pain NRS is the latest asked before needling (or at a reassessment), the
    one progress judges; the pain after needling only when nothing else was measured.
    """
    sentences = []
    if trend.baseline is not None:
        sentences.append(f"Baseline {formats.number(trend.baseline)} at intake.")
    else:
        sentences.append("No baseline in the plan.")
    # The pain after needling is drawn, but progress judges the pain before it (and the questionnaires).
    judged = [m for m in trend.measures if m.kind != "after"] or list(trend.measures)
    if judged:
        latest = judged[-1]
        text = f"Latest {formats.number(latest.value)} at session {latest.session} ({formats.day(latest.on)})"
        if trend.baseline is not None:
            change = latest.value - trend.baseline
            better = (change < 0) == lower_is_better and change != 0
            text += f", {formats.number(abs(change))} {'better' if better else 'worse' if change else 'unchanged'}"
        sentences.append(text + ".")
    else:
        sentences.append("Not measured since.")
    if band is not None:
        edges = []
        if band.better_at is not None:
            edges.append(f"improved at {formats.number(band.better_at)}")
        if band.worse_at is not None:
            edges.append(f"worse at {formats.number(band.worse_at)}")
        sentences.append(f"MCID {band.criterion} ({band.mcid.source})"
                         + (f": {' and '.join(edges)}." if edges else "."))
    return " ".join(sentences)
