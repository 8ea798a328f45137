"""The outcome cohort: one row per treatment course (plan), built by one SQL query on SQLite and PostgreSQL.

What a row holds, and where it comes from:

- the course's facets (``storage.tables.course_facets``, written with the plan): condition, pattern,
  protocol version, EA and its frequency, point set, STarT Back band, practitioner, payer;
- every measurement of the course, as ``outcomes.evaluate`` reads them: the pain NRS before each
  session, and each reassessment's stored totals (``storage.tables.reassessment_totals``, written with
  the reassessment and its amendments, not read out of the scores' JSON; reassessments tied to the plan
  or to no plan, at
  their session number, else at the last session given by their date: ``services.progress.session_of``);
- at the target session (``at_session``, default: the latest), each instrument's measurement at or
  before it that ``outcomes.progress`` takes (the last reassessment by date; for the pain NRS, the
  last session's rating when that session is later than the reassessment) against the course's baseline, decided by the domain's MCID rule
  (``responder_sql``); the course responds when any instrument reached its MCID (``outcomes.progress``:
  ``responder`` is None when nothing with an MCID was measured: no follow-up);
- the first session at which a measurement reached the MCID (time to response);
- sessions given, the last session's number, attendance (sessions given / the last one's number: a
  missed appointment skips a number) and the adverse events recorded against the course's sessions.

A course without follow-up is a row with ``responder`` None: never dropped. What ``evaluate`` does that
the cohort does not: it leaves out a questionnaire given again before its recall period passed (an
alert on the progress page); the cohort counts it.

Where the SQL is: ``analytics.course_sql`` derives every course from its sessions and reassessments
(``course_sql``: the questions at a given session); at the latest measurement (the default) the
questions and ``cohort`` read each course's stored outcome instead (``analytics.outcome_table``:
``course_outcomes``, refreshed from the same SQL where a trigger counted a change since).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from acupath.analytics.course_sql import CohortFilter
from acupath.analytics.outcome_table import courses_sql
from acupath.knowledge import KnowledgeBase

__all__ = ["CohortFilter", "Course", "clinic_ids", "cohort", "filter_choices"]


@dataclass(frozen=True)
class Course:
    """One treatment course of the cohort (see the module docstring for each value's source).

    ``responder`` is True / False at the target session, None without follow-up; ``pain_improvement``
    is baseline minus follow-up on the pain NRS (None without a follow-up NRS); ``first_response`` is
    the session number of the first MCID reached (None if never); ``attendance`` is None before any session.
    """

    plan_id: str
    started_on: date
    status: str
    condition: str
    pattern: str
    protocol_version: str
    ea: str
    ea_frequency: str
    point_set: str
    start_back: str
    practitioner: str
    payer: str
    components: tuple[str, ...]
    planned_sessions: int
    sessions_given: int
    last_session: int
    attendance: float | None
    adverse_events: int
    pain_baseline: float | None
    pain_followup: float | None
    pain_improvement: float | None
    responder: bool | None
    first_response: int | None

    @property
    def followed_up(self) -> bool:
        """True when the course was measured on an instrument with an MCID after baseline."""
        return self.responder is not None


def cohort(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter, *,
           at_session: int | None = None) -> list[Course]:
    """Return every treatment course of ``where`` as a ``Course``, oldest first (then by plan id).

    ``connection`` is a SQLAlchemy connection or session of the clinic's database; ``at_session``
    judges the outcome at that session (default: the latest measurement). Raises what the database raises.
    """
    sql, params = courses_sql(connection, kb, where, at_session, first_response=True)
    components: dict[str, list[str]] = {}
    for plan_id, component in connection.execute(text(
            "SELECT cc.plan_id, cc.component FROM course_components cc JOIN course_facets f ON f.plan_id = cc.plan_id "
            "WHERE f.clinic_id = :clinic_id ORDER BY cc.component"), {"clinic_id": where.clinic_id}):
        components.setdefault(plan_id, []).append(component)
    rows = connection.execute(text(sql + " ORDER BY f.started_on, f.plan_id"), params).mappings()
    return [_course(row, tuple(components.get(row["plan_id"], ()))) for row in rows]


def _course(row: Any, components: tuple[str, ...]) -> Course:
    given, last = int(row["sessions_given"]), int(row["last_session"])
    started = row["started_on"]
    return Course(
        plan_id=row["plan_id"], started_on=started if isinstance(started, date) else date.fromisoformat(started),
        status=row["status"], condition=row["condition"], pattern=row["pattern"],
        protocol_version=row["protocol_version"], ea=row["ea"], ea_frequency=row["ea_frequency"],
        point_set=row["point_set"], start_back=row["start_back"], practitioner=row["practitioner"],
        payer=row["payer"], components=components, planned_sessions=int(row["planned_sessions"]),
        sessions_given=given, last_session=last, attendance=given / last if last else None,
        adverse_events=int(row["adverse_events"]), pain_baseline=row["pain_baseline"],
        pain_followup=row["pain_followup"], pain_improvement=row["pain_improvement"],
        responder=None if row["responder"] is None else bool(row["responder"]),
        first_response=row["first_response"],
    )


def clinic_ids(connection: Connection | Session) -> dict[str, str]:
    """Return the database's clinics, id -> name (the command line asks for one when there are several)."""
    return {row[0]: row[1] for row in connection.execute(text("SELECT id, name FROM clinics ORDER BY name, id"))}


def filter_choices(connection: Connection | Session, clinic_id: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Return the clinic's course conditions and practitioners ((user id, name)), for a page's filters."""
    conditions = [row[0] for row in connection.execute(text(
        "SELECT DISTINCT condition FROM course_facets WHERE clinic_id = :clinic_id ORDER BY condition"),
        {"clinic_id": clinic_id})]
    practitioners = [(row[0], row[1]) for row in connection.execute(text(
        "SELECT DISTINCT f.practitioner, COALESCE(u.name, f.practitioner) FROM course_facets f "
        "LEFT JOIN users u ON u.id = f.practitioner WHERE f.clinic_id = :clinic_id ORDER BY 2"),
        {"clinic_id": clinic_id})]
    return conditions, practitioners
