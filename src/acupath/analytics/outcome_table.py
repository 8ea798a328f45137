"""Each course's outcome at its latest measurement, kept in ``course_outcomes`` and refreshed when stale.

The questions at the latest measurement (``at_session`` None, the default) group ~100,000 narrow rows
of ``course_facets`` joined to ``course_outcomes`` instead of deriving every course from a million
sessions (``benchmarks/analytics.py``). Correct by construction (``storage.tables.course_outcomes``):
triggers count every change a course's outcome is derived from (``course_changes``), and before a
question ``refresh`` rewrites, in one statement, the courses of the filter whose row is missing, was
computed at another version, or by other rules (``computed_by``: ``RULES`` and the knowledge base's
version). The refresh derives them with the cohort's own SQL (``course_sql.outcome_ctes``): one logic.
It first picks the stale plan ids and, up to ``LISTED`` of them, binds them: a condition over the
three tables is estimated at nearly every course, and PostgreSQL then read every reassessment total,
baseline and adverse event of the clinic for a thousand stale courses (EXPLAIN; README "Benchmarks").

In the question's transaction: on PostgreSQL (READ COMMITTED) a session committed by another user
between the refresh and the read shows in the next question, not in this one; a course created in
between has no row yet and is left out of this answer. Questions at a given session
(``at_session`` set) derive every course as before (``course_sql.course_sql``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from acupath.analytics.course_sql import (
    FACET_COLUMNS,
    OUTCOME_NAMES,
    STALE,
    CohortFilter,
    cohort_filters,
    course_sql,
    outcome_columns,
    outcome_ctes,
    outcome_joins,
    prepare,
    target_session,
)
from acupath.knowledge import KnowledgeBase

#: The version of the rules the stored outcomes were derived by: add one whenever ``course_sql``'s
#: outcome changes meaning (a row computed by other rules is stale, so every course is derived again).
RULES = 1


def computed_by(kb: KnowledgeBase) -> str:
    """Return what a stored outcome records it was derived by: the rules' and the knowledge base's versions."""
    return f"rules-{RULES}/{kb.version}"


#: Up to this many stale courses are refreshed by their plan ids (bound parameters: both databases then
#: plan for that many courses and read their rows by index); more (after a bulk load) by ``STALE`` itself.
LISTED = 5000


def refresh_sql(kb: KnowledgeBase, where: CohortFilter, plans: list[str] | None = None
                ) -> tuple[str, dict[str, Any]]:
    """Return the upsert of the stale courses of ``where`` (or of ``plans``, picked stale by ``stale_sql``)
    into ``course_outcomes``, and its parameters.

    The version of each course is read in the same statement (the same snapshot) as its sessions and
    reassessments, so a row always holds the outcome of the version it records (a course listed but
    refreshed by someone else meanwhile is merely derived again).
    """
    filters, params = cohort_filters(where)
    params.update(at_session=target_session(None), computed_by=computed_by(kb))
    stale = STALE
    if plans is not None:
        params.update({f"plan_{i}": plan for i, plan in enumerate(plans)})
        stale = f"f.plan_id IN ({', '.join(f':plan_{i}' for i in range(len(plans)))})"
    names = ", ".join(OUTCOME_NAMES)
    updates = ", ".join(f"{name} = excluded.{name}" for name in ("version", "computed_by", *OUTCOME_NAMES))
    # Plans in order: two refreshes racing lock the rows they upsert in the same order (no deadlock).
    # INSERT before WITH: Python's sqlite3 counts the rows of a statement that starts with INSERT only.
    sql = f"""INSERT INTO course_outcomes (plan_id, clinic_id, version, computed_by, {names})
{outcome_ctes(kb, filters, first_response=True, scope="stale", stale=stale)}
SELECT f.plan_id, :clinic_id, f.version, :computed_by, {outcome_columns(kb, first_response=True)}
FROM course f
{outcome_joins(first_response=True)}
WHERE 1 = 1
ORDER BY f.plan_id
ON CONFLICT (plan_id) DO UPDATE SET {updates}
"""
    return sql, params


def refresh(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter) -> int:
    """Rewrite the missing and stale ``course_outcomes`` rows of ``where``'s courses; return how many.

    Runs in the caller's transaction (which commits it, or not: then the next question does it
    again). Raises what the database raises.
    """
    prepare(connection)
    sql, params = stale_sql(kb, where)
    plans = [row[0] for row in connection.execute(text(sql), params).fetchmany(LISTED + 1)]
    if not plans:
        return 0
    sql, params = refresh_sql(kb, where, plans if len(plans) <= LISTED else None)
    result = connection.execute(text(sql), params)
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


def stale_sql(kb: KnowledgeBase, where: CohortFilter) -> tuple[str, dict[str, Any]]:
    """Return the SQL of the plan ids of ``where``'s stale courses (``STALE``) and its parameters."""
    filters, params = cohort_filters(where)
    params["computed_by"] = computed_by(kb)
    sql = f"""SELECT f.plan_id FROM course_facets f
LEFT JOIN course_changes ch ON ch.plan_id = f.plan_id
LEFT JOIN course_outcomes kept ON kept.plan_id = f.plan_id
WHERE {' AND '.join(filters)} AND {STALE}"""
    return sql, params


def table_sql(where: CohortFilter) -> tuple[str, dict[str, Any]]:
    """Return the SQL of ``where``'s courses with their stored outcome (``course_sql``'s columns) and its parameters."""
    filters, params = cohort_filters(where)
    sql = f"""SELECT {FACET_COLUMNS},
       {", ".join(f"o.{name}" for name in OUTCOME_NAMES)}
FROM course_facets f
JOIN course_outcomes o ON o.plan_id = f.plan_id
LEFT JOIN users u ON u.id = f.practitioner
WHERE {' AND '.join(filters)}
"""
    return sql, params


def courses_sql(connection: Connection | Session, kb: KnowledgeBase, where: CohortFilter,
                at_session: int | None, *, first_response: bool) -> tuple[str, dict[str, Any]]:
    """Return the per-course SQL a question at ``at_session`` reads, and its parameters.

    At the latest measurement (None): the stored outcomes, after ``refresh`` (a write, in the caller's
    transaction); at a given session: ``course_sql``, every course derived (``first_response`` read or
    not). Both give ``course_sql``'s columns and bind ``:at_session``. Raises what the database raises.
    """
    if at_session is None:
        refresh(connection, kb, where)
        sql, params = table_sql(where)
    else:
        sql, params = course_sql(kb, prepare(connection), where, first_response=first_response)
    params["at_session"] = target_session(at_session)
    return sql, params
