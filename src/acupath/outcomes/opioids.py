"""The opioid-sparing outcome (seed 004): opioid MME per day at baseline and at the latest reassessment.

A reassessment of the RECORDS file may give the patient's current medication list (as in an intake) or
only the opioids' total MME per day::

    reassessments:
      - {date: 2027-01-12, session: 6, medications: [{name: oxycodone, class: opioid, opioid: {mme_per_day: 15}}]}
      - {date: 2027-02-09, session: 12, opioid_mme_per_day: 0}

The baseline is the plan's ``baseline["opioid_mme_per_day"]`` (the intake's medication list). acupath
reports the change and sets no target: clinical.md and the seeds give no MME threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from acupath.assessment.medications import MAX_MME_PER_DAY, MME_KEY, opioid_mme_per_day, parse_medications
from acupath.errors import InputError

#: The keys a reassessment may use to say what the patient takes now.
MEDICATION_KEYS = ("medications", "opioid_mme_per_day")


def reassessment_mme(entry: Mapping[str, Any], where: str) -> float | None:
    """Return the opioid MME per day a reassessment entry records, or None when it records none.

    Raises ``InputError`` naming ``<where>.medications[i].<key>`` or ``<where>.opioid_mme_per_day``
    for a malformed list or number, and ``<where>`` when both are given (one must say it).
    """
    if "medications" in entry and "opioid_mme_per_day" in entry:
        raise InputError(where, "gives both medications and opioid_mme_per_day", "one of them")
    if "medications" in entry:
        return opioid_mme_per_day(parse_medications(entry["medications"], f"{where}.medications"))
    value = entry.get("opioid_mme_per_day")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_MME_PER_DAY:
        raise InputError(f"{where}.opioid_mme_per_day", f"must be a number 0-{MAX_MME_PER_DAY}, got {value!r}")
    return float(value)


class Measured(Protocol):
    """What the outcome reads of a reassessment (``acupath.outcomes.records.Reassessment``)."""

    session: int
    opioid_mme_per_day: float | None


@dataclass(frozen=True)
class OpioidUse:
    """Opioid MME per day at baseline and at the latest reassessment that recorded it.

    ``baseline`` is None when the intake had no medication list; ``current`` and ``measured_at_session``
    are None when no reassessment recorded one. ``change`` is current minus baseline (negative: fewer
    opioids); ``percent_change`` is None when the baseline is 0.
    """

    baseline: float | None
    current: float | None
    measured_at_session: int | None
    change: float | None
    percent_change: float | None

    @property
    def reported(self) -> bool:
        """Return whether there is an opioid-sparing outcome to report: opioids taken at baseline, or an
        MME recorded since. A baseline of 0 with nothing since is no measure (no opioid to spare)."""
        return bool(self.baseline) or self.current is not None


def opioid_use(baseline: Mapping[str, float], reassessments: Iterable[Measured]) -> OpioidUse | None:
    """Return the opioid-sparing outcome, or None when neither the baseline nor any reassessment has MME.

    ``reassessments`` are in session order; the last one with an MME is the current value.
    """
    start = baseline.get(MME_KEY)
    latest = [(r.session, r.opioid_mme_per_day) for r in reassessments if r.opioid_mme_per_day is not None]
    if start is None and not latest:
        return None
    at, current = latest[-1] if latest else (None, None)
    change = None if start is None or current is None else current - start
    percent = None if change is None or not start else change * 100.0 / start
    return OpioidUse(baseline=start, current=current, measured_at_session=at, change=change, percent_change=percent)


def describe(use: OpioidUse) -> str:
    """Return one line for the progress text, e.g. ``Opioid MME/day: 30 at baseline -> 15 at session 6 (-15, -50%)``."""
    start = "not recorded" if use.baseline is None else f"{use.baseline:g}"
    if use.current is None:
        return f"Opioid MME/day: {start} at baseline; no reassessment has recorded it yet"
    line = f"Opioid MME/day: {start} at baseline -> {use.current:g} at session {use.measured_at_session}"
    if use.change is not None:
        pct = f", {use.percent_change:+.0f}%" if use.percent_change is not None else ""
        line += f" ({use.change:+g}{pct})"
    return line
