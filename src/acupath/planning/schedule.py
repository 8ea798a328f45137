"""Dated sessions: the phases of the protocol laid on the clinic's open days.

Week ``n`` of a phase is the seven days from ``start + 7 (n - 1)``. In a ``per_week`` phase each week
gets up to that many sessions; in an ``every_weeks`` phase one session falls in the first week of each
block. A session is only on one of the clinic's days and at least ``min_gap_days`` after the one
before (seed 001: spacing every 2-3 days); when the clinic's days cannot fit a week's sessions, the
shortfall is reported as a warning rather than squeezing sessions closer together.

A session that would fall on a closure (a public holiday, leave: ``schedule.closures`` of the intake)
moves to the next free clinic day that keeps the spacing, and says so (``Session.moved_from`` and
``Session.closure``). A pregnant patient's sessions stop before she may have reached term
(``programme.yaml`` ``pregnancy_term``; WHO 1999 s.2.1: acupuncture may induce labour).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from acupath.knowledge.memo import Derived
from acupath.knowledge.schema.conditions import Phase
from acupath.planning.plan import PlannedPhase, Session

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: How far past a closure the next free clinic day is looked for (a closure spans at most 366 days).
_SEARCH_DAYS = 400

#: A closure as ``lay_out`` takes it: first day, last day (inclusive), reason (None when not given).
ClosureSpan = tuple[date, date, str | None]


def _pick(candidates: list[int], count: int, after: int | None, gap: int) -> list[int]:
    """Choose up to ``count`` day ordinals from ``candidates``, spread out, each ``gap`` days after the last."""
    best: list[int] = []
    # Try each candidate as the first session so that two clinic days far apart are preferred.
    for first_index in range(len(candidates)):
        chosen: list[int] = []
        last = after
        for day in candidates[first_index:]:
            if last is None or day - last >= gap:
                chosen.append(day)
                last = day
                if len(chosen) == count:
                    break
        if len(chosen) > len(best):
            best = chosen
        if len(best) == count:
            break
    return best


def _closed_days(closures: tuple[ClosureSpan, ...]) -> dict[int, str | None]:
    """Return every closed day (as an ordinal) with its reason; the first reason given wins."""
    closed: dict[int, str | None] = {}
    for first, last, reason in closures:
        for day in range(first.toordinal(), last.toordinal() + 1):
            if closed.get(day) is None:
                closed[day] = reason
    return closed


def _next_free(day: int, after: int | None, gap: int, weekdays: set[int], closed: dict[int, str | None]) -> int | None:
    """Return the first open clinic day after ``day`` at least ``gap`` days after ``after``; None if none."""
    earliest = day + 1 if after is None else max(day + 1, after + gap)
    for candidate in range(earliest, day + _SEARCH_DAYS):
        if date.fromordinal(candidate).weekday() in weekdays and candidate not in closed:
            return candidate
    return None


def lay_out(
    phases: tuple[Phase, ...], start: date, clinic_days: tuple[str, ...], min_gap_days: int,
    closures: tuple[ClosureSpan, ...] = (), before: date | None = None,
) -> tuple[tuple[Session, ...], tuple[PlannedPhase, ...], tuple[str, ...]]:
    """Return the dated sessions, the phases with their dates and counts, and scheduling warnings.

    ``closures`` are days no session may fall on; a session that would is moved to the next free
    clinic day (``moved_from``, ``closure``). No session falls on or after ``before`` (the caller says
    why in its own warning); the sessions left out for it are not counted as a clinic-day shortfall.
    Sessions are numbered from 1 in date order; ``reassess`` and coverage are filled in later.
    Results are cached: the same arguments always give the same sessions.
    """
    # Work in day ordinals: the clinic days fall at fixed offsets from the start of each week.
    first_day = start.toordinal()
    offsets = sorted((WEEKDAYS.index(d) - start.weekday()) % 7 for d in clinic_days)
    weekdays = {WEEKDAYS.index(d) for d in clinic_days}
    closed = _closed_days(closures)
    end = before.toordinal() if before is not None else None
    sessions: list[Session] = []
    planned: list[PlannedPhase] = []
    warnings: list[str] = []
    last: int | None = None
    for phase in phases:
        count_before = len(sessions)
        wanted = past_end = 0
        if phase.per_week is not None:
            weeks = range(phase.first_week, phase.last_week + 1)
            per_week = phase.per_week
            frequency = f"{per_week}/week"
        else:
            weeks = range(phase.first_week, phase.last_week + 1, phase.every_weeks or 1)
            per_week = 1
            frequency = f"every {phase.every_weeks} weeks"
        for week in weeks:
            week_start = first_day + 7 * (week - 1)
            candidates = [week_start + o for o in offsets]
            wanted += per_week
            remaining = per_week
            while remaining:
                # One session at a time, so that a session moved off a closure spaces the next ones.
                days = _pick(candidates, remaining, last, min_gap_days)
                if not days:
                    break
                day: int | None = days[0]
                moved_from = None
                if day in closed:
                    moved_from = day
                    day = _next_free(day, last, min_gap_days, weekdays, closed)
                if day is None or (end is not None and day >= end):
                    past_end += remaining if day is not None else 0
                    break
                sessions.append(
                    Session(
                        number=len(sessions) + 1, date=date.fromordinal(day), phase=phase.id,
                        moved_from=None if moved_from is None else date.fromordinal(moved_from),
                        closure=None if moved_from is None else (closed[moved_from] or ""),
                    )
                )
                last = day
                remaining -= 1
        got = len(sessions) - count_before
        if got < wanted - past_end:
            around = " around the closures" if closed else ""
            if phase.per_week is not None:
                # The rhythm the clinic days hold, not the one asked for (the warning says why): a patient
                # read "twice a week" above visits a week apart.
                # Only the weeks before a pregnancy's limit count: the phase stops there.
                span = sum(1 for week in weeks if end is None or first_day + 7 * (week - 1) < end)
                if span:
                    frequency = f"{got // span}/week" if got and got % span == 0 else f"{got} in {span} weeks"
            warnings.append(
                f"{phase.id} phase: the clinic days ({', '.join(clinic_days)}) allow {got} of the "
                f"{wanted - past_end} sessions at least {min_gap_days} days apart{around}"
            )
        planned.append(
            PlannedPhase(
                id=phase.id,
                first_week=phase.first_week,
                last_week=phase.last_week,
                frequency=frequency,
                starts=start + timedelta(days=7 * (phase.first_week - 1)),
                ends=start + timedelta(days=7 * phase.last_week - 1),
                sessions=got,
                note=phase.note,
            )
        )
    return tuple(sessions), tuple(planned), tuple(warnings)


def term_limit(start: date, weeks: int, term_weeks: int) -> date:
    """Return the first day on which a patient ``weeks`` pregnant on ``start`` may have reached term.

    ``weeks`` is read as completed weeks: on ``start`` she is between ``weeks`` + 0 and ``weeks`` + 6
    days, so the limit counts from the later end (safety first): ``start + 7 (term_weeks - weeks) - 6``.
    A limit on or before ``start`` means that no session is scheduled.
    """
    return start + timedelta(days=7 * (term_weeks - weeks) - 6)


def moved_note(session: Session) -> str | None:
    """Return ``moved from 2026-12-25 (closure: Christmas) to 2026-12-28`` for a moved session, else None."""
    if session.moved_from is None:
        return None
    why = f"closure: {session.closure}" if session.closure else "closure"
    return f"moved from {session.moved_from.isoformat()} ({why}) to {session.date.isoformat()}"


def schedule_sessions(
    phases: tuple[Phase, ...], intake: Any, programme: Any, derived: Derived
) -> tuple[tuple[Session, ...], tuple[PlannedPhase, ...], tuple[str, ...]]:
    """Return ``lay_out`` for the intake's schedule: its clinic days, closures and pregnancy limit.

    ``programme`` is the compiled programme (``min_gap_days`` and the ``pregnancy_term`` data); each
    schedule is laid out once per knowledge base (``derived``: ``kb.derived``), and the same
    arguments give the very same tuple, which ``build`` relies on to remember its dates. The
    warnings include the pregnancy limit whenever the patient is pregnant: the date sessions stop and
    how many were left out, or, when the gestational age is not recorded, that it must be asked.
    """
    schedule = intake.schedule
    closures = tuple(c.span for c in schedule.closures)
    pregnancy = intake.patient.pregnancy
    term = programme.source.pregnancy_term
    before = None
    if pregnancy.pregnant and pregnancy.weeks is not None:
        before = term_limit(schedule.start, pregnancy.weeks, term.weeks)
    arguments = (phases, schedule.start, schedule.clinic_days, programme.min_gap_days, closures, before)
    sessions, phases_out, warnings = derived.get("planning.schedules", arguments, lambda: lay_out(*arguments))
    if not pregnancy.pregnant:
        return sessions, phases_out, warnings
    sources = ", ".join(term.citations)
    if before is None:
        extra = (
            f"Pregnant, gestational age not recorded: ask it (patient.pregnancy.weeks); no session may be "
            f"scheduled past {term.weeks} weeks of gestation ({sources})."
        )
    else:
        unbounded = (*arguments[:-1], None)  # the same schedule without the pregnancy limit
        unscheduled = len(derived.get("planning.schedules", unbounded, lambda: lay_out(*unbounded))[0]) - len(sessions)
        extra = (
            f"Pregnant, {pregnancy.weeks} weeks on {schedule.start.isoformat()}: no session is scheduled "
            f"from {max(before, schedule.start).isoformat()}, when she may have reached {term.weeks} weeks "
            f"of gestation ({term.reason}; {sources}); {unscheduled} planned "
            f"session{'' if unscheduled == 1 else 's'} left out."
        )
    return sessions, phases_out, (*warnings, extra)
