"""Each reassessment's total per instrument, one short row each: what the outcome cohort reads.

A reassessment keeps its scores as a JSON document (``reassessments.scores``); the cohort read each
total out of it (``json_extract`` on SQLite, ``->`` on PostgreSQL) and joined it to the course's
baselines. With these rows it joins plain columns: measured at 100,000 courses (``benchmarks/analytics.py``,
README "Benchmarks") that saved 2-5 % of the question, less than expected; the rows are kept because
a course's totals are also what any per-course summary would be built from. The reassessment repository
writes them in the same transaction as the reassessment, and again when it is amended (migration 0016
fills them in for the reassessments stored before it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records.summaries import exact_total
from acupath.storage.tables.base import Base, Id, UtcDateTime


class ReassessmentTotalRow(Base):
    """One instrument's total of one reassessment (NULL when the stored score has no numeric total)."""

    __tablename__ = "reassessment_totals"
    __table_args__ = (
        # The cohort's two reads: a course's own reassessments, and a patient's with no plan.
        Index("ix_reassessment_totals_plan", "plan_id"),
        Index("ix_reassessment_totals_clinic_patient", "clinic_id", "patient_id"),
    )

    reassessment_id: Mapped[str] = mapped_column(ForeignKey("reassessments.id", ondelete="CASCADE"),
                                                 primary_key=True)
    instrument: Mapped[str] = mapped_column(String(64), primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    plan_id: Mapped[str | None] = mapped_column(Id, nullable=True)
    total: Mapped[float | None] = mapped_column(Float)
    assessed_on: Mapped[date] = mapped_column(Date)
    session_number: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Reassessed(Protocol):
    """What ``total_rows`` reads: a ``services.records.Reassessment``, or a row of ``reassessments``."""

    id: str
    clinic_id: str
    patient_id: str
    plan_id: str | None
    assessed_on: date
    session_number: int | None
    scores: dict[str, Any]
    recorded_at: datetime


def _number(value: Any) -> float | None:
    # As ``outcomes.progress`` reads a total (float(total)); a flag or text is no total.
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def total_rows(reassessment: Reassessed) -> list[dict[str, Any]]:
    """Return the ``reassessment_totals`` rows of ``reassessment``: one per scored instrument."""
    return [{"reassessment_id": reassessment.id, "instrument": instrument, "clinic_id": reassessment.clinic_id,
             "patient_id": reassessment.patient_id, "plan_id": reassessment.plan_id,
             "total": _number(exact_total(score) if isinstance(score, dict) else None),
             "assessed_on": reassessment.assessed_on, "session_number": reassessment.session_number,
             "recorded_at": reassessment.recorded_at}
            for instrument, score in sorted((reassessment.scores or {}).items())]
