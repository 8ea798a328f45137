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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from acupath.analytics.responder_sql import improvement_sql, reached_sql
from acupath.knowledge import KnowledgeBase
from acupath.validation import MAX_SESSION_NUMBER

#: The instrument every course is measured on at every session (the IMMPACT core outcome, pain intensity).
PAIN = "nrs"
#: Above the largest pain NRS (10, ``session_records``' CHECK): session number and pain as one orderable key.
PAIN_KEY = 16


@dataclass(frozen=True)
class CohortFilter:
    """Which courses: one clinic's, started between ``start`` and ``end`` (inclusive), optionally of one
    condition and one practitioner (the user id of the plan's author)."""

    clinic_id: str
    start: date | None = None
    end: date | None = None
    condition: str | None = None
    practitioner: str | None = None


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


#: PostgreSQL's memory for each sort and hash of the cohort query, for this transaction only (SET LOCAL):
#: with the default 4 MB the window over a million measurements spills to disk
#: (shared/reference/stack.md, "Analytics at scale"; ``benchmarks/analytics.py`` measures it).
WORK_MEM = "128MB"


def _dialect(connection: Connection | Session) -> str:
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    return bind.dialect.name


def prepare(connection: Connection | Session) -> str:
    """Set the cohort query's memory and no JIT on PostgreSQL (this transaction only); return the dialect."""
    dialect = _dialect(connection)
    if dialect == "postgresql":
        connection.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
        # The planner's row estimates of the CTEs are far off, so the query looks expensive enough for
        # JIT compilation, which took 8.3 s of a 8.7 s run at 20,000 courses (EXPLAIN ANALYZE: "JIT ...
        # Optimization 4352 ms, Emission 3225 ms"); without it the same query runs in under a second.
        connection.execute(text("SET LOCAL jit = off"))
    return dialect


def course_sql(kb: KnowledgeBase, dialect: str, where: CohortFilter, *, first_response: bool = False
               ) -> tuple[str, dict[str, Any]]:
    """Return the per-course SQL and its parameters (``at_session`` is bound by the caller).

    Its columns: plan_id, started_on, status, the facets (``facets.FACETS`` but ``component``),
    planned_sessions, sessions_given, last_session, adverse_events, pain_baseline, pain_followup,
    pain_improvement, responder (1/0/NULL), first_response (NULL unless ``first_response``: it reads
    every session's NRS against the baseline, which only time to response needs).

    How it stays fast (``benchmarks/analytics.py``): the clinic's sessions are read once, in one pass
    grouped by plan, which gives the count, the last number and, as one maximum, the last session at
    or before the target with an NRS together with that NRS (``number * PAIN_KEY + pain``: the NRS is
    0-10, a CHECK of the table, so the key orders by number and keeps the pain in its remainder): no
    session is read twice. The window ranks only reassessments. A reassessment's NRS wins over the
    sessions' ratings up to its own session, as in ``outcomes.progress`` (``outcome``). No index of its own: PostgreSQL reads
    the clinic's sessions by a sequential scan and a hash aggregate whatever the index (EXPLAIN), and
    a covering index (clinic, plan, number, pain) saved SQLite about 15 % of the query at 20,000 courses,
    not worth a fourth index written with every session.
    """
    filters, params = ["f.clinic_id = :clinic_id"], {"clinic_id": where.clinic_id}
    for column, op, value in (("started_on", ">=", where.start), ("started_on", "<=", where.end),
                              ("condition", "=", where.condition), ("practitioner", "=", where.practitioner)):
        if value is not None:
            name = f"{column}_{len(params)}"
            filters.append(f"f.{column} {op} :{name}")
            params[name] = value
    reached = reached_sql(kb, "m.instrument", "b.value", "m.value")
    judged = reached_sql(kb, "m.instrument", "m.baseline", "m.value")
    improvement = improvement_sql(kb, PAIN, "o.pain_baseline", "o.pain_followup")
    remeasure = """
    SELECT c.plan_id, r.instrument, r.assessed_on AS taken_on, r.recorded_at,
           COALESCE(r.session_number,
                    (SELECT MAX(s2.number) FROM session_records s2
                     WHERE s2.plan_id = c.plan_id AND s2.session_date <= r.assessed_on), 0) AS session,
           r.total AS value
    FROM course c JOIN reassessment_totals r ON {join}
    JOIN course_baselines b ON b.plan_id = c.plan_id AND b.instrument = r.instrument"""
    first = f""",
first_response AS (
  SELECT m.plan_id, MIN(m.session) AS session FROM (
    SELECT s.plan_id, '{PAIN}' AS instrument, s.number AS session, CAST(s.pain_before AS FLOAT) AS value
    FROM session_records s WHERE s.clinic_id = :clinic_id AND s.pain_before IS NOT NULL
    UNION ALL
    SELECT q.plan_id, q.instrument, q.session, q.value FROM remeasured q
  ) m JOIN course_baselines b ON b.plan_id = m.plan_id AND b.instrument = m.instrument
  WHERE {reached} = 1 GROUP BY m.plan_id
)""" if first_response else ""
    sql = f"""
WITH course AS (
  SELECT f.plan_id, f.patient_id FROM course_facets f WHERE {' AND '.join(filters)}
),
given AS (
  SELECT s.plan_id, COUNT(*) AS sessions_given, MAX(s.number) AS last_session,
         MAX(CASE WHEN s.pain_before IS NOT NULL AND s.number <= :at_session
                  THEN s.number * {PAIN_KEY} + s.pain_before END) AS pain_key
  FROM session_records s WHERE s.clinic_id = :clinic_id GROUP BY s.plan_id
),
remeasured AS (
  SELECT q.plan_id, q.instrument, q.taken_on, q.recorded_at, q.session, q.value FROM (
    {remeasure.format(join="r.plan_id = c.plan_id")}
    UNION ALL
    {remeasure.format(join="r.clinic_id = :clinic_id AND r.patient_id = c.patient_id AND r.plan_id IS NULL")}
  ) q WHERE q.value IS NOT NULL
),
reassessed AS (
  SELECT q.plan_id, q.instrument, q.session, q.value FROM (
    SELECT m.plan_id, m.instrument, m.session, m.value,
           ROW_NUMBER() OVER (PARTITION BY m.plan_id, m.instrument ORDER BY m.taken_on DESC, m.recorded_at DESC) AS rank
    FROM remeasured m WHERE m.session <= :at_session
  ) q WHERE q.rank = 1
),
outcome AS (
  SELECT m.plan_id, MAX({judged}) AS responder,
         MAX(CASE WHEN m.instrument = '{PAIN}' THEN m.baseline END) AS pain_baseline,
         MAX(CASE WHEN m.instrument = '{PAIN}' THEN m.value END) AS pain_followup
  FROM (
    -- Each baseline's follow-up: the last reassessment's total; for the pain NRS, the last session's
    -- rating when it is later than that reassessment (outcomes.progress: the latest measurement).
    SELECT b.plan_id, b.instrument, b.value AS baseline,
           CASE WHEN b.instrument = '{PAIN}' AND g.pain_key IS NOT NULL
                     AND (x.value IS NULL OR x.session < g.pain_key / {PAIN_KEY})
                THEN CAST(g.pain_key % {PAIN_KEY} AS FLOAT) ELSE x.value END AS value
    FROM course c JOIN course_baselines b ON b.plan_id = c.plan_id
    LEFT JOIN reassessed x ON x.plan_id = b.plan_id AND x.instrument = b.instrument
    LEFT JOIN given g ON g.plan_id = b.plan_id
  ) m
  WHERE m.value IS NOT NULL
  GROUP BY m.plan_id
),
harm AS (
  SELECT e.plan_id, COUNT(*) AS adverse_events FROM (
    -- A lookup of each event's session by its key: a join let PostgreSQL scan every session instead.
    SELECT (SELECT s.plan_id FROM session_records s WHERE s.id = a.session_id) AS plan_id
    FROM adverse_events a WHERE a.clinic_id = :clinic_id AND a.session_id IS NOT NULL
  ) e GROUP BY e.plan_id
){first}
SELECT f.plan_id, f.started_on, f.status, f.condition, COALESCE(f.pattern, 'none') AS pattern, f.protocol_version,
       CASE WHEN f.ea THEN 'yes' ELSE 'no' END AS ea, COALESCE(f.ea_frequency, 'none') AS ea_frequency,
       f.point_set, COALESCE(f.start_back, 'not screened') AS start_back,
       COALESCE(u.name, f.practitioner) AS practitioner, f.payer, f.planned_sessions,
       COALESCE(g.sessions_given, 0) AS sessions_given, COALESCE(g.last_session, 0) AS last_session,
       COALESCE(h.adverse_events, 0) AS adverse_events, o.pain_baseline, o.pain_followup,
       {improvement} AS pain_improvement, o.responder,
       {"fr.session" if first_response else "CAST(NULL AS INTEGER)"} AS first_response
FROM course_facets f
LEFT JOIN users u ON u.id = f.practitioner
LEFT JOIN outcome o ON o.plan_id = f.plan_id
LEFT JOIN given g ON g.plan_id = f.plan_id
LEFT JOIN harm h ON h.plan_id = f.plan_id
{"LEFT JOIN first_response fr ON fr.plan_id = f.plan_id" if first_response else ""}
WHERE {' AND '.join(filters)}
"""
    return sql, params


def target_session(at_session: int | None) -> int:
    """Return the session number the outcome is judged at: ``at_session``, else the latest there can be."""
    return MAX_SESSION_NUMBER if at_session is None else at_session


def cohort(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter, *,
           at_session: int | None = None) -> list[Course]:
    """Return every treatment course of ``where`` as a ``Course``, oldest first (then by plan id).

    ``connection`` is a SQLAlchemy connection or session of the clinic's database; ``at_session``
    judges the outcome at that session (default: the latest measurement). Raises what the database raises.
    """
    sql, params = course_sql(kb, prepare(connection), where, first_response=True)
    params["at_session"] = target_session(at_session)
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
