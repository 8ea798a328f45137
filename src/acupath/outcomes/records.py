"""What happened after the plan: session records and reassessments, read from a RECORDS mapping.

The RECORDS format (YAML or JSON) read by ``acupath progress PLAN.json RECORDS.yaml``::

    sessions:                       # one entry per session given, in any order
      - {number: 1, date: 2026-12-01, pain_nrs_before: 7, pain_nrs_after: 4}
    reassessments:                  # questionnaires given at a session (answers as in an intake)
      - date: 2026-12-18
        session: 6
        questionnaires: {odi: {q1: 2, q2: 1, ...}, pcs: {...}}

``pain_nrs_after`` is optional. Unknown keys are rejected naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from acupath.errors import InputError


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

    Returns the session records sorted by number and the reassessments sorted by session. Raises
    ``InputError`` naming the field (``sessions[2].pain_nrs_before``) for anything malformed.
    """
    top = _keys(data if data is not None else {}, "records", {"sessions", "reassessments"}, set())
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
        entry = _keys(raw, where, {"date", "session", "questionnaires"}, {"date", "session"})
        questionnaires = entry.get("questionnaires")
        questionnaires = {} if questionnaires is None else questionnaires
        if not isinstance(questionnaires, Mapping) or not all(isinstance(v, Mapping) for v in questionnaires.values()):
            raise InputError(f"{where}.questionnaires", "must map instrument ids to answers")
        reassessments.append(
            Reassessment(
                date=_date(entry["date"], f"{where}.date"),
                session=_int(entry["session"], f"{where}.session", 0, 1000) or 0,
                questionnaires={str(k): dict(v) for k, v in questionnaires.items()},
            )
        )
    return (
        tuple(sorted(sessions, key=lambda s: s.number)),
        tuple(sorted(reassessments, key=lambda r: (r.session, r.date))),
    )
