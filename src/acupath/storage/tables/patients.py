"""The patients table: demographics, versioned so that a stale update is refused."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records import Patient
from acupath.storage.tables.base import Base, Id, UtcDateTime

#: The demographic columns that an update may change (id, clinic and version never change this way).
DEMOGRAPHICS = ("mrn", "given_name", "family_name", "birth_date", "sex", "phone", "email")


class PatientRow(Base):
    """A patient of one clinic."""

    __tablename__ = "patients"
    __table_args__ = (
        # (id, clinic_id) is what every clinical row refers to, so a row can never name a patient of
        # another clinic: clinic isolation is enforced by the database as well as by the queries.
        UniqueConstraint("id", "clinic_id"),
        UniqueConstraint("clinic_id", "mrn"),
        # The patient list's order, so a page after a cursor reads only the page (migration 0005).
        Index("ix_patients_clinic_name", "clinic_id", "family_name", "given_name", "id"),
        CheckConstraint("sex IN ('female', 'male', 'other', 'unknown')", name="sex"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    mrn: Mapped[str | None] = mapped_column(String(64))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def to_domain(self) -> Patient:
        """Return the patient record."""
        return Patient(
            id=self.id, clinic_id=self.clinic_id, mrn=self.mrn, given_name=self.given_name,
            family_name=self.family_name, birth_date=self.birth_date, sex=self.sex, phone=self.phone,
            email=self.email, version=self.version, created_at=self.created_at, updated_at=self.updated_at,
        )

    @classmethod
    def from_domain(cls, patient: Patient) -> PatientRow:
        """Return a new row for ``patient``."""
        return cls(
            id=patient.id, clinic_id=patient.clinic_id, version=patient.version,
            created_at=patient.created_at, updated_at=patient.updated_at,
            **{name: getattr(patient, name) for name in DEMOGRAPHICS},
        )
