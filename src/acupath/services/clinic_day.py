"""Use cases of the clinic's day: who is due today, and where each patient stands in their plan.

``where_in_plan`` reads a plan's dated schedule (``Plan.sessions``) against the sessions given and the
reassessments recorded: "session 5 of 12, next reassessment in 2 sessions", the visits left on the
patient's cover, and the status flags the pages show as badges: an open red flag, a reassessment
overdue, cover running out (non-responder comes from ``services.progress``, which evaluates outcomes).

``patients_due`` walks the clinic's patients and their active plans in one unit of work with the
repositories' existing reads (a page of patients at a time, then each patient's plans): one query per
patient. A clinic-wide read of the visits planned on a day would answer in one; it belongs with the
listings' indexes and is left for when the listings settle (issue 13's benchmark will say when).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import Patient, PlanRecord
from acupath.services.records.clinical import PlanStatus
from acupath.services.unit_of_work import AbstractUnitOfWork

#: Cover is "running out" when this many covered visits or fewer remain (and the plan had some).
COVER_LOW = 2
#: Coverage values of a planned visit that the payer pays for (fully or on conditions).
COVERED = frozenset(("covered", "conditional"))
#: Patients read per query while walking the clinic.
_BATCH = 200


class GivenSession(Protocol):
    """A session given (a ``SessionRecord`` or its ``SessionSummary``): its number under the plan."""

    @property
    def number(self) -> int: ...


class DoneReassessment(Protocol):
    """A reassessment recorded (a ``Reassessment`` or its summary): its date and plan."""

    @property
    def assessed_on(self) -> date: ...

    @property
    def plan_id(self) -> str | None: ...


@dataclass(frozen=True)
class PlanPosition:
    """Where a patient stands in a plan on a day.

    ``given`` sessions recorded of ``planned`` (``complete``: every planned visit given);
    ``next_number``/``next_date`` the next planned visit after the highest one given (None when none
    is left; a visit skipped before it is not next); ``reassessment_in`` how many sessions until the
    next planned reassessment (0: at the next session; None: none left); ``covered_left`` the covered
    visits not yet given (None when the plan has no covered visit); ``flags`` the status words, most
    urgent first: ``red_flag``, ``overdue_reassessment``, ``cover_running_out``.
    """

    plan_id: str
    given: int
    planned: int
    next_number: int | None
    next_date: date | None
    reassessment_in: int | None
    covered_left: int | None
    flags: tuple[str, ...] = field(default=())
    complete: bool = False


def where_in_plan(plan: PlanRecord, sessions: Sequence[GivenSession], reassessments: Sequence[DoneReassessment],
                  day: date) -> PlanPosition:
    """Return the plan's ``PlanPosition`` on ``day`` from its schedule, sessions given and reassessments."""
    document: dict[str, Any] = plan.plan
    planned = document.get("sessions") or []
    numbers = {s.number for s in sessions}
    # The schedule's position is the highest visit given: a visit skipped before it is not waited for,
    # but it was not given either (counts and cover are of the sessions recorded).
    reached = max(numbers, default=0)
    upcoming = [s for s in planned if s["number"] > reached]
    next_visit = upcoming[0] if upcoming else None
    reassess_at = next((s["number"] for s in upcoming if s.get("reassess")), None)
    flags: list[str] = []
    if any(f.get("kind") == "red_flag" and not f.get("overridden_by") for f in document.get("findings") or []):
        flags.append("red_flag")
    due = [s for s in planned if s.get("reassess") and s["number"] <= reached
           and date.fromisoformat(s["date"]) < day]
    if due:
        last_due = date.fromisoformat(due[-1]["date"])
        mine = [r for r in reassessments if r.plan_id in (None, plan.id)]
        if not any(r.assessed_on >= last_due for r in mine):
            flags.append("overdue_reassessment")
    covered = [s for s in planned if s.get("coverage") in COVERED]
    covered_left = len([s for s in covered if s["number"] not in numbers]) if covered else None
    if covered_left is not None and covered_left <= COVER_LOW:
        flags.append("cover_running_out")
    return PlanPosition(
        plan_id=plan.id, given=len(numbers), planned=len(planned),
        next_number=next_visit["number"] if next_visit else None,
        next_date=date.fromisoformat(next_visit["date"]) if next_visit else None,
        reassessment_in=None if reassess_at is None else reassess_at - reached - 1,
        covered_left=covered_left, flags=tuple(flags),
        complete=bool(planned) and all(s["number"] in numbers for s in planned))


@dataclass(frozen=True)
class DuePatient:
    """A patient with a visit planned on the day: the patient, the plan's visit number, their position."""

    patient: Patient
    visit_number: int
    position: PlanPosition


def patients_due(uow: AbstractUnitOfWork, actor: Actor, day: date) -> list[DuePatient]:
    """Return the clinic's patients whose active plan has a visit dated ``day``, by family and given name.

    Every role may call it (the front desk books the day); reception gets no clinical flag (only
    ``cover_running_out``). Audited as one ``clinic_day.read``.
    """
    with uow, audited(uow, actor, "clinic_day.read", "clinic", actor.clinic_id):
        found: list[DuePatient] = []
        after: Patient | None = None
        while True:
            batch = uow.patients.search(actor.clinic_id, None, after, _BATCH)
            for patient in batch:
                for plan in uow.plans.list_for_patient(actor.clinic_id, patient.id):
                    if plan.status != PlanStatus.ACTIVE.value:
                        continue
                    visit = next((s for s in plan.plan.get("sessions") or [] if s["date"] == day.isoformat()), None)
                    if visit is None:
                        continue
                    position = where_in_plan(plan, uow.sessions.summaries(actor.clinic_id, plan.id),
                                             uow.reassessments.summaries_for_patient(actor.clinic_id, patient.id),
                                             day)
                    if not actor.sees_clinical_notes:
                        position = PlanPosition(**{**position.__dict__, "flags": tuple(
                            f for f in position.flags if f == "cover_running_out")})
                    found.append(DuePatient(patient=patient, visit_number=visit["number"], position=position))
            if len(batch) < _BATCH:
                return found
            after = batch[-1]
