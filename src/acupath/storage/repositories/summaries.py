"""Narrow views of stored rows (``services.records.summaries``), alone or read together in one round trip.

The repositories read each view on its own; ``plan_course`` and ``plan_at_session`` read the views a
use case needs together (``Transaction.read_together``: one pipeline on PostgreSQL), which the SQL
unit of work answers ``AbstractUnitOfWork.plan_course`` and ``plan_at_session`` with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from acupath.services.records import ScreeningRecord
from acupath.services.records.summaries import (
    PlanAtSession,
    PlanCourse,
    PlanHead,
    ReassessmentSummary,
    SessionSummary,
)
from acupath.storage.repositories import statements
from acupath.storage.repositories.base import Transaction
from acupath.storage.repositories.documents import stored_totals

Row = tuple[Any, ...]


def plan_head(plan_id: str, rows: Sequence[Row]) -> PlanHead | None:
    """Return the head of the plan from ``PLAN_HEAD``'s rows, or None when there are none."""
    return _head(plan_id, rows[0]) if rows else None


def _head(plan_id: str, row: Row) -> PlanHead:
    patient_id, screening_id, status, version = row[:4]
    return PlanHead(id=plan_id, patient_id=patient_id, screening_id=screening_id, status=status, version=version)


def session_summaries(rows: Sequence[Row]) -> list[SessionSummary]:
    """Return the sessions of ``SESSION_SUMMARIES``'s rows."""
    return [SessionSummary(number=n, session_date=d, pain_before=b, pain_after=a) for n, d, b, a in rows]


def next_session_number(rows: Sequence[Row]) -> int:
    """Return one more than ``LAST_SESSION_NUMBER``'s answer (1 for a plan without sessions)."""
    last = rows[0][0] if rows else None
    return (last or 0) + 1


def reassessment_summaries(rows: Sequence[Row]) -> list[ReassessmentSummary]:
    """Return the reassessments of ``REASSESSMENT_SUMMARIES``'s rows (their stored totals, not rescored)."""
    return [ReassessmentSummary(plan_id=p, assessed_on=d, session_number=n, totals=stored_totals(text))
            for p, d, n, text in rows]


def screening(rows: Sequence[Row]) -> ScreeningRecord | None:
    """Return the screening of ``SCREENING``'s rows, or None when there are none."""
    return ScreeningRecord(**dict(zip(statements.SCREENING.columns, rows[0], strict=True))) if rows else None


def plan_course(transaction: Transaction, clinic_id: str, plan_id: str) -> PlanCourse | None:
    """Return the clinic's plan with its sessions and its patient's reassessments, read together; or None."""
    where = {"clinic_id": clinic_id, "plan_id": plan_id}
    heads, sessions, reassessments = transaction.read_together([
        (statements.PLAN_HEAD, where), (statements.SESSION_SUMMARIES, where),
        (statements.REASSESSMENT_SUMMARIES_OF_PLAN, where)])
    head = plan_head(plan_id, heads)
    if head is None:
        return None
    return PlanCourse(head=head, sessions=session_summaries(sessions),
                      reassessments=reassessment_summaries(reassessments))


def plan_at_session(transaction: Transaction, clinic_id: str, plan_id: str) -> PlanAtSession | None:
    """Return the clinic's plan with its screening and next session number, read in one statement; or None."""
    (rows,) = transaction.read_together([(statements.PLAN_AT_SESSION, {"clinic_id": clinic_id, "plan_id": plan_id})])
    if not rows:
        return None
    row = rows[0]
    screening_of = row[4:-2]  # NULLs when the plan's screening is missing
    return PlanAtSession(head=_head(plan_id, row),
                         screening=screening([screening_of]) if screening_of[0] is not None else None,
                         next_number=next_session_number([row[-1:]]), latest_screening_id=row[-2])
