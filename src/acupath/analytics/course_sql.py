"""The per-course SQL of the outcome cohort: each course derived from its sessions and reassessments.

What a row holds and where it comes from: ``analytics.cohort``. This module writes the one query that
derives a course's outcome (``outcome_ctes``), used two ways:

- ``course_sql``: every course of a filter, judged at any session (``at_session`` bound by the caller);
  the questions at a given session read it, and the table's refresh is checked against it;
- ``analytics.outcome_table.refresh``: only the courses whose ``course_outcomes`` row is missing or
  stale, judged at the latest measurement, written into that table (``scope="stale"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from acupath.analytics.responder_sql import improvement_sql, reached_sql
from acupath.knowledge import KnowledgeBase
from acupath.validation import MAX_SESSION_NUMBER

#: The instrument every course is measured on at every session (the IMMPACT core outcome, pain intensity).
PAIN = "nrs"
#: Above the largest pain NRS (10, ``session_records``' CHECK): session number and pain as one orderable key.
PAIN_KEY = 16
#: PostgreSQL's memory for each sort and hash of the cohort query, for this transaction only (SET LOCAL):
#: with the default 4 MB the window over a million measurements spills to disk
#: (shared/reference/stack.md, "Analytics at scale"; ``benchmarks/analytics.py`` measures it).
WORK_MEM = "128MB"

#: Which courses ``outcome_ctes`` derives: every course of the filter, or only those whose stored
#: outcome is missing or stale (``course_outcomes``; the CTE ``course`` then carries their version).
Scope = Literal["all", "stale"]

#: The facet columns of a course row, from ``course_facets f`` and ``users u`` (the practitioner's name).
FACET_COLUMNS = """f.plan_id, f.started_on, f.status, f.condition, COALESCE(f.pattern, 'none') AS pattern,
       f.protocol_version, CASE WHEN f.ea THEN 'yes' ELSE 'no' END AS ea,
       COALESCE(f.ea_frequency, 'none') AS ea_frequency, f.point_set,
       COALESCE(f.start_back, 'not screened') AS start_back, COALESCE(u.name, f.practitioner) AS practitioner,
       f.payer, f.planned_sessions"""
#: The outcome columns of a course row, in this order (``course_outcomes`` stores them under these names).
OUTCOME_NAMES = ("sessions_given", "last_session", "adverse_events", "pain_baseline", "pain_followup",
                 "pain_improvement", "responder", "first_response")


@dataclass(frozen=True)
class CohortFilter:
    """Which courses: one clinic's, started between ``start`` and ``end`` (inclusive), optionally of one
    condition and one practitioner (the user id of the plan's author)."""

    clinic_id: str
    start: date | None = None
    end: date | None = None
    condition: str | None = None
    practitioner: str | None = None


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


def target_session(at_session: int | None) -> int:
    """Return the session number the outcome is judged at: ``at_session``, else the latest there can be."""
    return MAX_SESSION_NUMBER if at_session is None else at_session


def cohort_filters(where: CohortFilter) -> tuple[list[str], dict[str, Any]]:
    """Return the SQL conditions on ``course_facets f`` of ``where`` and their parameters (``clinic_id`` among them)."""
    filters, params = ["f.clinic_id = :clinic_id"], {"clinic_id": where.clinic_id}
    for column, op, value in (("started_on", ">=", where.start), ("started_on", "<=", where.end),
                              ("condition", "=", where.condition), ("practitioner", "=", where.practitioner)):
        if value is not None:
            name = f"{column}_{len(params)}"
            filters.append(f"f.{column} {op} :{name}")
            params[name] = value
    return filters, params


def outcome_columns(kb: KnowledgeBase, *, first_response: bool) -> str:
    """Return the SQL of ``OUTCOME_NAMES`` over the CTEs' ``given g``, ``harm h``, ``outcome o`` (and
    ``first_response fr`` when ``first_response``, else a NULL)."""
    improvement = improvement_sql(kb, PAIN, "o.pain_baseline", "o.pain_followup")
    return f"""COALESCE(g.sessions_given, 0) AS sessions_given, COALESCE(g.last_session, 0) AS last_session,
       COALESCE(h.adverse_events, 0) AS adverse_events, o.pain_baseline, o.pain_followup,
       {improvement} AS pain_improvement, o.responder,
       {"fr.session" if first_response else "CAST(NULL AS INTEGER)"} AS first_response"""


def outcome_joins(*, first_response: bool) -> str:
    """Return the LEFT JOINs of the outcome CTEs to a course's ``plan_id`` aliased ``f``."""
    joins = """LEFT JOIN outcome o ON o.plan_id = f.plan_id
LEFT JOIN given g ON g.plan_id = f.plan_id
LEFT JOIN harm h ON h.plan_id = f.plan_id"""
    return joins + ("\nLEFT JOIN first_response fr ON fr.plan_id = f.plan_id" if first_response else "")


#: The courses whose stored outcome is missing, or was derived at another version or by other rules
#: (``course_facets f``, ``course_changes ch`` and ``course_outcomes kept`` of the stale scope's ``course``).
STALE = "(kept.plan_id IS NULL OR kept.version <> COALESCE(ch.version, 0) OR kept.computed_by <> :computed_by)"


def outcome_ctes(kb: KnowledgeBase, filters: list[str], *, first_response: bool, scope: Scope = "all",
                 stale: str = STALE) -> str:
    """Return the ``WITH`` clause deriving each course's outcome (the CTEs ``course``, ``given``,
    ``remeasured``, ``reassessed``, ``outcome``, ``harm`` and, when ``first_response``, ``first_response``).

    ``filters`` are ``cohort_filters``' conditions; the SQL binds ``:clinic_id`` and ``:at_session`` (and
    ``:computed_by`` for ``scope="stale"``, whose ``course`` holds only the courses meeting ``stale``
    (default ``STALE``; or a list of plan ids picked by it) and their ``version``, and whose session
    passes read only those courses' sessions).

    How it stays fast (``benchmarks/analytics.py``): the clinic's sessions are read once, in one pass
    grouped by plan, which gives the count, the last number and, as one maximum, the last session at
    or before the target with an NRS together with that NRS (``number * PAIN_KEY + pain``: the NRS is
    0-10, a CHECK of the table, so the key orders by number and keeps the pain in its remainder): no
    session is read twice. The window ranks only reassessments. A reassessment's NRS wins over the
    sessions' ratings up to its own session, as in ``outcomes.progress`` (``outcome``). No index of its own: PostgreSQL reads
    the clinic's sessions by a sequential scan and a hash aggregate whatever the index (EXPLAIN), and
    a covering index (clinic, plan, number, pain) saved SQLite about 15 % of the query at 20,000 courses,
    not worth a fourth index written with every session. The stale scope reads the stale courses'
    sessions by the (plan, number) index instead: a day's changes are a few hundred courses.
    """
    reached = reached_sql(kb, "m.instrument", "b.value", "m.value")
    judged = reached_sql(kb, "m.instrument", "m.baseline", "m.value")
    if scope == "stale":
        course = f"""SELECT f.plan_id, f.patient_id, COALESCE(ch.version, 0) AS version FROM course_facets f
  LEFT JOIN course_changes ch ON ch.plan_id = f.plan_id
  LEFT JOIN course_outcomes kept ON kept.plan_id = f.plan_id
  WHERE {' AND '.join(filters)} AND {stale}"""
        of_courses = " AND s.plan_id IN (SELECT plan_id FROM course)"
    else:
        course = f"SELECT f.plan_id, f.patient_id FROM course_facets f WHERE {' AND '.join(filters)}"
        of_courses = ""
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
    FROM session_records s WHERE s.clinic_id = :clinic_id AND s.pain_before IS NOT NULL{of_courses}
    UNION ALL
    SELECT q.plan_id, q.instrument, q.session, q.value FROM remeasured q
  ) m JOIN course_baselines b ON b.plan_id = m.plan_id AND b.instrument = m.instrument
  WHERE {reached} = 1 GROUP BY m.plan_id
)""" if first_response else ""
    return f"""
WITH course AS (
  {course}
),
given AS (
  SELECT s.plan_id, COUNT(*) AS sessions_given, MAX(s.number) AS last_session,
         MAX(CASE WHEN s.pain_before IS NOT NULL AND s.number <= :at_session
                  THEN s.number * {PAIN_KEY} + s.pain_before END) AS pain_key
  FROM session_records s WHERE s.clinic_id = :clinic_id{of_courses} GROUP BY s.plan_id
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
"""


def course_sql(kb: KnowledgeBase, dialect: str, where: CohortFilter, *, first_response: bool = False
               ) -> tuple[str, dict[str, Any]]:
    """Return the per-course SQL and its parameters (``at_session`` is bound by the caller).

    Its columns: plan_id, started_on, status, the facets (``facets.FACETS`` but ``component``),
    planned_sessions, then ``OUTCOME_NAMES``: sessions_given, last_session, adverse_events,
    pain_baseline, pain_followup, pain_improvement, responder (1/0/NULL), first_response (NULL unless
    ``first_response``: it reads every session's NRS against the baseline, which only time to response
    and the stored outcomes need). ``dialect`` is the connection's (``prepare``); both databases take
    the same SQL.
    """
    filters, params = cohort_filters(where)
    sql = f"""{outcome_ctes(kb, filters, first_response=first_response)}
SELECT {FACET_COLUMNS},
       {outcome_columns(kb, first_response=first_response)}
FROM course_facets f
LEFT JOIN users u ON u.id = f.practitioner
{outcome_joins(first_response=first_response)}
WHERE {' AND '.join(filters)}
"""
    return sql, params
