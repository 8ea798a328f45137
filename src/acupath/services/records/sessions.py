"""What was done at a session, in the STRICTA 2010 items, and adverse events.

STRICTA: MacPherson H et al. PLoS Med 2010;7(6):e1000261, Table 1 (items 1a-5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(kw_only=True)
class NeedlePoint:
    """One needled point (STRICTA 2b-2d): code, side, depth with its unit, response sought."""

    code: str
    side: str  # left, right, bilateral, midline
    depth: float | None = None
    unit: str | None = None  # cun, mm, tissue
    response_sought: str | None = None  # de_qi, muscle_twitch, none
    response_obtained: bool | None = None


@dataclass(frozen=True)
class Electrode:
    """One end of an electroacupuncture circuit: the needled point and the side it is on.

    ``side`` is left, right or midline; None only in sessions recorded before sides were kept
    (migration 0002 could not tell), which safety then reads as "either side" (the worst case).
    """

    code: str
    side: str | None


@dataclass(kw_only=True)
class Stimulation:
    """Needle stimulation (STRICTA 2e): manual, or electroacupuncture with its parameters."""

    kind: str  # manual, electro
    frequency_hz: float | None = None
    intensity_ma: float | None = None
    pulse_width_ms: float | None = None
    waveform: str | None = None  # continuous, dense_disperse, intermittent
    minutes: int | None = None
    electrode_pairs: list[tuple[Electrode, Electrode]] = field(default_factory=list)


@dataclass(kw_only=True)
class NeedleType:
    """Needle type (STRICTA 2g): diameter (or gauge), length, material and manufacturer."""

    diameter_mm: float | None = None
    gauge: str | None = None
    length_mm: float | None = None
    material: str | None = None
    manufacturer: str | None = None


@dataclass(kw_only=True)
class SessionRecord:
    """One treatment session as delivered.

    ``overrides`` are ``{"finding", "reason"}`` pairs a clinician gave for needling despite a finding;
    ``number`` is the session's place in the plan (STRICTA 3a).
    """

    id: str
    clinic_id: str
    patient_id: str
    plan_id: str
    number: int
    session_date: date
    practitioner_id: str
    style: str  # STRICTA 1a
    rationale: str  # STRICTA 1b
    individualisation: str = "semi_standardised"  # STRICTA 1c
    points: list[NeedlePoint] = field(default_factory=list)
    stimulation: Stimulation
    retention_minutes: int | None = None
    #: The practitioner's personal one-on-one time with the patient, in minutes (None: not recorded; sessions
    #: before migration 0013 have none). The CPT add-on units of the superbill count it.
    face_to_face_minutes: int | None = None
    needle: NeedleType = field(default_factory=NeedleType)
    co_interventions: list[str] = field(default_factory=list)  # STRICTA 4a
    pain_before: int | None = None
    pain_after: int | None = None
    notes: str = ""
    overrides: list[dict[str, Any]] = field(default_factory=list)
    recorded_at: datetime
    recorded_by: str
    version: int = 1  # rises by one on every amendment (``services.amendments``); a stale one gets 409


@dataclass(kw_only=True)
class AdverseEvent:
    """An adverse event: what happened, how bad, how it ended, and the session it followed (if any)."""

    id: str
    clinic_id: str
    patient_id: str
    session_id: str | None = None
    occurred_on: date
    type: str
    severity: str  # mild, moderate, severe
    outcome: str  # resolved, ongoing, referred, unknown
    description: str = ""
    recorded_at: datetime
    recorded_by: str
    version: int = 1  # rises by one on every amendment; a stale one gets 409
