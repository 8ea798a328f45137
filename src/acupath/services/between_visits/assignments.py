"""A clinician assigns questionnaires for the patient to fill in on the portal before a visit.

By default the plan's own reassessments (``assign_plan_reassessments``): every planned visit from
today on whose ``reassess`` names instruments gets one assignment per instrument, due on that visit's
date, so the answers are in before the patient arrives. One more can be assigned by hand
(``assign_questionnaire``). An assignment becomes a reassessment when the patient completes it
(``answering.complete``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from acupath.errors import Conflict, InputError
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.patients import new_id
from acupath.services.records import PlanRecord
from acupath.services.records.between_visits import AssignmentStatus, QuestionnaireAssignment
from acupath.services.records.clinical import PlanStatus
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse


class AssignmentInput(BaseModel):
    """One instrument to fill in by ``due_on``."""

    model_config = ConfigDict(extra="forbid")

    instrument: str
    due_on: date


def _active_plan(uow: AbstractUnitOfWork, actor: Actor, plan_id: str) -> PlanRecord:
    plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
    if plan.status != PlanStatus.ACTIVE.value:
        raise Conflict(f"plan {plan_id} is {plan.status}: questionnaires are assigned on an active plan only")
    return plan


def _new(uow: AbstractUnitOfWork, actor: Actor, plan: PlanRecord, instrument: str, due_on: date,
         session_number: int | None) -> QuestionnaireAssignment:
    now = uow.clock()
    assignment = QuestionnaireAssignment(
        id=new_id(), clinic_id=actor.clinic_id, patient_id=plan.patient_id, plan_id=plan.id, instrument=instrument,
        due_on=due_on, session_number=session_number, assigned_at=now, assigned_by=actor.user_id, updated_at=now)
    uow.assignments.add(assignment)
    return assignment


def assign_questionnaire(uow: AbstractUnitOfWork, actor: Actor, plan_id: str, data: dict[str, Any],
                         kb: KnowledgeBase, *, today: date | None = None) -> QuestionnaireAssignment:
    """Assign one instrument of the knowledge base to the plan's patient, due on ``due_on``.

    Returns the assignment. Raises ``PermissionDenied`` (reception), ``NotFound`` (plan), ``Conflict``
    (plan not active; the same instrument already open with that due date), ``InputError`` naming
    ``instrument`` (unknown) or ``due_on`` (before today).
    """
    with uow, audited(uow, actor, "questionnaire.assign", "questionnaire_assignment", about=("plan", plan_id)) as note:
        require_clinical(actor)
        plan = _active_plan(uow, actor, plan_id)
        note.patient_id = plan.patient_id
        form = parse(AssignmentInput, data)
        if form.instrument not in kb.instruments:
            raise InputError("instrument", f"unknown instrument {form.instrument!r}", sorted(kb.instruments))
        day = today or uow.clock().date()
        if form.due_on < day:
            raise InputError("due_on", f"{form.due_on} is before today ({day})", f"a date from {day}")
        if any(a.instrument == form.instrument and a.due_on == form.due_on and AssignmentStatus(a.status).is_open
               for a in uow.assignments.list_for_plan(actor.clinic_id, plan_id)):
            raise Conflict(f"{form.instrument} is already assigned, due on {form.due_on}")
        assignment = _new(uow, actor, plan, form.instrument, form.due_on, None)
        note.record_id = assignment.id
        return assignment


def assign_plan_reassessments(uow: AbstractUnitOfWork, actor: Actor, plan_id: str, kb: KnowledgeBase,
                              *, today: date | None = None) -> list[QuestionnaireAssignment]:
    """Assign every instrument of the plan's reassessments planned from ``today`` on (the default schedule).

    A visit's instrument already assigned (in any state but cancelled) is not assigned twice, so the
    call can be repeated after the plan changes. Returns the new assignments (none when all are
    assigned). Raises ``PermissionDenied``, ``NotFound``, ``Conflict`` (plan not active).
    """
    with uow, audited(uow, actor, "questionnaire.assign", "plan", plan_id) as note:
        require_clinical(actor)
        plan = _active_plan(uow, actor, plan_id)
        note.patient_id = plan.patient_id
        day = today or uow.clock().date()
        have = {(a.session_number, a.instrument) for a in uow.assignments.list_for_plan(actor.clinic_id, plan_id)
                if a.status != AssignmentStatus.CANCELLED.value}
        made: list[QuestionnaireAssignment] = []
        for visit in plan.plan.get("sessions") or []:
            visit_day = date.fromisoformat(visit["date"])
            if visit_day < day:
                continue
            for instrument in visit.get("reassess") or []:
                if instrument in kb.instruments and (visit["number"], instrument) not in have:
                    made.append(_new(uow, actor, plan, instrument, visit_day, visit["number"]))
        note.detail = f"{len(made)} assigned from the plan's reassessments"
        return made


def plan_assignments(uow: AbstractUnitOfWork, actor: Actor, plan_id: str) -> list[QuestionnaireAssignment]:
    """Return the plan's assignments by due date (clinical roles). Raises ``PermissionDenied``, ``NotFound``."""
    with uow, audited(uow, actor, "questionnaire.list", "plan", plan_id) as note:
        require_clinical(actor)
        plan = found(uow.plans.get(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = plan.patient_id
        return uow.assignments.list_for_plan(actor.clinic_id, plan_id)


def cancel_assignment(uow: AbstractUnitOfWork, actor: Actor, assignment_id: str) -> QuestionnaireAssignment:
    """Withdraw an assignment the patient has not completed. Returns it.

    Urgent tasks its answers raised stay open: cancelling never hides a safety answer. Raises
    ``PermissionDenied``, ``NotFound``, ``Conflict`` (completed or cancelled already).
    """
    with uow, audited(uow, actor, "questionnaire.cancel", "questionnaire_assignment", assignment_id) as note:
        require_clinical(actor)
        assignment = found(uow.assignments.get(actor.clinic_id, assignment_id), "questionnaire_assignment",
                           assignment_id)
        note.patient_id = assignment.patient_id
        if not AssignmentStatus(assignment.status).is_open:
            raise Conflict(f"the questionnaire is {assignment.status} and cannot be cancelled")
        assignment.status = AssignmentStatus.CANCELLED.value
        assignment.updated_at = uow.clock()
        uow.assignments.update(assignment, assignment.version)
        return assignment
