"""The audit log table: append-only, one row per audited read or write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records import AuditEntry, Outcome
from acupath.storage.tables.base import Base, UtcDateTime


class AuditRow(Base):
    """Who did what to which record, when, from where, and how it ended.

    No foreign keys: the log must keep entries about ids that do not exist (denied or not-found
    attempts) and must never block or lose a write of the records it describes.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_clinic_at", "clinic_id", "at"),
        Index("ix_audit_log_patient", "patient_id"),
    )

    # BIGINT on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    clinic_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(64))
    patient_id: Mapped[str | None] = mapped_column(String(64))
    remote_address: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)

    def to_domain(self) -> AuditEntry:
        """Return the audit entry."""
        return AuditEntry(id=self.id, at=self.at, clinic_id=self.clinic_id, user_id=self.user_id,
                          action=self.action, record_type=self.record_type, record_id=self.record_id,
                          patient_id=self.patient_id, remote_address=self.remote_address,
                          outcome=Outcome(self.outcome), detail=self.detail)

    @classmethod
    def from_domain(cls, e: AuditEntry) -> AuditRow:
        """Return a new row for the entry ``e``."""
        return cls(**cls.values_of(e))

    @staticmethod
    def values_of(e: AuditEntry) -> dict[str, Any]:
        """Return the column values of a new row for the entry ``e`` (its id is the database's)."""
        return {"at": e.at, "clinic_id": e.clinic_id, "user_id": e.user_id[:254], "action": e.action,
                "record_type": e.record_type, "record_id": e.record_id, "patient_id": e.patient_id,
                "remote_address": e.remote_address[:64], "outcome": e.outcome.value, "detail": e.detail}
