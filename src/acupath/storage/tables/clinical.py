"""Tables of clinical records: intakes, screenings, plans (with revisions and overrides), reassessments.

Each row carries its clinic and refers to its patient by (patient id, clinic id), so the database
itself refuses a record that names another clinic's patient.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from acupath.services.records import (
    IntakeRecord,
    PlanOverride,
    PlanRecord,
    PlanRevision,
    Reassessment,
    ScreeningRecord,
)
from acupath.storage.tables.base import Author, Base, Document, Id, UtcDateTime


def of_patient(table: str, *order: str) -> tuple[Any, ...]:
    """Return the table arguments tying a row to a patient of the same clinic.

    ``order`` extends the (clinic, patient) index with the columns a patient's listing reads in order.
    """
    return (
        ForeignKeyConstraint(["patient_id", "clinic_id"], ["patients.id", "patients.clinic_id"]),
        Index(f"ix_{table}_clinic_patient", "clinic_id", "patient_id", *order),
    )


class IntakeRow(Base):
    """An intake: the answers as recorded and the scores computed from them."""

    __tablename__ = "intakes"
    __table_args__ = of_patient("intakes")

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    answers: Mapped[dict[str, Any]] = mapped_column(Document)
    scores: Mapped[dict[str, Any]] = mapped_column(Document)
    knowledge_version: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(Author)

    def to_domain(self) -> IntakeRecord:
        """Return the intake record."""
        return IntakeRecord(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id,
                            answers=self.answers, scores=self.scores, knowledge_version=self.knowledge_version,
                            recorded_at=self.recorded_at, recorded_by=self.recorded_by)

    @classmethod
    def from_domain(cls, intake: IntakeRecord) -> IntakeRow:
        """Return a new row for ``intake``."""
        return cls(id=intake.id, clinic_id=intake.clinic_id, patient_id=intake.patient_id,
                   answers=intake.answers, scores=intake.scores, knowledge_version=intake.knowledge_version,
                   recorded_at=intake.recorded_at, recorded_by=intake.recorded_by)


class ScreeningRow(Base):
    """A screening of one intake: status and every finding (overridden ones marked)."""

    __tablename__ = "screenings"
    __table_args__ = of_patient("screenings")

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id"))
    status: Mapped[str] = mapped_column(String(32))
    findings: Mapped[list[dict[str, Any]]] = mapped_column(Document)
    knowledge_version: Mapped[str] = mapped_column(String(64))
    screened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    screened_by: Mapped[str] = mapped_column(Author)

    def to_domain(self) -> ScreeningRecord:
        """Return the screening record."""
        return ScreeningRecord(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id,
                               intake_id=self.intake_id, status=self.status, findings=self.findings,
                               knowledge_version=self.knowledge_version, screened_at=self.screened_at,
                               screened_by=self.screened_by)

    @classmethod
    def from_domain(cls, screening: ScreeningRecord) -> ScreeningRow:
        """Return a new row for ``screening``."""
        return cls(id=screening.id, clinic_id=screening.clinic_id, patient_id=screening.patient_id,
                   intake_id=screening.intake_id, status=screening.status, findings=screening.findings,
                   knowledge_version=screening.knowledge_version, screened_at=screening.screened_at,
                   screened_by=screening.screened_by)


class PlanOverrideRow(Base):
    """A clinician's override of a finding for a plan: finding code, reason, author, time."""

    __tablename__ = "plan_overrides"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    finding: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(Author)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    plan_version: Mapped[int] = mapped_column(Integer)

    def to_domain(self) -> PlanOverride:
        """Return the override."""
        return PlanOverride(finding=self.finding, reason=self.reason, author=self.author, at=self.at,
                            plan_version=self.plan_version)

    @classmethod
    def from_domain(cls, override: PlanOverride, plan: PlanRecord) -> PlanOverrideRow:
        """Return a new row for ``override`` of ``plan``."""
        return cls(plan_id=plan.id, clinic_id=plan.clinic_id, finding=override.finding, reason=override.reason,
                   author=override.author, at=override.at, plan_version=override.plan_version)


class PlanRow(Base):
    """A plan's current version; ``version`` guards against stale amendments."""

    __tablename__ = "plans"
    __table_args__ = (*of_patient("plans"), CheckConstraint("version >= 1", name="version"),
                      CheckConstraint("status IN ('active', 'completed', 'discontinued')", name="status"))

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id"))
    screening_id: Mapped[str] = mapped_column(ForeignKey("screenings.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    plan: Mapped[dict[str, Any]] = mapped_column(Document)
    knowledge_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(Author)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(Author)

    overrides: Mapped[list[PlanOverrideRow]] = relationship(
        order_by=PlanOverrideRow.id, lazy="selectin", cascade="all, delete-orphan"
    )

    #: Columns an amendment may change.
    AMENDABLE = ("intake_id", "screening_id", "status", "plan", "knowledge_version", "updated_at", "updated_by")

    def to_domain(self) -> PlanRecord:
        """Return the plan record with its overrides."""
        return PlanRecord(
            id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id, intake_id=self.intake_id,
            screening_id=self.screening_id, version=self.version, status=self.status, plan=self.plan,
            knowledge_version=self.knowledge_version, overrides=[o.to_domain() for o in self.overrides],
            created_at=self.created_at, created_by=self.created_by, updated_at=self.updated_at,
            updated_by=self.updated_by,
        )

    @classmethod
    def from_domain(cls, plan: PlanRecord) -> PlanRow:
        """Return a new row for ``plan`` with its overrides."""
        return cls(
            id=plan.id, clinic_id=plan.clinic_id, patient_id=plan.patient_id, version=plan.version,
            created_at=plan.created_at, created_by=plan.created_by,
            overrides=[PlanOverrideRow.from_domain(o, plan) for o in plan.overrides],
            **{name: getattr(plan, name) for name in cls.AMENDABLE},
        )


class PlanRevisionRow(Base):
    """One version of a plan as written; amendments add rows, never change them."""

    __tablename__ = "plan_revisions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    version: Mapped[int] = mapped_column(Integer)
    plan: Mapped[dict[str, Any]] = mapped_column(Document)
    screening_id: Mapped[str] = mapped_column(ForeignKey("screenings.id"))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(Author)
    note: Mapped[str] = mapped_column(Text, default="")

    def to_domain(self) -> PlanRevision:
        """Return the revision."""
        return PlanRevision(plan_id=self.plan_id, version=self.version, plan=self.plan,
                            screening_id=self.screening_id, status=self.status, at=self.at, by=self.by,
                            note=self.note)

    @classmethod
    def of_plan(cls, plan: PlanRecord, version: int, note: str) -> PlanRevisionRow:
        """Return the revision row recording ``plan`` as ``version``."""
        return cls(plan_id=plan.id, clinic_id=plan.clinic_id, version=version, plan=plan.plan,
                   screening_id=plan.screening_id, status=plan.status, at=plan.updated_at, by=plan.updated_by,
                   note=note)


class ReassessmentRow(Base):
    """Questionnaires answered again during treatment, with their scores."""

    __tablename__ = "reassessments"
    __table_args__ = of_patient("reassessments")

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"))
    assessed_on: Mapped[date] = mapped_column(Date)
    session_number: Mapped[int | None] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(Document)
    scores: Mapped[dict[str, Any]] = mapped_column(Document)
    knowledge_version: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(Author)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # migration 0004

    def to_domain(self) -> Reassessment:
        """Return the reassessment."""
        return Reassessment(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id,
                            plan_id=self.plan_id, assessed_on=self.assessed_on,
                            session_number=self.session_number, answers=self.answers,
                            scores=self.scores, knowledge_version=self.knowledge_version,
                            recorded_at=self.recorded_at, recorded_by=self.recorded_by, version=self.version)

    @classmethod
    def from_domain(cls, item: Reassessment) -> ReassessmentRow:
        """Return a new row for ``item``."""
        return cls(id=item.id, clinic_id=item.clinic_id, patient_id=item.patient_id, plan_id=item.plan_id,
                   assessed_on=item.assessed_on, session_number=item.session_number, answers=item.answers,
                   scores=item.scores,
                   knowledge_version=item.knowledge_version, recorded_at=item.recorded_at,
                   recorded_by=item.recorded_by, version=item.version)
