"""Use case of the front desk: a patient's schedule, one page of sessions at a time.

Every role may read it (reception books appointments); it shows plans, session numbers and dates and
no clinical notes. Paged by keyset (``services.paging``): a patient with years of sessions answers a
page as fast as one with ten.
"""

from __future__ import annotations

from dataclasses import dataclass

from acupath.services.access import found
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.paging import KeysetPage, check_limit, decode_cursor, keyset_page, unknown_cursor
from acupath.services.records.listings import ScheduledSession, SchedulePlan
from acupath.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class Schedule:
    """The patient's plans with their status, and one page of their sessions by date."""

    plans: list[SchedulePlan]
    sessions: KeysetPage[ScheduledSession]


def get_schedule(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, cursor: str | None = None, limit: int = 50
) -> Schedule:
    """Return the patient's plans with their status and one page of their sessions as the front desk sees
    them (plan, number, date; no clinical notes), by date, after ``cursor``.

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
                        sessions=keyset_page("schedule", rows, limit, lambda session: session.id))
