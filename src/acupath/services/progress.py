"""Use cases of follow-up: record a reassessment, get a patient's progress (the schedule: ``schedule``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from acupath import outcomes, planning
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, found_of_patient, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.intakes import score_answers
from acupath.services.patients import new_id
from acupath.services.plan_cache import parsed_plans
from acupath.services.record_dates import check_record_date, first_intake_start, plan_start
from acupath.services.records import Reassessment
from acupath.services.records.summaries import PlanCourse, PlanHead, ReassessmentSummary, SessionSummary
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse
from acupath.validation import MAX_SESSION_NUMBER


class ReassessmentInput(BaseModel):
    """Questionnaires answered again: ``answers`` maps instrument id to that instrument's answers."""

    model_config = ConfigDict(extra="forbid")

    assessed_on: date
    plan_id: str | None = None
    session_number: int | None = Field(default=None, ge=0, le=MAX_SESSION_NUMBER)
    answers: dict[str, dict[str, Any]] = Field(min_length=1)


def record_reassessment(
    uow: AbstractUnitOfWork, actor: Actor, patient_id: str, data: dict[str, Any], kb: KnowledgeBase,
    *, today: date | None = None,
) -> Reassessment:
    """Score and store a reassessment of the clinic's patient.

    ``today`` defaults to the unit of work's clock. Returns the stored reassessment. Raises
    ``PermissionDenied``, ``NotFound`` (patient or plan), ``InputError`` (``assessed_on`` after today,
    before the plan's start or, without a plan, before the patient's treatment started).
    """
    with uow, audited(uow, actor, "reassessment.record", "reassessment", patient_id=patient_id) as note:
        require_clinical(actor)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        record = store_reassessment(uow, actor.clinic_id, actor.user_id, patient_id, parse(ReassessmentInput, data),
                                    kb, today or uow.clock().date())
        note.record_id = record.id
        return record


def store_reassessment(uow: AbstractUnitOfWork, clinic_id: str, recorded_by: str, patient_id: str,
                       form: ReassessmentInput, kb: KnowledgeBase, today: date) -> Reassessment:
    """Score ``form`` and add it as a reassessment of the clinic's patient, inside the caller's transaction.

    The one path of every reassessment: a clinician's (``record_reassessment``) and a questionnaire a
    patient completed on the portal (``services.between_visits.answering``), so both are dated, scored
    and charted alike. Returns the record. Raises ``InputError`` (the date, an answer), ``NotFound``
    (a plan not the patient's).
    """
    check_reassessment_date(uow, clinic_id, patient_id, form, today)
    record = Reassessment(
        id=new_id(),
        clinic_id=clinic_id,
        patient_id=patient_id,
        plan_id=form.plan_id,
        assessed_on=form.assessed_on,
        session_number=form.session_number,
        answers=form.answers,
        scores=score_answers(form.answers, kb, "answers"),
        knowledge_version=kb.version,
        recorded_at=uow.clock(),
        recorded_by=recorded_by,
    )
    uow.reassessments.add(record)
    return record


def check_reassessment_date(
    uow: AbstractUnitOfWork, clinic_id: str, patient_id: str, form: ReassessmentInput, today: date
) -> None:
    """Raise ``InputError`` naming ``assessed_on`` when the reassessment cannot have been made then.

    Not before its plan's start (or, without a plan, the patient's earliest ``schedule.start``), not after
    ``today``. Raises ``NotFound`` for a plan that is not the patient's.
    """
    if form.plan_id is not None:
        plan = found_of_patient(uow.plans.get(clinic_id, form.plan_id), "plan", form.plan_id, patient_id)
        check_record_date("assessed_on", form.assessed_on, today, plan_start(plan.plan), "the plan's start")
    else:
        check_record_date("assessed_on", form.assessed_on, today,
                          first_intake_start(uow.intakes.list_for_patient(clinic_id, patient_id)),
                          "the patient's treatment start")


def session_of(reassessment: ReassessmentSummary, sessions: list[SessionSummary]) -> int:
    """Return the session a reassessment belongs to: its own number, else the last session given by its date."""
    if reassessment.session_number is not None:
        return reassessment.session_number
    return max((s.number for s in sessions if s.session_date <= reassessment.assessed_on), default=0)


def get_progress(uow: AbstractUnitOfWork, actor: Actor, plan_id: str, kb: KnowledgeBase) -> outcomes.Progress:
    """Return ``outcomes.evaluate`` of the plan over its sessions and the patient's reassessments.

    Reassessments tied to another plan are left out. Raises ``PermissionDenied`` (reception),
    ``NotFound``, ``InputError`` (stored answers the current knowledge cannot score).
    """
    with uow, audited(uow, actor, "progress.read", "plan", plan_id) as note:
        require_clinical(actor)
        course = found(uow.plan_course(actor.clinic_id, plan_id), "plan", plan_id)
        note.patient_id = course.head.patient_id
        return course_progress(uow, actor.clinic_id, course, kb)[1]


def course_progress(uow: AbstractUnitOfWork, clinic_id: str, course: PlanCourse, kb: KnowledgeBase
                    ) -> tuple[planning.Plan, outcomes.Progress]:
    """Return the plan of ``course`` and its progress, inside the caller's transaction.

    Raises ``InputError`` (stored answers the current knowledge cannot score).
    """
    head, sessions = course.head, course.sessions
    plan = _parsed_plan(uow, clinic_id, head)
    # The scores stored when each reassessment was recorded (with the knowledge version that made
    # them): progress reports what was measured then, and does not score the answers again.
    session_rows = tuple((s.number, s.session_date, s.pain_before, s.pain_after) for s in sessions)
    reassessment_rows = tuple(
        (r.assessed_on, session_of(r, sessions), r.totals, r.flags)
        for r in plan_reassessments(course))
    key = (clinic_id, head.id, head.version, session_rows, reassessment_rows)
    return plan, kb.derived.get("services.progress", key, lambda: _evaluate(plan, session_rows, reassessment_rows, kb),
                                capacity=256)


def plan_reassessments(course: PlanCourse) -> list[ReassessmentSummary]:
    """Return the reassessments of the course's plan: those tied to it and those tied to no plan."""
    return [r for r in course.reassessments if r.plan_id in (None, course.head.id)]


def _evaluate(plan: planning.Plan, session_rows: tuple[tuple[Any, ...], ...],
              reassessment_rows: tuple[tuple[Any, ...], ...], kb: KnowledgeBase) -> outcomes.Progress:
    # ``outcomes.evaluate`` is a pure function of the plan, the sessions' numbers, dates and pain, the
    # reassessments' dates, sessions and totals, and the knowledge base; progress keeps its results in
    # the knowledge base's caches by exactly those (``course_progress``), so asking again about a plan
    # where nothing changed computes nothing.
    return outcomes.evaluate(
        plan,
        tuple(outcomes.SessionRecord(number=number, date=day, pain_nrs_before=before, pain_nrs_after=after)
              for number, day, before, after in session_rows),
        tuple(outcomes.Reassessment(date=day, session=session, totals=dict(totals), flags=tuple(flags))
              for day, session, totals, flags in reassessment_rows),
        kb,
    )


def _parsed_plan(uow: AbstractUnitOfWork, clinic_id: str, head: PlanHead) -> planning.Plan:
    # Parsing a plan document costs more than reading the rest of progress; a version's document never
    # changes, so the parsed plan is kept by version (see ``plan_cache``). Raises ``NotFound`` if the plan
    # went away between the two reads of this transaction (it cannot: plans are never deleted).
    def load() -> planning.Plan:
        record = found(uow.plans.get(clinic_id, head.id), "plan", head.id)
        return planning.Plan.from_dict(record.plan)

    return parsed_plans.get((clinic_id, head.id, head.version), load)
