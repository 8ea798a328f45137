"""The outcome cohort's narrow tables: each treatment course's facets, components and baselines.

A plan's document is ~14 kB of JSON (points with rationales, sessions, evidence sentences), so
PostgreSQL keeps it compressed out of line (TOAST) and SQLite parses it whole for every
``json_extract``: reading five fields of 100,000 plans that way costs seconds. The practice-evidence
questions (``acupath.analytics``) group courses by a handful of short values, so the plan repository
writes them here, in the same transaction as the plan, whenever a plan is added or amended
(migration 0015 fills them in for the plans stored before it). A referral is not a treatment course
and has no row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from acupath.services.records import PlanRecord
from acupath.storage.tables.base import Author, Base, Id

#: The plan document's status of a plan that treats (the others are referrals: ``planning.plan``).
TREATMENT = "planned"


class CourseFacetRow(Base):
    """One treatment course (plan): what the practice-evidence questions group and filter by."""

    __tablename__ = "course_facets"
    __table_args__ = (
        Index("ix_course_facets_clinic_start", "clinic_id", "started_on"),
        # The change triggers' lookup of a patient's courses (a reassessment with no plan; migration 0018).
        Index("ix_course_facets_clinic_patient", "clinic_id", "patient_id"),
    )

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    started_on: Mapped[date] = mapped_column(Date)
    condition: Mapped[str] = mapped_column(String(64))
    pattern: Mapped[str | None] = mapped_column(String(64))
    protocol_version: Mapped[str] = mapped_column(String(64))
    ea: Mapped[bool] = mapped_column(Boolean)
    ea_frequency: Mapped[str | None] = mapped_column(String(32))
    point_set: Mapped[str] = mapped_column(String(400))
    start_back: Mapped[str | None] = mapped_column(String(32))
    practitioner: Mapped[str] = mapped_column(Author)
    payer: Mapped[str] = mapped_column(String(32))
    planned_sessions: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))


class CourseComponentRow(Base):
    """A multimodal component of a course's plan (a course has several, or none)."""

    __tablename__ = "course_components"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    component: Mapped[str] = mapped_column(String(64), primary_key=True)


class CourseBaselineRow(Base):
    """A course's baseline on one instrument (the plan's ``baseline``: intake NRS and totals)."""

    __tablename__ = "course_baselines"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


def start_back_band(intake_scores: dict[str, Any] | None) -> str | None:
    """Return the STarT Back band id (low / medium / high) of an intake's scores, None when not screened."""
    band = ((intake_scores or {}).get("start_back") or {}).get("band") or {}
    return band.get("id")


def course_rows(plan: PlanRecord, start_back: str | None) -> tuple[dict[str, Any] | None, list[dict[str, Any]],
                                                                    list[dict[str, Any]]]:
    """Return the (facets, components, baselines) rows of ``plan``; facets is None for a referral.

    ``start_back`` is the band of the plan's intake (``start_back_band``). The protocol version is the
    knowledge base's version the plan was built from: it fixes the condition file's protocol.
    """
    document = plan.plan
    if document.get("status") != TREATMENT:
        return None, [], []
    starts = [p["starts"] for p in document.get("phases") or () if p.get("starts")]
    electro = document.get("electroacupuncture") or {}
    modality = document.get("modality") or {}
    facets = {
        "plan_id": plan.id, "clinic_id": plan.clinic_id, "patient_id": plan.patient_id,
        "started_on": date.fromisoformat(min(starts)) if starts else plan.created_at.date(),
        "condition": document["condition"], "pattern": document.get("pattern"),
        "protocol_version": plan.knowledge_version, "ea": modality.get("primary") == "electro",
        "ea_frequency": electro.get("frequency_hz") if modality.get("primary") == "electro" else None,
        "point_set": " ".join(sorted({p["code"] for p in document.get("points") or ()}))[:400],
        "start_back": start_back, "practitioner": plan.created_by, "payer": document.get("payer") or "unknown",
        "planned_sessions": len(document.get("sessions") or ()), "status": plan.status,
    }
    components = [{"plan_id": plan.id, "component": c}
                  for c in sorted({c["id"] for c in document.get("components") or ()})]
    baselines = [{"plan_id": plan.id, "instrument": name, "value": float(value)}
                 for name, value in sorted((document.get("baseline") or {}).items()) if value is not None]
    return facets, components, baselines
