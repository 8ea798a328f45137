"""The amendments of sessions, adverse events and reassessments: each row keeps a record as it was."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records import Amendment
from acupath.storage.tables.base import Author, Base, Document, Id, UtcDateTime


class AmendmentRow(Base):
    """One amendment: the record at ``version`` (``previous``), the reason, who and when (never changed)."""

    __tablename__ = "record_amendments"
    __table_args__ = (
        UniqueConstraint("record_type", "record_id", "version"),
        Index("ix_record_amendments_clinic_record", "clinic_id", "record_type", "record_id"),
        CheckConstraint("record_type IN ('session', 'adverse_event', 'reassessment')", name="record_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(Id)
    version: Mapped[int] = mapped_column(Integer)
    previous: Mapped[dict[str, Any]] = mapped_column(Document)
    reason: Mapped[str] = mapped_column(Text)
    amended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    amended_by: Mapped[str] = mapped_column(Author)

    def to_domain(self) -> Amendment:
        """Return the amendment."""
        return Amendment(clinic_id=self.clinic_id, record_type=self.record_type, record_id=self.record_id,
                         version=self.version, previous=self.previous, reason=self.reason,
                         amended_at=self.amended_at, amended_by=self.amended_by)

    @classmethod
    def from_domain(cls, a: Amendment) -> AmendmentRow:
        """Return a new row for the amendment ``a``."""
        return cls(clinic_id=a.clinic_id, record_type=a.record_type, record_id=a.record_id, version=a.version,
                   previous=a.previous, reason=a.reason, amended_at=a.amended_at, amended_by=a.amended_by)
