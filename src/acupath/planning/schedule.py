"""Dated sessions: the phases of the protocol laid on the clinic's days.

Week ``n`` of a phase is the seven days from ``start + 7 (n - 1)``. In a ``per_week`` phase each week
gets up to that many sessions; in an ``every_weeks`` phase one session falls in the first week of each
block. A session is only on one of the clinic's days and at least ``min_gap_days`` after the one
before (seed 001: spacing every 2-3 days); when the clinic's days cannot fit a week's sessions, the
shortfall is reported as a warning rather than squeezing sessions closer together.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from acupath.knowledge.schema.conditions import Phase
from acupath.planning.plan import PlannedPhase, Session

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


@lru_cache(maxsize=4096)
def lay_out(
    phases: tuple[Phase, ...], start: date, clinic_days: tuple[str, ...], min_gap_days: int
) -> tuple[tuple[Session, ...], tuple[PlannedPhase, ...], tuple[str, ...]]:
    """Return the dated sessions, the phases with their dates and counts, and scheduling warnings.

    Sessions are numbered from 1 in date order; ``reassess`` and coverage are filled in later.
    Results are cached: the same phases, start and clinic days always give the same sessions.
    """
    # Work in day ordinals: the clinic days fall at fixed offsets from the start of each week.
    first_day = start.toordinal()
    offsets = sorted((WEEKDAYS.index(d) - start.weekday()) % 7 for d in clinic_days)
    sessions: list[Session] = []
    planned: list[PlannedPhase] = []
    warnings: list[str] = []
    last: int | None = None
    for phase in phases:
        count_before = len(sessions)
        wanted = 0
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
            days = _pick([week_start + o for o in offsets], per_week, last, min_gap_days)
            wanted += per_week
            for day in days:
                sessions.append(Session(number=len(sessions) + 1, date=date.fromordinal(day), phase=phase.id))
                last = day
        got = len(sessions) - count_before
        if got < wanted:
            warnings.append(
                f"{phase.id} phase: the clinic days ({', '.join(clinic_days)}) allow {got} of the {wanted} "
                f"sessions at least {min_gap_days} days apart"
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
