"""Tables of treatment sessions (STRICTA 2010 items, one row per needled point) and adverse events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from acupath.services.records import (
    AdverseEvent,
    Electrode,
    NeedlePoint,
    NeedleType,
    SessionRecord,
    Stimulation,
)
from acupath.storage.tables.base import Author, Base, Document, Id, UtcDateTime
from acupath.storage.tables.clinical import of_patient


def _electrode(document: dict[str, Any]) -> Electrode:
    return Electrode(code=document["code"], side=document.get("side"))


def _document(electrode: Electrode) -> dict[str, Any]:
    # Stored as {code, side} objects (migration 0002); one pair is a list of two electrodes.
    return {"code": electrode.code, "side": electrode.side}


class SessionPointRow(Base):
    """One needled point of a session (STRICTA 2b-2d), kept as a row so analytics can count points."""

    __tablename__ = "session_points"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("session_records.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))  # not indexed: see migration 0003
    side: Mapped[str] = mapped_column(String(16))
    depth: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    response_sought: Mapped[str | None] = mapped_column(String(32))
    response_obtained: Mapped[bool | None] = mapped_column(Boolean)

    def to_domain(self) -> NeedlePoint:
        """Return the needled point."""
        return NeedlePoint(code=self.code, side=self.side, depth=self.depth, unit=self.unit,
                           response_sought=self.response_sought, response_obtained=self.response_obtained)

    @classmethod
    def from_domain(cls, point: NeedlePoint, position: int) -> SessionPointRow:
        """Return a new row for ``point`` at ``position`` in the session's list."""
        return cls(**cls.values_of(point, position))

    @staticmethod
    def values_of(point: NeedlePoint, position: int) -> dict[str, Any]:
        """Return the column values of ``point`` at ``position`` (without its id and session id)."""
        return {"position": position, "code": point.code, "side": point.side, "depth": point.depth,
                "unit": point.unit, "response_sought": point.response_sought,
                "response_obtained": point.response_obtained}


class SessionRow(Base):
    """One treatment session as delivered; the plan numbers its sessions uniquely."""

    __tablename__ = "session_records"
    __table_args__ = (
        # The schedule's order, so a page of it after a cursor reads only the page (migration 0005).
        *of_patient("session_records", "session_date", "number", "id"),
        UniqueConstraint("plan_id", "number"),
        CheckConstraint("pain_before IS NULL OR pain_before BETWEEN 0 AND 10", name="pain_before"),
        CheckConstraint("pain_after IS NULL OR pain_after BETWEEN 0 AND 10", name="pain_after"),
        CheckConstraint("stimulation_kind IN ('manual', 'electro')", name="stimulation_kind"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    # Looked up through the unique (plan_id, number) index, which also gives a plan's sessions in order.
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    number: Mapped[int] = mapped_column(Integer)
    session_date: Mapped[date] = mapped_column(Date)
    practitioner_id: Mapped[str] = mapped_column(Author)
    style: Mapped[str] = mapped_column(String(32))
    rationale: Mapped[str] = mapped_column(Text)
    individualisation: Mapped[str] = mapped_column(String(32))
    stimulation_kind: Mapped[str] = mapped_column(String(16))
    ea_frequency_hz: Mapped[float | None] = mapped_column(Float)
    ea_intensity_ma: Mapped[float | None] = mapped_column(Float)
    ea_pulse_width_ms: Mapped[float | None] = mapped_column(Float)
    ea_waveform: Mapped[str | None] = mapped_column(String(32))
    ea_minutes: Mapped[int | None] = mapped_column(Integer)
    ea_electrode_pairs: Mapped[list[Any]] = mapped_column(Document)
    retention_minutes: Mapped[int | None] = mapped_column(Integer)
    face_to_face_minutes: Mapped[int | None] = mapped_column(Integer)  # migration 0013
    needle_diameter_mm: Mapped[float | None] = mapped_column(Float)
    needle_gauge: Mapped[str | None] = mapped_column(String(16))
    needle_length_mm: Mapped[float | None] = mapped_column(Float)
    needle_material: Mapped[str | None] = mapped_column(String(64))
    needle_manufacturer: Mapped[str | None] = mapped_column(String(100))
    co_interventions: Mapped[list[str]] = mapped_column(Document)
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text)
    overrides: Mapped[list[dict[str, Any]]] = mapped_column(Document)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(Author)
    # Rises on every amendment (migration 0004); the rows before each are in ``record_amendments``.
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    points: Mapped[list[SessionPointRow]] = relationship(
        order_by=SessionPointRow.position, lazy="selectin", cascade="all, delete-orphan"
    )

    def to_domain(self) -> SessionRecord:
        """Return the session record."""
        return SessionRecord(
            id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id, plan_id=self.plan_id,
            number=self.number, session_date=self.session_date, practitioner_id=self.practitioner_id,
            style=self.style, rationale=self.rationale, individualisation=self.individualisation,
            points=[p.to_domain() for p in self.points],
            stimulation=Stimulation(
                kind=self.stimulation_kind, frequency_hz=self.ea_frequency_hz, intensity_ma=self.ea_intensity_ma,
                pulse_width_ms=self.ea_pulse_width_ms, waveform=self.ea_waveform, minutes=self.ea_minutes,
                electrode_pairs=[(_electrode(a), _electrode(b)) for a, b in self.ea_electrode_pairs],
            ),
            retention_minutes=self.retention_minutes, face_to_face_minutes=self.face_to_face_minutes,
            needle=NeedleType(diameter_mm=self.needle_diameter_mm, gauge=self.needle_gauge,
                              length_mm=self.needle_length_mm, material=self.needle_material,
                              manufacturer=self.needle_manufacturer),
            co_interventions=list(self.co_interventions), pain_before=self.pain_before,
            pain_after=self.pain_after, notes=self.notes, overrides=list(self.overrides),
            recorded_at=self.recorded_at, recorded_by=self.recorded_by, version=self.version,
        )

    @classmethod
    def from_domain(cls, s: SessionRecord) -> SessionRow:
        """Return a new row for the session ``s`` with its points."""
        return cls(**cls.values_of(s), points=[SessionPointRow.from_domain(p, i) for i, p in enumerate(s.points)])

    @staticmethod
    def values_of(s: SessionRecord) -> dict[str, Any]:
        """Return the column values of the session ``s`` (its points are rows of ``session_points``)."""
        return dict(
            id=s.id, clinic_id=s.clinic_id, patient_id=s.patient_id, plan_id=s.plan_id, number=s.number,
            session_date=s.session_date, practitioner_id=s.practitioner_id, style=s.style,
            rationale=s.rationale, individualisation=s.individualisation,
            stimulation_kind=s.stimulation.kind, ea_frequency_hz=s.stimulation.frequency_hz,
            ea_intensity_ma=s.stimulation.intensity_ma, ea_pulse_width_ms=s.stimulation.pulse_width_ms,
            ea_waveform=s.stimulation.waveform, ea_minutes=s.stimulation.minutes,
            ea_electrode_pairs=[[_document(a), _document(b)] for a, b in s.stimulation.electrode_pairs],
            retention_minutes=s.retention_minutes, face_to_face_minutes=s.face_to_face_minutes,
            needle_diameter_mm=s.needle.diameter_mm,
            needle_gauge=s.needle.gauge, needle_length_mm=s.needle.length_mm,
            needle_material=s.needle.material, needle_manufacturer=s.needle.manufacturer,
            co_interventions=list(s.co_interventions), pain_before=s.pain_before, pain_after=s.pain_after,
            notes=s.notes, overrides=list(s.overrides), recorded_at=s.recorded_at, recorded_by=s.recorded_by,
            version=s.version,
        )


class AdverseEventRow(Base):
    """An adverse event, optionally tied to the session it followed."""

    __tablename__ = "adverse_events"
    __table_args__ = (
        *of_patient("adverse_events"),
        CheckConstraint("severity IN ('mild', 'moderate', 'severe')", name="severity"),
    )

    id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(ForeignKey("clinics.id"))
    patient_id: Mapped[str] = mapped_column(Id)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("session_records.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(Author)
    version: Mapped[int] = mapped_column(Integer, server_default="1")  # migration 0004

    def to_domain(self) -> AdverseEvent:
        """Return the adverse event."""
        return AdverseEvent(id=self.id, clinic_id=self.clinic_id, patient_id=self.patient_id,
                            session_id=self.session_id, occurred_on=self.occurred_on, type=self.type,
                            severity=self.severity, outcome=self.outcome, description=self.description,
                            recorded_at=self.recorded_at, recorded_by=self.recorded_by, version=self.version)

    @classmethod
    def from_domain(cls, e: AdverseEvent) -> AdverseEventRow:
        """Return a new row for the event ``e``."""
        return cls(id=e.id, clinic_id=e.clinic_id, patient_id=e.patient_id, session_id=e.session_id,
                   occurred_on=e.occurred_on, type=e.type, severity=e.severity, outcome=e.outcome,
                   description=e.description, recorded_at=e.recorded_at, recorded_by=e.recorded_by,
                   version=e.version)
