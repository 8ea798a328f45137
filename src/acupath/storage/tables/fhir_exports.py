"""The FHIR Bulk Data exports (migration 0014): one row per ``$export`` request, from kick-off to expiry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.fhir_export_records import ExportJob, ExportLevel, ExportState
from acupath.storage.tables.base import Author, Base, Document, Id, UtcDateTime

_STATES = ", ".join(f"'{state.value}'" for state in ExportState)
_LEVELS = ", ".join(f"'{level.value}'" for level in ExportLevel)


class ExportJobRow(Base):
    """One bulk export of a clinic (its files are on disk, under the export directory, by its id)."""

    __tablename__ = "fhir_export_jobs"
    __table_args__ = (
        # A clinic's queued and running exports (one at a time per clinic), and the expired ones to purge.
        Index("ix_fhir_export_jobs_clinic_state", "clinic_id", "state"),
        Index("ix_fhir_export_jobs_expires_at", "expires_at"),
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        CheckConstraint(f"level IN ({_LEVELS})", name="level"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    requested_by: Mapped[str] = mapped_column(Author)
    level: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[str | None] = mapped_column(String(64))
    types: Mapped[list[str]] = mapped_column(Document)
    since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    request_url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    transaction_time: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    patients_done: Mapped[int] = mapped_column(Integer)
    output: Mapped[list[dict[str, Any]]] = mapped_column(Document)
    error: Mapped[str | None] = mapped_column(Text)

    #: The columns a running or finished export changes.
    CHANGING = ("state", "updated_at", "expires_at", "patients_done", "output", "error")

    def to_domain(self) -> ExportJob:
        """Return the export."""
        return ExportJob(
            id=self.id, clinic_id=self.clinic_id, requested_by=self.requested_by, level=ExportLevel(self.level),
            group_id=self.group_id, types=list(self.types), since=self.since, request_url=self.request_url,
            state=ExportState(self.state), transaction_time=self.transaction_time, updated_at=self.updated_at,
            expires_at=self.expires_at, patients_done=self.patients_done, output=list(self.output),
            error=self.error)

    @staticmethod
    def values_of(job: ExportJob) -> dict[str, Any]:
        """Return the column values of ``job``."""
        return dict(
            id=job.id, clinic_id=job.clinic_id, requested_by=job.requested_by, level=job.level.value,
            group_id=job.group_id, types=list(job.types), since=job.since, request_url=job.request_url,
            state=job.state.value, transaction_time=job.transaction_time, updated_at=job.updated_at,
            expires_at=job.expires_at, patients_done=job.patients_done, output=list(job.output), error=job.error)
