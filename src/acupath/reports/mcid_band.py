"""The MCID band of a progress chart: the scores within one MCID of a baseline, found with
``assessment.classify_change`` itself, so the chart draws exactly the rule progress applies.

``mcid_band`` returns the band's two edges within a scale; ``improved`` and ``worsened`` say whether a
follow-up has changed by at least the MCID (as ``outcomes.progress`` decides it). Pure; the SVG is
``reports.progress_chart``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from acupath.assessment import classify_change
from acupath.knowledge.schema.instruments import Mcid

#: Bisection steps for a band edge: the scale's width / 2^40 is far below any printed digit.
BISECTIONS = 40


def plain_number(value: float) -> str:
    """Return ``value`` with at most two decimals and no trailing zeros (``74``, ``38.17``): attributes, tests."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class McidBand:
    """The scores within one MCID of a baseline.

    ``better_at`` is the score at (and beyond) which a follow-up has improved by at least the MCID,
    ``worse_at`` the one at which it has worsened by at least the MCID; either is None when no score of
    the scale gets that far. ``mcid`` is the instrument file's entry (points, percent, source).
    """

    baseline: float
    better_at: float | None
    worse_at: float | None
    mcid: Mcid

    @property
    def criterion(self) -> str:
        """Return the MCID as the data states it: ``10 points or 30 % of baseline``."""
        parts = []
        if self.mcid.points is not None:
            parts.append(f"{plain_number(self.mcid.points)} point{'s' if self.mcid.points != 1 else ''}")
        if self.mcid.percent is not None:
            parts.append(f"{plain_number(self.mcid.percent)} % of baseline")
        return " or ".join(parts)


def improved(instrument: str, baseline: float, followup: float, kb: Any) -> bool | None:
    """Return whether ``followup`` is better than ``baseline`` by at least the MCID (None: no MCID)."""
    return classify_change(instrument, baseline, followup, kb=kb).mcid_reached


def worsened(instrument: str, baseline: float, followup: float, kb: Any) -> bool:
    """Return whether ``followup`` is worse than ``baseline`` by at least the MCID.

    As ``outcomes.progress`` decides it: the change from follow-up back to baseline reaches the MCID.
    """
    forward = classify_change(instrument, baseline, followup, kb=kb)
    return forward.improvement < 0 and bool(classify_change(instrument, followup, baseline, kb=kb).mcid_reached)


def mcid_band(instrument: str, baseline: float, kb: Any, lo: float, hi: float) -> McidBand | None:
    """Return the ``McidBand`` around ``baseline`` within the scale ``lo``..``hi`` (None: no MCID for the total).

    Each edge is the last score, going from the baseline towards the better (worse) end of the scale,
    that ``classify_change`` does not yet call an MCID's change; found by bisection, so it is exact to
    far below a printed digit, and reached (``improved`` is True at ``better_at``).
    """
    doc = kb.instruments[instrument]
    mcid = next((m for m in doc.mcid if (m.scale or doc.total) == doc.total), None)
    if mcid is None:
        return None
    better_end, worse_end = (hi, lo) if doc.direction == "higher_is_better" else (lo, hi)
    return McidBand(
        baseline=baseline,
        better_at=_edge(lambda f: bool(improved(instrument, baseline, f, kb)), baseline, better_end),
        worse_at=_edge(lambda f: worsened(instrument, baseline, f, kb), baseline, worse_end),
        mcid=mcid)


def _edge(reached: Callable[[float], bool], inside: float, end: float) -> float | None:
    """Return the score nearest ``inside`` at which ``reached`` holds, on the way to ``end`` (None: never)."""
    if not reached(end) or reached(inside):
        return None
    for _ in range(BISECTIONS):
        middle = (inside + end) / 2
        if reached(middle):
            end = middle
        else:
            inside = middle
    return end
