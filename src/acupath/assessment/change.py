"""Change between two scores: absolute and percent change, MCID reached, IMMPACT category.

Direction comes from the instrument file (KOOS: higher is better; most others: lower is better), the
MCID and the IMMPACT categories too (instruments.md §20). Percent change is
(baseline - follow-up) / baseline x 100 for lower-is-better scales, undefined at baseline 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from acupath.assessment.scoring import Score, scorer_for
from acupath.errors import InputError
from acupath.knowledge import KnowledgeBase

#: Changes are compared with the MCID and the IMMPACT percentages after rounding to this many places:
#: means of items (PEG thirds, BPI fifths and sevenths) are not exact in binary floating point, so an
#: exact 50 % or 1-point change would otherwise read 49.999...% or 0.999... and miss its threshold
#: (instruments.md §20: ">= 50 % decrease"; §3: "a 1-point decrease"). As ``scales`` rounds sleep efficiency.
DECIMALS = 9


@dataclass(frozen=True)
class Change:
    """How one scale moved from baseline to follow-up.

    ``change`` is follow-up minus baseline; ``improvement`` is signed so that positive is better;
    ``percent_improvement`` is None at baseline 0; ``mcid_reached`` is None when the instrument has no
    MCID for the scale; ``immpact`` is None unless the scale is a pain-intensity scale.
    """

    instrument: str
    scale: str
    baseline: float
    followup: float
    change: float
    improvement: float
    percent_improvement: float | None
    mcid_reached: bool | None
    mcid: dict[str, Any] | None
    immpact: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the change as JSON-ready data."""
        return dict(self.__dict__)


def _value(instrument_id: str, scale: str, given: float | Score | Mapping[str, Any],
           kb: KnowledgeBase | None, field: str) -> float:
    scorer = scorer_for(instrument_id, kb)
    if isinstance(given, Mapping):
        given = scorer.score(given)
    if isinstance(given, Score):
        value = given.total if scale == scorer.doc.total else given.subscales.get(scale)
        if value is None:
            raise InputError(field, f"{instrument_id} {scale} could not be scored: {given.reason}")
        return value
    if type(given) not in (int, float):
        raise InputError(field, f"expected a number, a Score or answers, got {given!r}")
    return float(given)


@dataclass(frozen=True)
class McidRule:
    """The MCID of one scale as data: what ``classify_change`` decides ``mcid_reached`` by.

    ``direction`` is +1 when higher is better, -1 when lower is; the MCID is reached when the
    improvement is at least ``points`` or at least ``percent`` of the baseline (Ostelo 2008 / Farrar
    2001: points OR percent). ``has_mcid`` is False when the instrument gives the scale none. Kept as
    data so that ``acupath.analytics`` can apply the same rule in SQL to a whole cohort.
    """

    direction: float
    points: float | None
    percent: float | None

    @property
    def has_mcid(self) -> bool:
        """True when the scale has an MCID (points, percent or both)."""
        return self.points is not None or self.percent is not None

    def reached(self, improvement: float, percent: float | None) -> bool:
        """Return True when ``improvement`` (or ``percent`` of baseline, None at baseline 0) reaches the MCID."""
        by_points = self.points is not None and improvement >= self.points
        by_percent = self.percent is not None and percent is not None and percent >= self.percent
        return by_points or by_percent


def mcid_rule(instrument_id: str, scale: str | None = None, kb: KnowledgeBase | None = None) -> McidRule:
    """Return the ``McidRule`` of the instrument's ``scale`` (default: its total).

    Raises ``UnknownInstrument``.
    """
    doc = scorer_for(instrument_id, kb).doc
    scale = scale or doc.total
    mcid = next((m for m in doc.mcid if (m.scale or doc.total) == scale), None)
    return McidRule(direction=1.0 if doc.direction == "higher_is_better" else -1.0,
                    points=None if mcid is None else mcid.points, percent=None if mcid is None else mcid.percent)


def classify_change(instrument_id: str, baseline: float | Score | Mapping[str, Any],
                    followup: float | Score | Mapping[str, Any], scale: str | None = None,
                    kb: KnowledgeBase | None = None) -> Change:
    """Classify the change of one scale between two scores.

    ``baseline`` and ``followup`` are numbers on the scale, ``Score`` objects or answer mappings;
    ``scale`` defaults to the total (required for the KOOS). Returns a ``Change``. Raises
    ``UnknownInstrument``, ``InputError`` for an unknown scale or a score that could not be computed.
    """
    doc = scorer_for(instrument_id, kb).doc
    scale_ids = [s.id for s in doc.scales]
    scale = scale or doc.total
    if scale not in scale_ids:
        raise InputError("scale", f"{instrument_id} has no scale {scale!r}", scale_ids)
    before = _value(instrument_id, scale, baseline, kb, "baseline")
    after = _value(instrument_id, scale, followup, kb, "followup")
    rule = mcid_rule(instrument_id, scale, kb)
    raw = rule.direction * (after - before)
    improvement = round(raw, DECIMALS) + 0.0  # + 0.0: no change reads 0, never -0
    percent = None if before == 0 else round(raw * 100.0 / abs(before), DECIMALS) + 0.0
    mcid = next((m for m in doc.mcid if (m.scale or doc.total) == scale), None)
    reached = rule.reached(improvement, percent) if rule.has_mcid else None
    immpact = None
    categories = doc.change_categories
    if categories is not None and (categories.scale or doc.total) == scale and percent is not None:
        for category in categories.categories:
            if category.at_least_percent is None or percent >= category.at_least_percent:
                immpact = category.id
                break
    return Change(
        instrument=instrument_id,
        scale=scale,
        baseline=before,
        followup=after,
        change=round(after - before, DECIMALS) + 0.0,
        improvement=improvement,
        percent_improvement=percent,
        mcid_reached=reached,
        mcid=mcid.model_dump(exclude_none=True) if mcid is not None else None,
        immpact=immpact,
    )
