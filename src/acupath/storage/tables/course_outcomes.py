"""Each treatment course's outcome at its latest measurement, and the change counter that says when it is stale.

The practice-evidence questions at the latest measurement (the default: ``at_session`` None) read
``course_outcomes``, one narrow row per course, instead of deriving every course from its sessions and
reassessments at every question (``analytics.cohort``: 1.9 s on PostgreSQL at 100,000 courses; README
"Benchmarks"). A row is never trusted by age, only by version:

- ``course_changes`` holds a counter per course (plan). Database triggers (migration 0018) add one to it
  in the transaction of every insert, update and delete of what a course's outcome is derived from:
  its session records, its reassessment totals (a total with no plan: every course of the patient in the
  clinic), the adverse events of its sessions, its baselines. Triggers, not repository calls, so that
  no write path (API, web, FHIR import, demo loader, a bulk COPY, an administrator's SQL) is missed.
  A course without a row has changed zero times (version 0).
- ``course_outcomes`` holds what ``analytics.cohort`` derived for a course, the counter's ``version``
  it read in the same statement, and ``computed_by`` (the cohort's rules and the knowledge base's
  version: a new MCID or a changed rule makes every row stale). A row is fresh when both equal the
  current ones; ``analytics.outcome_table.refresh`` rewrites the missing and stale rows before a question.

Why a counter and not "delete the row on change": under PostgreSQL's READ COMMITTED a refresh reading an
older snapshot could write back a row a concurrent writer had just deleted; with the counter, the row
carries the version its values were read at, so a concurrent change leaves it visibly stale.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from acupath.storage.tables.base import Base, Id


class CourseChangeRow(Base):
    """How many times what a course's outcome is derived from has changed (written by triggers only).

    No foreign key to ``plans``: a trigger may count a change of a plan being deleted in the same statement.
    """

    __tablename__ = "course_changes"

    plan_id: Mapped[str] = mapped_column(Id, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class CourseOutcomeRow(Base):
    """One course's outcome at its latest measurement, as ``analytics.cohort.course_sql`` derives it.

    ``responder`` is 1 / 0, NULL without follow-up; ``first_response`` the session of the first MCID
    reached (NULL if never); the pain values NULL without an NRS baseline or follow-up.

    No foreign keys: a row written by a refresh would hold a KEY SHARE lock on its plan until the
    question's transaction ends, and recording a session locks the plan FOR UPDATE, so every session
    of a refreshed course would wait for the question. A row whose plan is gone is never read (the
    questions join ``course_facets``).
    """

    __tablename__ = "course_outcomes"

    plan_id: Mapped[str] = mapped_column(Id, primary_key=True)
    clinic_id: Mapped[str] = mapped_column(Id)
    version: Mapped[int] = mapped_column(Integer)
    computed_by: Mapped[str] = mapped_column(String(64))
    sessions_given: Mapped[int] = mapped_column(Integer)
    last_session: Mapped[int] = mapped_column(Integer)
    adverse_events: Mapped[int] = mapped_column(Integer)
    pain_baseline: Mapped[float | None] = mapped_column(Float)
    pain_followup: Mapped[float | None] = mapped_column(Float)
    pain_improvement: Mapped[float | None] = mapped_column(Float)
    responder: Mapped[int | None] = mapped_column(Integer)
    first_response: Mapped[int | None] = mapped_column(Integer)
