"""Records of the time between visits: questionnaires assigned to a patient, the clinic's crisis
contacts, urgent tasks raised by a patient's answer, and homework with its ticks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class AssignmentStatus(StrEnum):
    """Where an assigned questionnaire stands: ``due`` (nothing answered), ``in_progress`` (some
    answers saved), ``completed`` (scored into a reassessment), ``cancelled`` (by a clinician)."""

    DUE = "due"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """True while the patient may still answer (due or in progress)."""
        return self in (AssignmentStatus.DUE, AssignmentStatus.IN_PROGRESS)


@dataclass(kw_only=True)
class QuestionnaireAssignment:
    """One instrument a patient is asked to fill in on the portal before ``due_on``.

    ``answers`` holds the answers saved so far (item key to answer), so the patient can stop and
    resume; ``session_number`` is the planned visit whose reassessment it stands for (None when assigned
    outside the plan's reassessments); ``reassessment_id`` is the reassessment it became once completed.
    """

    id: str
    clinic_id: str
    patient_id: str
    plan_id: str
    instrument: str
    due_on: date
    session_number: int | None = None
    status: str = AssignmentStatus.DUE.value
    answers: dict[str, Any] = field(default_factory=dict)
    reassessment_id: str | None = None
    assigned_at: datetime
    assigned_by: str
    updated_at: datetime
    completed_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True, kw_only=True)
class CrisisContact:
    """A line a patient in crisis can call or text: a name and a phone number, a text number or both."""

    name: str
    phone: str | None = None
    text: str | None = None
    hours: str | None = None


@dataclass(kw_only=True)
class ClinicCrisisContacts:
    """The crisis contacts a clinic set (in the order shown), who set them and when."""

    clinic_id: str
    contacts: list[CrisisContact]
    updated_at: datetime
    updated_by: str


class UrgentTaskKind(StrEnum):
    """Why a clinician must act before the next visit."""

    #: An item marked ``safety_item`` in its instrument file (PHQ-9 item 9) answered above its lowest option.
    SAFETY_ANSWER = "safety_answer"


@dataclass(kw_only=True)
class UrgentTask:
    """Something a clinician must act on now, raised by a patient's answer; open until resolved with a note.

    ``assignment_id``, ``instrument``, ``item`` and ``answer`` say which answer raised it.
    """

    id: str
    clinic_id: str
    patient_id: str
    kind: str
    assignment_id: str
    instrument: str
    item: str
    answer: int
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution_note: str | None = None

    @property
    def is_open(self) -> bool:
        """True until a clinician resolved it."""
        return self.resolved_at is None


@dataclass(kw_only=True)
class HomeworkTask:
    """Home practice of one plan component (``component``: its id in programme.yaml).

    The patient is asked for it ``times_per_week`` from ``starts_on`` to ``ends_on`` (the dates of the
    component's phases in the plan), as the knowledge data said when the task was made.
    """

    id: str
    clinic_id: str
    patient_id: str
    plan_id: str
    component: str
    title: str
    task: str
    times_per_week: int
    starts_on: date
    ends_on: date
    created_at: datetime
    created_by: str
    knowledge_version: str


@dataclass(frozen=True, kw_only=True)
class HomeworkTick:
    """The patient did ``task_id`` on ``done_on`` (one tick a day at most), ticked at ``ticked_at``."""

    task_id: str
    clinic_id: str
    done_on: date
    ticked_at: datetime
