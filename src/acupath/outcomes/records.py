"""What happened after the plan: session records and reassessments, read from a RECORDS mapping.

The RECORDS format (YAML or JSON) read by ``acupath progress PLAN.json RECORDS.yaml``::

    sessions:                       # one entry per session given, in any order
      - {number: 1, date: 2026-12-01, pain_nrs_before: 7, pain_nrs_after: 4}
    reassessments:                  # questionnaires given at a session (answers as in an intake)
      - date: 2026-12-18
        session: 6
        questionnaires: {odi: {q1: 2, q2: 1, ...}, pcs: {...}}

    headache_diary:                 # migraine: headache and migraine days, one entry a month
      - {month_start: 2026-12-07, headache_days: 8, migraine_days: 6}

``pain_nrs_after`` is optional. A diary month runs from ``month_start`` to the day before the same
day of the next month; a migraine day is a headache day, so ``migraine_days`` <= ``headache_days`` <= the
days of that month. Unknown keys are rejected naming the field.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from acupath.errors import InputError
from acupath.outcomes.opioids import MEDICATION_KEYS, reassessment_mme


@dataclass(frozen=True)
class SessionRecord:
    """One session given: its number, date and the pain NRS before (and after) needling."""

    number: int
    date: date
    pain_nrs_before: int | None = None
    pain_nrs_after: int | None = None


@dataclass(frozen=True)
class Reassessment:
    """Questionnaires answered at a reassessment (``session`` is the session number it belongs to).

    ``questionnaires`` are answers still to be scored; ``totals`` are totals already scored (instrument
    id to total, None when it could not be computed), as a clinic stores them when it records one.
    """

    date: date
    session: int
    questionnaires: dict[str, dict[str, Any]] = field(default_factory=dict)
    totals: dict[str, float | None] = field(default_factory=dict)
    #: Opioid MME per day now, from the reassessment's ``medications`` or ``opioid_mme_per_day``
    #: (``acupath.outcomes.opioids``); None when it records neither.
    opioid_mme_per_day: float | None = None
    #: (instrument, flag) raised by scores already computed (stored with ``totals``): PHQ-9 item 9 above
    #: 0 is ``("phq9", "self_harm_risk")`` (``acupath.outcomes.safety_flags``).
    flags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DiaryMonth:
    """One month of a headache diary: the days with any headache and the days with migraine."""

    month_start: date
    headache_days: int
    migraine_days: int

    @property
    def days(self) -> int:
        """Return the number of days of the month the entry counts."""
        return (_next_month(self.month_start) - self.month_start).days


def _next_month(day: date) -> date:
    """Return the same day of the next month (the month's last day when that day does not exist)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(where, f"not a date: {value!r}", "YYYY-MM-DD") from None


def _int(value: Any, where: str, low: int, high: int, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(where, f"must be a whole number {low}-{high}, got {value!r}")
    return value


def _keys(entry: Any, where: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping):
        raise InputError(where, "must be a mapping")
    for key in entry:
        if key not in allowed:
            raise InputError(f"{where}.{key}", "unknown key", sorted(allowed))
    for key in sorted(required - set(entry)):
        raise InputError(f"{where}.{key}", "is required")
    return entry


def _entries(top: Mapping[str, Any], key: str) -> list[Any]:
    value = top.get(key)
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise InputError(key, "must be a list of entries")
    return list(value)


def parse_records(data: Any) -> tuple[tuple[SessionRecord, ...], tuple[Reassessment, ...]]:
    """Read a RECORDS mapping (see the module docstring).

    Returns the session records sorted by number and the reassessments sorted by session (the headache
    diary is read by ``parse_diary``). Raises ``InputError`` naming the field
    (``sessions[2].pain_nrs_before``) for anything malformed.
    """
    top = _keys(data if data is not None else {}, "records", {"sessions", "reassessments", "headache_diary"}, set())
    sessions: list[SessionRecord] = []
    for i, raw in enumerate(_entries(top, "sessions")):
        where = f"sessions[{i}]"
        entry = _keys(raw, where, {"number", "date", "pain_nrs_before", "pain_nrs_after"}, {"number", "date"})
        sessions.append(
            SessionRecord(
                number=_int(entry["number"], f"{where}.number", 1, 1000) or 1,
                date=_date(entry["date"], f"{where}.date"),
                pain_nrs_before=_int(entry.get("pain_nrs_before"), f"{where}.pain_nrs_before", 0, 10, True),
                pain_nrs_after=_int(entry.get("pain_nrs_after"), f"{where}.pain_nrs_after", 0, 10, True),
            )
        )
    numbers = [s.number for s in sessions]
    if len(set(numbers)) != len(numbers):
        raise InputError("sessions", "a session number appears twice")
    reassessments: list[Reassessment] = []
    for i, raw in enumerate(_entries(top, "reassessments")):
        where = f"reassessments[{i}]"
        entry = _keys(raw, where, {"date", "session", "questionnaires", *MEDICATION_KEYS}, {"date", "session"})
        questionnaires = entry.get("questionnaires")
        questionnaires = {} if questionnaires is None else questionnaires
        if not isinstance(questionnaires, Mapping) or not all(isinstance(v, Mapping) for v in questionnaires.values()):
            raise InputError(f"{where}.questionnaires", "must map instrument ids to answers")
        reassessments.append(
            Reassessment(
                date=_date(entry["date"], f"{where}.date"),
                session=_int(entry["session"], f"{where}.session", 0, 1000) or 0,
                questionnaires={str(k): dict(v) for k, v in questionnaires.items()},
                opioid_mme_per_day=reassessment_mme(entry, where),
            )
        )
    return (
        tuple(sorted(sessions, key=lambda s: s.number)),
        tuple(sorted(reassessments, key=lambda r: (r.session, r.date))),
    )


def parse_diary(data: Any) -> tuple[DiaryMonth, ...]:
    """Read the ``headache_diary`` of a RECORDS mapping (empty when there is none).

    Returns the diary months sorted by ``month_start``. Raises ``InputError`` naming the field
    (``headache_diary[1].migraine_days``) for a malformed entry, a count above the days of its month,
    more migraine days than headache days, or two entries for overlapping months.
    """
    top = _keys(data if data is not None else {}, "records", {"sessions", "reassessments", "headache_diary"}, set())
    months: list[DiaryMonth] = []
    for i, raw in enumerate(_entries(top, "headache_diary")):
        where = f"headache_diary[{i}]"
        keys = {"month_start", "headache_days", "migraine_days"}
        entry = _keys(raw, where, keys, keys)
        start = _date(entry["month_start"], f"{where}.month_start")
        length = (_next_month(start) - start).days
        headache = _int(entry["headache_days"], f"{where}.headache_days", 0, length) or 0
        migraine = _int(entry["migraine_days"], f"{where}.migraine_days", 0, length) or 0
        if migraine > headache:
            raise InputError(f"{where}.migraine_days", f"{migraine} is more than headache_days ({headache})",
                             f"0-{headache}: a migraine day is a headache day")
        months.append(DiaryMonth(start, headache, migraine))
    months.sort(key=lambda m: m.month_start)
    for earlier, later in zip(months, months[1:], strict=False):
        if later.month_start < _next_month(earlier.month_start):
            raise InputError("headache_diary", f"the months from {earlier.month_start.isoformat()} and "
                             f"{later.month_start.isoformat()} overlap", "one entry per month")
    return tuple(months)
