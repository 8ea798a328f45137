"""Between visits: questionnaire assignments, clinics' crisis contacts, urgent tasks, homework and ticks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records.between_visits import (
    CrisisContact,
    HomeworkTask,
    HomeworkTick,
    QuestionnaireAssignment,
    UrgentTask,
)
from acupath.storage.tables.base import Author, Base, Document, Id, UtcDateTime


class AssignmentRow(Base):
    """A questionnaire assigned to a patient, with the answers saved so far (``answers``, JSON)."""

    __tablename__ = "questionnaire_assignments"
    __table_args__ = (
        Index("ix_questionnaire_assignments_clinic_patient", "clinic_id", "patient_id", "due_on"),
        Index("ix_questionnaire_assignments_clinic_plan", "clinic_id", "plan_id", "due_on"),
        CheckConstraint("status IN ('due', 'in_progress', 'completed', 'cancelled')", name="status"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    plan_id: Mapped[str] = mapped_column(Id)
    instrument: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)
    session_number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(Document)
    reassessment_id: Mapped[str | None] = mapped_column(Id)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    assigned_by: Mapped[str] = mapped_column(Author)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)

    def to_domain(self) -> QuestionnaireAssignment:
        """Return the assignment."""
        return QuestionnaireAssignment(
            id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id, plan_id=self.plan_id,
            instrument=self.instrument, due_on=self.due_on, session_number=self.session_number, status=self.status,
            answers=dict(self.answers or {}), reassessment_id=self.reassessment_id, assigned_at=self.assigned_at,
            assigned_by=self.assigned_by, updated_at=self.updated_at, completed_at=self.completed_at,
            version=self.version)

    @classmethod
    def from_domain(cls, a: QuestionnaireAssignment) -> AssignmentRow:
        """Return a new row for ``a``."""
        return cls(id=a.id, clinic_id=a.clinic_id, patient_id=a.patient_id, plan_id=a.plan_id,
                   instrument=a.instrument, due_on=a.due_on, session_number=a.session_number, status=a.status,
                   answers=dict(a.answers), reassessment_id=a.reassessment_id, assigned_at=a.assigned_at,
                   assigned_by=a.assigned_by, updated_at=a.updated_at, completed_at=a.completed_at,
                   version=a.version)


class CrisisContactRow(Base):
    """One crisis line of a clinic, at ``position`` in its list (no patient data)."""

    __tablename__ = "clinic_crisis_contacts"
    __table_args__ = (UniqueConstraint("clinic_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(30))
    text_number: Mapped[str | None] = mapped_column(String(30))
    hours: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(Author)

    def to_domain(self) -> CrisisContact:
        """Return the contact."""
        return CrisisContact(name=self.name, phone=self.phone, text=self.text_number, hours=self.hours)


class UrgentTaskRow(Base):
    """An urgent task for the clinicians, open while ``resolved_at`` is null."""

    __tablename__ = "urgent_tasks"
    __table_args__ = (
        Index("ix_urgent_tasks_clinic_open", "clinic_id", "resolved_at", "created_at"),
        Index("ix_urgent_tasks_clinic_patient", "clinic_id", "patient_id"),
        CheckConstraint("kind IN ('safety_answer')", name="kind"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(32))
    assignment_id: Mapped[str] = mapped_column(ForeignKey("questionnaire_assignments.id"))
    instrument: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(32))
    answer: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(Author)
    resolution_note: Mapped[str | None] = mapped_column(Text)

    def to_domain(self) -> UrgentTask:
        """Return the task."""
        return UrgentTask(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id, kind=self.kind,
                          assignment_id=self.assignment_id, instrument=self.instrument, item=self.item,
                          answer=self.answer, created_at=self.created_at, resolved_at=self.resolved_at,
                          resolved_by=self.resolved_by, resolution_note=self.resolution_note)

    @classmethod
    def from_domain(cls, t: UrgentTask) -> UrgentTaskRow:
        """Return a new row for ``t``."""
        return cls(id=t.id, clinic_id=t.clinic_id, patient_id=t.patient_id, kind=t.kind,
                   assignment_id=t.assignment_id, instrument=t.instrument, item=t.item, answer=t.answer,
                   created_at=t.created_at, resolved_at=t.resolved_at, resolved_by=t.resolved_by,
                   resolution_note=t.resolution_note)


class HomeworkTaskRow(Base):
    """A plan component's homework (one per plan and component)."""

    __tablename__ = "homework_tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "component"),
        Index("ix_homework_tasks_clinic_patient", "clinic_id", "patient_id"),
        Index("ix_homework_tasks_clinic_plan", "clinic_id", "plan_id"),
        CheckConstraint("times_per_week BETWEEN 1 AND 7", name="times_per_week"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    plan_id: Mapped[str] = mapped_column(Id)
    component: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    task: Mapped[str] = mapped_column(Text)
    times_per_week: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(Author)
    knowledge_version: Mapped[str] = mapped_column(String(64))

    def to_domain(self) -> HomeworkTask:
        """Return the task."""
        return HomeworkTask(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id, plan_id=self.plan_id,
                            component=self.component, title=self.title, task=self.task,
                            times_per_week=self.times_per_week, starts_on=self.starts_on, ends_on=self.ends_on,
                            created_at=self.created_at, created_by=self.created_by,
                            knowledge_version=self.knowledge_version)

    @classmethod
    def values_of(cls, t: HomeworkTask) -> dict[str, Any]:
        """Return the column values of ``t`` (for one multi-row INSERT)."""
        return {"id": t.id, "clinic_id": t.clinic_id, "patient_id": t.patient_id, "plan_id": t.plan_id,
                "component": t.component, "title": t.title, "task": t.task, "times_per_week": t.times_per_week,
                "starts_on": t.starts_on, "ends_on": t.ends_on, "created_at": t.created_at,
                "created_by": t.created_by, "knowledge_version": t.knowledge_version}


class HomeworkTickRow(Base):
    """A day the patient did a task: one row per task and day."""

    __tablename__ = "homework_ticks"

    task_id: Mapped[str] = mapped_column(ForeignKey("homework_tasks.id"), primary_key=True)
    done_on: Mapped[date] = mapped_column(Date, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    ticked_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_domain(self) -> HomeworkTick:
        """Return the tick."""
        return HomeworkTick(task_id=self.task_id, clinic_id=self.clinic_id, done_on=self.done_on,
                            ticked_at=self.ticked_at)
