"""Narrow views of stored records, for the reads that need a few columns of many rows.

Progress reads the number, date and pain of every session of a plan, and the scores of every
reassessment; recording a session needs only the plan's status, patient and screening. Loading whole
records for these (every needled point, every answer, the plan document) was most of their cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, kw_only=True)
class PlanHead:
    """What a plan is, without its document and overrides: who it is for, its screening, status, version."""

    id: str
    patient_id: str
    screening_id: str
    status: str
    version: int


@dataclass(frozen=True, kw_only=True)
class SessionSummary:
    """A session's number, date and pain NRS before and after needling."""

    number: int
    session_date: date
    pain_before: int | None = None
    pain_after: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReassessmentSummary:
    """A reassessment's date, plan, session and the scores stored when it was recorded."""

    plan_id: str | None
    assessed_on: date
    session_number: int | None
    scores: dict[str, dict[str, Any]]
