"""Narrow views of stored records, for the reads that need a few columns of many rows.

Progress reads the number, date and pain of every session of a plan, and the scores of every
reassessment; recording a session needs only the plan's status, patient and screening. Loading whole
records for these (every needled point, every answer, the plan document) was most of their cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from acupath.services.records.clinical import ScreeningRecord


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
    """A reassessment's date, plan, session and the total of each questionnaire as stored when recorded."""

    plan_id: str | None
    assessed_on: date
    session_number: int | None
    #: (instrument id, total score or None) in the stored order.
    totals: tuple[tuple[str, Any], ...]
    #: (instrument id, flag) the stored scores raised (PHQ-9 item 9 above 0): progress asks for safety
    #: follow-up whatever the totals (instruments.md §11).
    flags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class PlanCourse:
    """What progress reads of a plan: its head, its sessions by number, every reassessment of its patient.

    The reassessments are the patient's, by date, whatever plan they name (progress keeps those of
    this plan and those tied to none).
    """

    head: PlanHead
    sessions: list[SessionSummary]
    reassessments: list[ReassessmentSummary]


@dataclass(frozen=True, kw_only=True)
class PlanAtSession:
    """What recording a session under a plan reads: the plan's head, its screening, its next session number.

    ``latest_screening_id`` is the patient's latest screening (None for none): when it is not the
    plan's, a screening made since (a new intake) is the one in force.
    """

    head: PlanHead
    screening: ScreeningRecord | None
    next_number: int
    latest_screening_id: str | None = None


def exact_total(score: dict[str, Any]) -> Any:
    """Return a stored score's total at full precision (``total_exact``), else its displayed ``total``
    (scores stored before the exact total was kept)."""
    return score["total_exact"] if "total_exact" in score else score.get("total")


def totals_of(scores: dict[str, dict[str, Any]]) -> tuple[tuple[str, Any], ...]:
    """Return each instrument's total of a reassessment's stored scores, at full precision where it was
    stored (``exact_total``); None where it has none."""
    return tuple((instrument, exact_total(score)) for instrument, score in scores.items())


def flags_of(scores: dict[str, dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """Return the (instrument, flag) pairs of a reassessment's stored scores, in the stored order."""
    return tuple((instrument, str(flag)) for instrument, score in scores.items() for flag in score.get("flags") or ())
