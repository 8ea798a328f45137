"""The listings whose cost must follow the page, not the clinic: patients and their search, the audit log,
a patient's schedule.

Each page is read by keyset: ``WHERE (order columns) > (the cursor item's values) ORDER BY them LIMIT n``
on an index in that order (migration 0005), so the database starts at the cursor instead of counting
its way there as ``OFFSET`` did. A total is counted only when asked, and only up to a cap; past it,
PostgreSQL's planner estimates it (``EXPLAIN``) and SQLite says "more than".

Names are searched through the trigram index of each database (``storage.search_index``): PostgreSQL's
pg_trgm GIN index answers ``ILIKE`` on ``' ' || given_name || ' ' || family_name``, SQLite's FTS5 trigram
table answers ``MATCH`` on the same text. A leading space before each name makes "begins a word" a
substring too (`` li``), which is how 2-letter words are searched.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, column, func, literal_column, select, table, tuple_, union
from sqlalchemy.orm import Session

from acupath.services.records import AuditEntry, Patient
from acupath.services.records.listings import NameSearch, ScheduledSession, SchedulePlan, Total
from acupath.storage.tables import AuditRow, PatientRow, PlanRow, SessionRow

#: SQLite's search tables (migration 0005): not mapped, reached as plain table clauses.
_PATIENT_SEARCH = table("patient_search", column("id"), column("patient_id"), column("clinic_id"),
                        column("names"))
_PATIENT_NAMES = table("patient_names", column("rowid"), column("names"))
#: The text PostgreSQL's trigram index is built on; spelled as the index is, so the planner matches it.
_NAMES = literal_column("(' ' || patients.given_name || ' ' || patients.family_name)")


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _pattern(word: str) -> str:
    """Return the LIKE pattern of one search word: anywhere (3+ characters), else at a word's start."""
    escaped = _like_escaped(word)
    return f"%{escaped}%" if len(word) >= 3 else f"% {escaped}%"


def _fts_phrase(word: str) -> str:
    """Return the FTS5 phrase of one search word (2+ characters): quoted, a leading space if short."""
    text = word if len(word) >= 3 else f" {word}"
    return '"' + text.replace('"', '""') + '"'


def _ids_by_name(session: Session, clinic_id: str, search: NameSearch) -> Select[Any]:
    """Return the ids of the clinic's patients whose names match ``search`` (through the trigram index)."""
    if session.get_bind().dialect.name == "postgresql":
        return select(PatientRow.id).where(
            PatientRow.clinic_id == clinic_id,
            *(_NAMES.ilike(_pattern(word), escape="\\") for word in (*search.words, *search.initials)))
    matched = select(_PATIENT_NAMES.c.rowid).where(
        _PATIENT_NAMES.c.names.match(" AND ".join(_fts_phrase(word) for word in search.words)))
    return select(_PATIENT_SEARCH.c.patient_id).where(
        _PATIENT_SEARCH.c.id.in_(matched), _PATIENT_SEARCH.c.clinic_id == clinic_id,
        # One letter is too short for a trigram: it narrows what the index found.
        *(_PATIENT_SEARCH.c.names.like(_pattern(initial), escape="\\") for initial in search.initials))


def _patients(session: Session, clinic_id: str, search: NameSearch | None) -> Select[Any]:
    """Return the query of the clinic's patients that ``search`` finds (all without one).

    A search that is exactly an MRN or a patient id of the clinic finds that patient alone (``NameSearch``):
    the exact lookup runs first, on the unique indexes, and only a search it finds nothing for is looked
    up among the names. Asked together (a UNION), PostgreSQL ran the names' ``ILIKE`` for every MRN
    searched, at a cost that grew with the clinic (an MRN such as ``MRN-0001234`` is also a word).
    """
    if search is None:
        return select(PatientRow).where(PatientRow.clinic_id == clinic_id)
    exact = union(select(PatientRow.id).where(PatientRow.clinic_id == clinic_id, PatientRow.mrn.in_(search.mrns)),
                  select(PatientRow.id).where(PatientRow.clinic_id == clinic_id, PatientRow.id == search.text))
    if not search.words:
        return select(PatientRow).where(PatientRow.id.in_(exact))
    ids = session.scalars(exact).all()
    if ids:
        return select(PatientRow).where(PatientRow.id.in_(ids))
    # Every branch is the clinic's already. Naming the clinic out here as well let SQLite walk the whole
    # clinic in name order testing each patient against the matches (measured: the cost grew with the
    # clinic); without it the matches drive the query and only they are sorted.
    return select(PatientRow).where(PatientRow.id.in_(_ids_by_name(session, clinic_id, search)))


def patient_page(session: Session, clinic_id: str, search: NameSearch | None, after: Patient | None,
                 limit: int) -> list[Patient]:
    """Return up to ``limit`` patients of ``search`` after ``after``, by family name, given name, id."""
    order = (PatientRow.family_name, PatientRow.given_name, PatientRow.id)
    query = _patients(session, clinic_id, search)
    if after is not None:
        query = query.where(tuple_(*order) > tuple_(after.family_name, after.given_name, after.id))
    return [row.to_domain() for row in session.scalars(query.order_by(*order).limit(limit))]


def patient_total(session: Session, clinic_id: str, search: NameSearch | None, cap: int) -> Total:
    """Return how many patients ``search`` finds, exact up to ``cap``."""
    return capped_total(session, _patients(session, clinic_id, search).with_only_columns(PatientRow.id), cap)


def audit_page(session: Session, entries: Select[Any], after: tuple[Any, int] | None,
               limit: int) -> list[AuditEntry]:
    """Return up to ``limit`` of the ``entries`` (a filtered query of audit rows) before ``after`` (time,
    id), newest first: a backward walk of the (clinic_id, at, id) index."""
    if after is not None:
        entries = entries.where(tuple_(AuditRow.at, AuditRow.id) < tuple_(*after))
    rows = session.scalars(entries.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit))
    return [row.to_domain() for row in rows]


def _scheduled(clinic_id: str, patient_id: str) -> Select[Any]:
    # Four columns: no ORM objects, none of the needled points.
    return select(SessionRow.id, SessionRow.plan_id, SessionRow.number, SessionRow.session_date).where(
        SessionRow.clinic_id == clinic_id, SessionRow.patient_id == patient_id)


def schedule_page(session: Session, clinic_id: str, patient_id: str, after: ScheduledSession | None,
                  limit: int) -> list[ScheduledSession]:
    """Return up to ``limit`` of the patient's sessions after ``after``, by date, number, id."""
    order = (SessionRow.session_date, SessionRow.number, SessionRow.id)
    query = _scheduled(clinic_id, patient_id)
    if after is not None:
        query = query.where(tuple_(*order) > tuple_(after.session_date, after.number, after.id))
    return [ScheduledSession(id=row.id, plan_id=row.plan_id, number=row.number, session_date=row.session_date)
            for row in session.execute(query.order_by(*order).limit(limit))]


def schedule_entry(session: Session, clinic_id: str, patient_id: str, session_id: str) -> ScheduledSession | None:
    """Return the patient's session ``session_id`` as the schedule shows it, or None."""
    row = session.execute(_scheduled(clinic_id, patient_id).where(SessionRow.id == session_id)).one_or_none()
    return None if row is None else ScheduledSession(id=row.id, plan_id=row.plan_id, number=row.number,
                                                     session_date=row.session_date)


def schedule_plans(session: Session, clinic_id: str, patient_id: str) -> list[SchedulePlan]:
    """Return the patient's plans and their status, oldest first (two columns, no documents)."""
    rows = session.execute(select(PlanRow.id, PlanRow.status).where(
        PlanRow.clinic_id == clinic_id, PlanRow.patient_id == patient_id).order_by(PlanRow.created_at, PlanRow.id))
    return [SchedulePlan(plan_id=plan_id, status=status) for plan_id, status in rows]


def capped_total(session: Session, ids: Select[Any], cap: int) -> Total:
    """Return how many rows ``ids`` selects: exact up to ``cap``; past it, PostgreSQL's estimate (never
    below ``cap + 1``) or, on SQLite, ``cap`` with relation "gt"."""
    counted = session.scalar(select(func.count()).select_from(ids.limit(cap + 1).subquery())) or 0
    if counted <= cap:
        return Total(value=counted, relation="eq")
    if session.get_bind().dialect.name != "postgresql":
        return Total(value=cap, relation="gt")
    return Total(value=max(cap + 1, _estimated_rows(session, ids)), relation="about")


def _estimated_rows(session: Session, statement: Select[Any]) -> int:
    # The planner's row estimate for the query (PostgreSQL's documented way to count fast: "Count
    # estimate" on the wiki; pg_class.reltuples only knows whole tables, not one clinic's rows).
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return int(plan[0]["Plan"]["Plan Rows"])
