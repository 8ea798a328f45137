"""The patient fills in an assigned questionnaire on the portal: one answer at a time, then submits.

Each answer is saved as it is given (``save_answer``), so the patient can stop and resume later. An
answer to a safety item above its lowest option (``safety_answers``) raises the urgent task in the same
transaction and tells the page to show the crisis contacts at once: nothing waits for completion or
the next visit. ``complete`` scores the answers into a reassessment through
``services.progress.store_reassessment``, the clinician's own path, so it is on the progress chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from acupath.errors import Conflict, InputError
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found_of_patient
from acupath.services.audit import audited
from acupath.services.between_visits import safety_answers, urgent_tasks
from acupath.services.patient_actor import PatientActor
from acupath.services.progress import ReassessmentInput, store_reassessment
from acupath.services.records.between_visits import AssignmentStatus, QuestionnaireAssignment, UrgentTask
from acupath.services.unit_of_work import AbstractUnitOfWork

KIND = "questionnaire_assignment"


def _mine(uow: AbstractUnitOfWork, patient: PatientActor, assignment_id: str) -> QuestionnaireAssignment:
    # Another patient's assignment, or another clinic's, is "not found" (404), as every record is.
    return found_of_patient(uow.assignments.get(patient.clinic_id, assignment_id), KIND, assignment_id,
                            patient.patient_id)


def due_questionnaires(uow: AbstractUnitOfWork, patient: PatientActor) -> list[QuestionnaireAssignment]:
    """Return the patient's questionnaires still to fill in (due or started), by due date."""
    with uow, audited(uow, patient, "portal.questionnaire.list", "patient", patient.patient_id,  # type: ignore[arg-type]
                      patient_id=patient.patient_id):
        return [a for a in uow.assignments.list_for_patient(patient.clinic_id, patient.patient_id)
                if AssignmentStatus(a.status).is_open]


def get_assignment(uow: AbstractUnitOfWork, patient: PatientActor, assignment_id: str) -> QuestionnaireAssignment:
    """Return one of the patient's assignments. Raises ``NotFound`` (not theirs, or no such one)."""
    with uow, audited(uow, patient, "portal.questionnaire.read", KIND, assignment_id,  # type: ignore[arg-type]
                      patient_id=patient.patient_id):
        return _mine(uow, patient, assignment_id)


@dataclass(frozen=True)
class AnswerSaved:
    """The assignment after the answer, and the urgent task the answer raised or kept open (else None).

    ``crisis`` is True when the answer needs safety follow-up: the page shows the crisis contacts at once.
    """

    assignment: QuestionnaireAssignment
    urgent_task: UrgentTask | None

    @property
    def crisis(self) -> bool:
        """True when the crisis contacts must be shown now."""
        return self.urgent_task is not None


def _open(assignment: QuestionnaireAssignment) -> None:
    if not AssignmentStatus(assignment.status).is_open:
        raise Conflict(f"this questionnaire is {assignment.status.replace('_', ' ')}: it cannot be changed")


def save_answer(uow: AbstractUnitOfWork, patient: PatientActor, assignment_id: str, item: str, answer: Any,
                kb: KnowledgeBase) -> AnswerSaved:
    """Save the patient's answer to one item; raise the urgent task at once for a safety answer.

    Returns ``AnswerSaved``. Raises ``NotFound`` (not the patient's), ``Conflict`` (completed or
    cancelled), ``InputError`` naming ``item`` (no such item) or the item (an answer it does not allow).
    """
    with uow, audited(uow, patient, "portal.questionnaire.answer", KIND, assignment_id,  # type: ignore[arg-type]
                      patient_id=patient.patient_id) as note:
        assignment = _mine(uow, patient, assignment_id)
        _open(assignment)
        doc = kb.instruments[assignment.instrument]
        question = safety_answers.item_of(doc, item)
        value = safety_answers.read_answer(doc, question, answer)
        assignment.answers[question.key] = value
        assignment.status = AssignmentStatus.IN_PROGRESS.value
        assignment.updated_at = uow.clock()
        uow.assignments.update(assignment, assignment.version)
        assignment.version += 1
        task = None
        if safety_answers.raises_alarm(doc, question, value):
            task = urgent_tasks.raise_task(uow, assignment, question.key, value)
            note.detail = f"{assignment.instrument} {question.key}: safety answer, urgent task {task.id}"
        return AnswerSaved(assignment=assignment, urgent_task=task)


def complete(uow: AbstractUnitOfWork, patient: PatientActor, assignment_id: str, kb: KnowledgeBase,
             *, today: date | None = None) -> QuestionnaireAssignment:
    """Submit the questionnaire: score it into a reassessment of its plan dated today; returns the assignment.

    Every safety answer has its urgent task (raised again here if, against the rule, one is missing).
    Raises ``NotFound``, ``Conflict`` (completed or cancelled), ``InputError`` naming the first
    unanswered required item, or ``assessed_on`` (before the plan's start).
    """
    with uow, audited(uow, patient, "portal.questionnaire.complete", KIND, assignment_id,  # type: ignore[arg-type]
                      patient_id=patient.patient_id) as note:
        assignment = _mine(uow, patient, assignment_id)
        _open(assignment)
        doc = kb.instruments[assignment.instrument]
        missing = [key for key in safety_answers.required_items(doc) if key not in assignment.answers]
        if missing:
            raise InputError(missing[0], f"question {_number(doc, missing[0])} is not answered",
                             "an answer to every question")
        for item, value in safety_answers.alarming_items(doc, assignment.answers):
            urgent_tasks.raise_task(uow, assignment, item, value)
        day = today or uow.clock().date()
        form = ReassessmentInput(assessed_on=day, plan_id=assignment.plan_id,
                                 answers={assignment.instrument: dict(assignment.answers)})
        record = store_reassessment(uow, patient.clinic_id, patient.user_id, patient.patient_id, form, kb, day)
        assignment.status = AssignmentStatus.COMPLETED.value
        assignment.reassessment_id = record.id
        assignment.completed_at = assignment.updated_at = uow.clock()
        uow.assignments.update(assignment, assignment.version)
        assignment.version += 1
        note.detail = f"reassessment {record.id}"
        return assignment


def _number(doc: Any, key: str) -> int:
    return next(n for n, item in enumerate(doc.items, start=1) if item.key == key)
