"""The audit log in the database: appending to its hash chain, finding a record's owner, reading it back.

``SqlAuditLog.add`` appends in the unit of work's transaction. It increments the chain head's counter
and reads the previous hash: on PostgreSQL the UPDATE holds the head's row lock until the commit, so
concurrent appends wait for each other and each reads the hash the previous one committed (READ
COMMITTED re-reads a row updated meanwhile before updating it); on SQLite every writing transaction
already holds the database's writer lock (``BEGIN IMMEDIATE``, ``storage.engine``). Then it inserts the
entry with both hashes; a trigger copies its hash and id to the head. On PostgreSQL both are one
statement and the database computes the hash (``_chained_append``); on SQLite two, hashed in Python. Rows take
their ids under the lock, so id order is chain order. ``audited`` adds the entry just before the
commit, so the head is held for the insert and the commit only.

``read_chain`` and ``verify_chain`` read the whole log in id order for ``acupath audit verify``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, bindparam, func, insert, literal, select, update

from acupath.services import repositories as abstract
from acupath.services.patient_actor import PATIENT_USER_PREFIX
from acupath.services.records import AuditEntry, AuditQuery, RecordOwner
from acupath.services.records.listings import Total
from acupath.storage.audit_chain import (
    CHAINED_FIELDS,
    ChainHead,
    ChainReport,
    check_chain,
    entry_hash,
    entry_tail,
)
from acupath.storage.repositories import listings
from acupath.storage.repositories.base import SqlRepository
from acupath.storage.tables import (
    AdverseEventRow,
    AssignmentRow,
    AuditChainHeadRow,
    AuditRow,
    HomeworkTaskRow,
    IntakeRow,
    PatientRow,
    PlanRow,
    ReassessmentRow,
    ScreeningRow,
    SessionRow,
    UrgentTaskRow,
)

#: The record kinds services name (``access.found``) and where their clinic and patient are kept.
_OWNERS: dict[str, tuple[Any, Any, Any]] = {
    "patient": (PatientRow.id, PatientRow.clinic_id, PatientRow.id),
    "intake": (IntakeRow.id, IntakeRow.clinic_id, IntakeRow.patient_id),
    "screening": (ScreeningRow.id, ScreeningRow.clinic_id, ScreeningRow.patient_id),
    "plan": (PlanRow.id, PlanRow.clinic_id, PlanRow.patient_id),
    "session": (SessionRow.id, SessionRow.clinic_id, SessionRow.patient_id),
    "adverse_event": (AdverseEventRow.id, AdverseEventRow.clinic_id, AdverseEventRow.patient_id),
    "reassessment": (ReassessmentRow.id, ReassessmentRow.clinic_id, ReassessmentRow.patient_id),
    "questionnaire_assignment": (AssignmentRow.id, AssignmentRow.clinic_id, AssignmentRow.patient_id),
    "urgent_task": (UrgentTaskRow.id, UrgentTaskRow.clinic_id, UrgentTaskRow.patient_id),
    "homework_task": (HomeworkTaskRow.id, HomeworkTaskRow.clinic_id, HomeworkTaskRow.patient_id),
}

_HEAD = AuditChainHeadRow.__table__
_LOG = AuditRow.__table__
#: Counts one more entry and gives the previous hash, locking the head until the commit.
_NEXT_IN_CHAIN = (update(_HEAD).where(_HEAD.c.id == 1).values(entries=_HEAD.c.entries + 1)
                  .returning(_HEAD.c.last_hash))
_APPEND = insert(_LOG).returning(_LOG.c.id)


def _chained_append() -> Any:
    """Return the one statement that appends an entry on PostgreSQL: head, hash and row together.

    ``WITH head AS (UPDATE audit_chain_head ... RETURNING last_hash) INSERT INTO audit_log (...)
    SELECT ..., head.last_hash, encode(sha256(convert_to('["' || last_hash || '",' || :tail, 'UTF8')),
    'hex') FROM head RETURNING id``: the database puts the previous hash in front of the entry's
    serialised fields (``audit_chain.entry_tail``, made here in Python) and hashes them as
    ``audit_chain.entry_hash`` does. Why one statement: the head's row lock is held from the UPDATE
    to the commit, so every append in the server waits for it; with the UPDATE and the INSERT as two
    statements the holder needed the client once more, and under 16 clients a thread waits for
    Python's GIL each time it comes back from the database. Measured (GET progress at 16 clients,
    ``pg_stat_activity`` sampled every 10 ms, two runs minutes apart on one machine): backends waiting
    for the head's lock (Lock/transactionid) 6.8 on average with two statements, 5.0 with one.
    """
    head = _NEXT_IN_CHAIN.cte("head")
    fields = list(CHAINED_FIELDS)
    text_to_hash = func.convert_to(
        literal('["') + head.c.last_hash + literal('",') + bindparam("chain_tail", type_=Text()), "UTF8")
    source = select(*(bindparam(name, type_=_LOG.c[name].type) for name in fields), head.c.last_hash,
                    func.encode(func.sha256(text_to_hash), "hex"))
    return insert(_LOG).from_select([*fields, "prev_hash", "hash"], source).returning(_LOG.c.id)


_CHAINED_APPEND = _chained_append()


class SqlAuditLog(SqlRepository, abstract.AuditLog):
    """The audit log in the database (append-only: triggers refuse UPDATE and DELETE)."""

    def add(self, entry: AuditEntry) -> None:
        # Core statements: every request appends one entry, and the ORM's bookkeeping for an object
        # nobody reads again cost more than the insert itself.
        # On the session's connection (its transaction): the ORM's execution path, which a Core statement
        # does not need, cost about 100 µs a statement (measured, see README "Benchmarks").
        connection = self.session.connection()
        values = AuditRow.values_of(entry)
        if connection.dialect.name == "postgresql":
            values["chain_tail"] = entry_tail(values)
            entry.id = connection.execute(_CHAINED_APPEND, values).scalar_one()
            return
        # SQLite: the transaction holds the database's writer lock from its first statement anyway
        # (``BEGIN IMMEDIATE``), so two statements hold nothing longer; and SQLite has no sha256().
        prev_hash = connection.execute(_NEXT_IN_CHAIN).scalar_one()
        values.update(prev_hash=prev_hash, hash=entry_hash(values, prev_hash))
        entry.id = connection.execute(_APPEND, values).scalar_one()

    def list(
        self, clinic_id: str | None, *, patient_id: str | None = None, offset: int = 0, limit: int = 100
    ) -> list[AuditEntry]:
        query = select(AuditRow).where(AuditRow.clinic_id == clinic_id)
        if patient_id is not None:
            query = query.where(AuditRow.patient_id == patient_id)
        rows = self.session.scalars(query.order_by(AuditRow.id).offset(offset).limit(limit))
        return [row.to_domain() for row in rows]

    def search(self, clinic_id: str, query: AuditQuery, after: tuple[datetime, int] | None,
               limit: int) -> list[AuditEntry]:
        # Keyset on the (clinic_id, at, id) index (listings' pages; migration 0005).
        statement = _matching(select(AuditRow).where(AuditRow.clinic_id == clinic_id), query)
        return listings.audit_page(self.session, statement, after, limit)

    def count(self, clinic_id: str, query: AuditQuery, cap: int) -> Total:
        statement = _matching(select(AuditRow.id).where(AuditRow.clinic_id == clinic_id), query)
        return listings.capped_total(self.session, statement, cap)

    def owner_of(self, record_type: str, record_id: str) -> RecordOwner | None:
        if record_type not in _OWNERS:
            return None
        key, clinic, patient = _OWNERS[record_type]
        found = self.session.execute(select(clinic, patient).where(key == record_id)).first()
        return RecordOwner(clinic_id=found[0], patient_id=found[1]) if found else None

    def export_batch(self, clinic_id: str, query: AuditQuery, after_id: int, through_id: int,
                     limit: int) -> list[AuditEntry]:
        statement = _matching(select(AuditRow).where(AuditRow.clinic_id == clinic_id, AuditRow.id > after_id,
                                                     AuditRow.id <= through_id), query)
        return [row.to_domain() for row in self.session.scalars(statement.order_by(AuditRow.id).limit(limit))]


def _matching(statement: Any, query: AuditQuery) -> Any:
    """Return ``statement`` narrowed to the entries ``query`` asks for."""
    for column, value in ((AuditRow.patient_id, query.patient_id), (AuditRow.user_id, query.user_id),
                          (AuditRow.action, query.action)):
        if value is not None:
            statement = statement.where(column == value)
    if query.since is not None:
        statement = statement.where(AuditRow.at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditRow.at < query.until)
    if query.staff_only:
        statement = statement.where(AuditRow.user_id.not_like(PATIENT_USER_PREFIX + "%"))
    return statement


def read_chain(connection: Connection, through_id: int | None, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Yield the audit rows up to id ``through_id`` (all when None) as dicts (id, hashes, chained
    fields), in id order, ``batch`` rows a query."""
    columns = [_LOG.c.id, _LOG.c.prev_hash, _LOG.c.hash, *(_LOG.c[name] for name in CHAINED_FIELDS)]
    after = None
    while True:
        statement = select(*columns).order_by(_LOG.c.id).limit(batch)
        if through_id is not None:
            statement = statement.where(_LOG.c.id <= through_id)
        if after is not None:
            statement = statement.where(_LOG.c.id > after)
        rows = connection.execute(statement).mappings().all()
        yield from (dict(row) for row in rows)
        if len(rows) < batch:
            return
        after = rows[-1]["id"]


def verify_chain(connection: Connection) -> ChainReport:
    """Return the report of the whole audit log's chain against its head, read on ``connection``.

    The head is read first and the rows up to its last id after it: entries appended meanwhile come
    after that id (ids are taken under the head's lock) and are left for the next check. Rows past the
    head's last id that were committed before it (none can be, unless written around the chain) show
    as a disagreement only when they break the chain before it.
    """
    head_row = connection.execute(
        select(_HEAD.c.entries, _HEAD.c.last_hash, _HEAD.c.last_id).where(_HEAD.c.id == 1)).first()
    if head_row is None:
        return check_chain(read_chain(connection, None), None)
    head = ChainHead(entries=head_row[0], last_hash=head_row[1])
    # Nothing appended yet: read nothing (through id 0), the head must say 0 entries.
    return check_chain(read_chain(connection, head_row[2] if head_row[2] is not None else 0), head)
