"""Use case of the front desk: a patient's schedule, one page of sessions at a time.

Every role may read it (reception books appointments); it shows plans, session numbers and dates and
no clinical notes. Paged by keyset (``services.paging``): a patient with years of sessions answers a
page as fast as one with ten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from acupath.services.access import found
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.paging import KeysetPage, check_limit, decode_cursor, keyset_page, unknown_cursor
from acupath.services.records.clinical import PlanStatus
from acupath.services.records.listings import ScheduledSession, SchedulePlan
from acupath.services.unit_of_work import AbstractUnitOfWork

#: How many of the visits still to come the front desk sees (the next few weeks of a plan).
UPCOMING = 6


@dataclass(frozen=True)
class UpcomingVisit:
    """A visit of an active plan still to come: its number in the plan and its planned date."""

    plan_id: str
    number: int
    planned_on: date


@dataclass(frozen=True)
class Schedule:
    """The patient's plans with their status, one page of their sessions by date, and the next visits planned."""

    plans: list[SchedulePlan]
    sessions: KeysetPage[ScheduledSession]
    upcoming: tuple[UpcomingVisit, ...] = ()


def upcoming_visits(uow: AbstractUnitOfWork, clinic_id: str, patient_id: str, today: date) -> tuple[UpcomingVisit, ...]:
    """Return the next ``UPCOMING`` visits of the patient's active plans not given yet, dated today or later.

    The plan's dated sessions are the schedule the portal shows the patient too; the front desk saw only
    the sessions already given, never when the patient is due next.
    """
    visits: list[UpcomingVisit] = []
    for plan in uow.plans.list_for_patient(clinic_id, patient_id):
        if plan.status != PlanStatus.ACTIVE.value:
            continue
        given = {s.number for s in uow.sessions.summaries(clinic_id, plan.id)}
        for planned in plan.plan.get("sessions") or []:
            day = date.fromisoformat(planned["date"])
            if planned["number"] not in given and day >= today:
                visits.append(UpcomingVisit(plan_id=plan.id, number=planned["number"], planned_on=day))
    return tuple(sorted(visits, key=lambda v: (v.planned_on, v.number))[:UPCOMING])


def get_schedule(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, cursor: str | None = None, limit: int = 50
) -> Schedule:
    """Return the patient's plans with their status, one page of their sessions as the front desk sees
    them (plan, number, date; no clinical notes), by date, after ``cursor``, and the next visits planned.

    Every role may call it. Raises ``NotFound``, ``InputError`` naming ``limit`` or ``cursor``.
    """
    with uow, audited(uow, actor, "schedule.read", "patient", patient_id, patient_id):
        check_limit(limit)
        position = decode_cursor("schedule", cursor)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        after = None
        if position is not None:
            after = uow.sessions.schedule_entry(actor.clinic_id, patient_id, position)
            if after is None:
                raise unknown_cursor("schedule")
        rows = uow.sessions.schedule(actor.clinic_id, patient_id, after, limit + 1)
        return Schedule(plans=uow.sessions.schedule_plans(actor.clinic_id, patient_id),
                        sessions=keyset_page("schedule", rows, limit, lambda session: session.id),
                        upcoming=upcoming_visits(uow, actor.clinic_id, patient_id, uow.clock().date()))
