"""Urgent tasks: what a clinician must act on before the next visit, raised by a patient's answer.

A task is raised in the same transaction that saves the answer (``answering.save_answer``), never at
completion, and stays open until a clinician resolves it with a note (audited). Nothing closes a task
by itself: a changed answer, a completed or cancelled questionnaire leave it open.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from acupath.errors import Conflict
from acupath.knowledge import KnowledgeBase
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.patients import new_id
from acupath.services.records import Patient
from acupath.services.records.between_visits import QuestionnaireAssignment, UrgentTask, UrgentTaskKind
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse

#: Open tasks shown at once on today's list (oldest first); a clinic with more sees the count.
OPEN_LIMIT = 100


def raise_task(uow: AbstractUnitOfWork, assignment: QuestionnaireAssignment, item: str, answer: Any) -> UrgentTask:
    """Return the open task of this assignment's ``item``, adding one when there is none (caller's transaction).

    One open task per answer's item: answering it again keeps the task already raised, and a higher
    answer raises its answer (the clinician reads the gravest the patient gave, never an older, milder
    one); a lower one leaves it as it is.
    """
    for task in uow.urgent_tasks.list_for_patient(assignment.clinic_id, assignment.patient_id):
        if task.is_open and task.assignment_id == assignment.id and task.item == item:
            if _as_int(answer) > task.answer:
                uow.urgent_tasks.raise_answer(task, _as_int(answer))
                return replace(task, answer=_as_int(answer))
            return task
    task = UrgentTask(id=new_id(), clinic_id=assignment.clinic_id, patient_id=assignment.patient_id,
                      kind=UrgentTaskKind.SAFETY_ANSWER.value, assignment_id=assignment.id,
                      instrument=assignment.instrument, item=item, answer=_as_int(answer), created_at=uow.clock())
    uow.urgent_tasks.add(task)
    return task


def _as_int(answer: Any) -> int:
    try:
        return int(answer)
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class TaskView:
    """A task with its patient and what was asked and answered, in the instrument's own words."""

    task: UrgentTask
    patient: Patient
    question: str
    answer_label: str


def describe(task: UrgentTask, patient: Patient, kb: KnowledgeBase) -> TaskView:
    """Return ``task`` with its question's text and answer label from the instrument file."""
    doc = kb.instruments.get(task.instrument)
    question, label = task.item, str(task.answer)
    if doc is not None:
        item = next((i for i in doc.items if i.key == task.item), None)
        if item is not None:
            question = item.text
            label = next((o.label for o in doc.option_sets.get(item.options or "", ()) if o.answer == task.answer),
                         label)
    return TaskView(task=task, patient=patient, question=question, answer_label=label)


def open_tasks(uow: AbstractUnitOfWork, actor: Actor, kb: KnowledgeBase) -> list[TaskView]:
    """Return the clinic's open urgent tasks, oldest first, with their patients (clinical roles).

    Audited as one ``urgent_task.list``. Raises ``PermissionDenied`` (reception).
    """
    with uow, audited(uow, actor, "urgent_task.list", "clinic", actor.clinic_id):
        require_clinical(actor)
        views = []
        for task in uow.urgent_tasks.open_for_clinic(actor.clinic_id, OPEN_LIMIT):
            patient = uow.patients.get(actor.clinic_id, task.patient_id)
            if patient is not None:
                views.append(describe(task, patient, kb))
        return views


def patient_tasks(uow: AbstractUnitOfWork, actor: Actor, patient_id: str, kb: KnowledgeBase) -> list[TaskView]:
    """Return the patient's urgent tasks, open ones first, then resolved ones, each oldest first.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (patient).
    """
    with uow, audited(uow, actor, "urgent_task.list", "patient", patient_id, patient_id=patient_id):
        require_clinical(actor)
        patient = found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        tasks = uow.urgent_tasks.list_for_patient(actor.clinic_id, patient_id)
        ordered = [t for t in tasks if t.is_open] + [t for t in tasks if not t.is_open]
        return [describe(t, patient, kb) for t in ordered]


def get_task(uow: AbstractUnitOfWork, actor: Actor, task_id: str, kb: KnowledgeBase) -> TaskView:
    """Return one urgent task with its patient. Raises ``PermissionDenied``, ``NotFound``."""
    with uow, audited(uow, actor, "urgent_task.read", "urgent_task", task_id) as note:
        require_clinical(actor)
        task = found(uow.urgent_tasks.get(actor.clinic_id, task_id), "urgent_task", task_id)
        note.patient_id = task.patient_id
        patient = found(uow.patients.get(actor.clinic_id, task.patient_id), "patient", task.patient_id)
        return describe(task, patient, kb)


class Resolution(BaseModel):
    """What the clinician did: at least 10 characters (a call made, an assessment arranged)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=10, max_length=2000)


def resolve_task(uow: AbstractUnitOfWork, actor: Actor, task_id: str, data: dict[str, Any]) -> UrgentTask:
    """Resolve an open urgent task with the clinician's note; returns it. Audited ``urgent_task.resolve``.

    Raises ``PermissionDenied`` (reception), ``NotFound``, ``InputError`` naming ``note``, ``Conflict``
    (resolved already, by someone else meanwhile too).
    """
    with uow, audited(uow, actor, "urgent_task.resolve", "urgent_task", task_id) as note:
        require_clinical(actor)
        task = found(uow.urgent_tasks.get(actor.clinic_id, task_id), "urgent_task", task_id)
        note.patient_id = task.patient_id
        form = parse(Resolution, data)
        if not task.is_open:
            raise Conflict(f"the task was resolved already, at {task.resolved_at:%Y-%m-%d %H:%M} UTC")
        task.resolved_at, task.resolved_by, task.resolution_note = uow.clock(), actor.user_id, form.note
        if not uow.urgent_tasks.resolve(task):
            raise Conflict("the task was resolved by someone else meanwhile: reload it")
        return task
