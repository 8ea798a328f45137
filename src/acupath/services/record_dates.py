"""The one rule for the date of a clinical record: it cannot say what did not happen.

A session, an adverse event or a reassessment is dated on or after treatment started (the plan's
first phase, which is the intake's ``schedule.start``) and never after today. "Today" is the
caller's (the composition root's clock, or the unit of work's): services never read a clock of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from acupath.errors import InputError
from acupath.services.records import IntakeRecord


def check_record_date(field: str, day: date, today: date, earliest: date | None, since: str) -> None:
    """Raise ``InputError`` naming ``field`` when ``day`` is after ``today`` or before ``earliest``.

    ``since`` says what ``earliest`` is (for example "the plan's start"); no ``earliest``, no lower bound.
    """
    allowed = f"a date from {earliest.isoformat()} to {today.isoformat()}" if earliest else \
        f"a date on or before {today.isoformat()}"
    if day > today:
        raise InputError(field, f"{day.isoformat()} is after today ({today.isoformat()})", allowed)
    if earliest is not None and day < earliest:
        raise InputError(field, f"{day.isoformat()} is before {since} ({earliest.isoformat()})", allowed)


def plan_start(plan: dict[str, Any]) -> date | None:
    """Return the day a plan document's first phase starts, or None (a referral has no phases)."""
    phases = plan.get("phases") or ()
    starts = [date.fromisoformat(p["starts"]) for p in phases if p.get("starts")]
    return min(starts, default=None)


def first_intake_start(intakes: Iterable[IntakeRecord]) -> date | None:
    """Return the earliest ``schedule.start`` of the patient's intakes (when treatment was first to start)."""
    starts = []
    for intake in intakes:
        start = (intake.answers.get("schedule") or {}).get("start")
        if start:
            starts.append(start if isinstance(start, date) else date.fromisoformat(str(start)))
    return min(starts, default=None)
