"""Repositories of session records, adverse events and the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select

from acupath.services import repositories as abstract
from acupath.services.records import AdverseEvent, Amendment, AuditEntry, AuditQuery, SessionRecord
from acupath.services.records.summaries import SessionSummary
from acupath.storage.prepared import Pending
from acupath.storage.repositories import statements, summaries
from acupath.storage.repositories.base import SqlRepository, columns_of
from acupath.storage.tables import AdverseEventRow, AmendmentRow, AuditRow, SessionPointRow, SessionRow


class SqlSessionRepository(SqlRepository, abstract.SessionRepository):
    """Session records in the database."""

    def add(self, session: SessionRecord) -> None:
        # Two plain INSERTs (the session, then its points as one multi-row INSERT), sent with the
        # commit: the ORM's flush of a session and a dozen point objects was the largest cost of
        # recording one.
        what = f"session {session.number} of plan {session.plan_id}"
        self.insert(what, statements.SESSION_INSERT, SessionRow.values_of(session))
        if session.points:
            self.insert(what, statements.SESSION_POINTS_INSERT,
                        [{**SessionPointRow.values_of(p, i), "session_id": session.id}
                         for i, p in enumerate(session.points)])

    def get(self, clinic_id: str, session_id: str) -> SessionRecord | None:
        return self.one(SessionRow, clinic_id, session_id)

    def update(self, session: SessionRecord, expected_version: int) -> None:
        # A cold path (corrections are rare): the ORM's statements, the points written again.
        what = f"session {session.number} of plan {session.plan_id}"
        values = SessionRow.values_of(session)
        self.compare_and_set(SessionRow, values, expected_version, what)
        self.session.execute(delete(SessionPointRow).where(SessionPointRow.session_id == session.id))
        if session.points:
            self.session.execute(insert(SessionPointRow), [
                {**SessionPointRow.values_of(p, i), "session_id": session.id} for i, p in enumerate(session.points)])

    def list_for_plan(self, clinic_id: str, plan_id: str) -> list[SessionRecord]:
        rows = self.session.scalars(
            select(SessionRow)
            .where(SessionRow.clinic_id == clinic_id, SessionRow.plan_id == plan_id)
            .order_by(SessionRow.number)
        )
        return [row.to_domain() for row in rows]

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[SessionRecord]:
        return self.of_patient(SessionRow, clinic_id, patient_id, SessionRow.session_date, SessionRow.number)

    def page_for_plan(self, clinic_id: str, plan_id: str, offset: int, limit: int) -> tuple[list[SessionRecord], int]:
        query = select(SessionRow).where(SessionRow.clinic_id == clinic_id, SessionRow.plan_id == plan_id)
        return self.paged(query, SessionRow.number, offset=offset, limit=limit)

    def summaries(self, clinic_id: str, plan_id: str) -> list[SessionSummary]:
        # Four columns, no ORM objects and none of the needled points: progress reads nothing else.
        return summaries.session_summaries(
            statements.SESSION_SUMMARIES.rows(self.connection, {"clinic_id": clinic_id, "plan_id": plan_id}))

    def next_number(self, clinic_id: str, plan_id: str) -> int:
        # Answered from the unique (plan_id, number) index; a racing writer that takes the same number
        # first makes this insert a duplicate, which ``add`` turns into ``Conflict``.
        return summaries.next_session_number(
            statements.LAST_SESSION_NUMBER.rows(self.connection, {"clinic_id": clinic_id, "plan_id": plan_id}))


class SqlAdverseEventRepository(SqlRepository, abstract.AdverseEventRepository):
    """Adverse events in the database."""

    def add(self, event: AdverseEvent) -> None:
        self.session.add(AdverseEventRow.from_domain(event))
        self.flush(f"adverse event {event.id}")

    def get(self, clinic_id: str, event_id: str) -> AdverseEvent | None:
        return self.one(AdverseEventRow, clinic_id, event_id)

    def update(self, event: AdverseEvent, expected_version: int) -> None:
        self.compare_and_set(AdverseEventRow, columns_of(AdverseEventRow.from_domain(event)), expected_version,
                             f"adverse event {event.id}")

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[AdverseEvent]:
        return self.of_patient(AdverseEventRow, clinic_id, patient_id, AdverseEventRow.occurred_on, AdverseEventRow.recorded_at)

    def page_for_patient(self, clinic_id: str, patient_id: str, offset: int, limit: int) -> tuple[list[AdverseEvent], int]:
        return self.of_patient_page(AdverseEventRow, clinic_id, patient_id, AdverseEventRow.occurred_on,
                                    AdverseEventRow.recorded_at, AdverseEventRow.id, offset=offset, limit=limit)


class SqlAuditLog(SqlRepository, abstract.AuditLog):
    """The audit log in the database."""

    def add(self, entry: AuditEntry) -> None:
        # A plain INSERT in the unit of work's transaction: every request adds one, and the ORM's
        # unit-of-work bookkeeping for an object nobody reads again cost more than the insert itself.
        # It goes with the commit (``write_later``), which gives the entry its id.
        def numbered(rows: list[tuple[Any, ...]]) -> None:
            (entry.id,) = rows[0]

        self.transaction.write_later(Pending(statements.AUDIT_INSERT, AuditRow.values_of(entry),
                                             f"audit entry {entry.action}", numbered))

    def list(
        self, clinic_id: str | None, *, patient_id: str | None = None, offset: int = 0, limit: int = 100
    ) -> list[AuditEntry]:
        query = select(AuditRow).where(AuditRow.clinic_id == clinic_id)
        if patient_id is not None:
            query = query.where(AuditRow.patient_id == patient_id)
        rows = self.session.scalars(query.order_by(AuditRow.id).offset(offset).limit(limit))
        return [row.to_domain() for row in rows]

    def search(self, clinic_id: str, query: AuditQuery, offset: int, limit: int) -> tuple[list[AuditEntry], int]:
        statement = select(AuditRow).where(AuditRow.clinic_id == clinic_id)
        for column, value in ((AuditRow.patient_id, query.patient_id), (AuditRow.user_id, query.user_id),
                              (AuditRow.action, query.action)):
            if value is not None:
                statement = statement.where(column == value)
        if query.since is not None:
            statement = statement.where(AuditRow.at >= query.since)
        if query.until is not None:
            statement = statement.where(AuditRow.at < query.until)
        return self.paged(statement, AuditRow.id.desc(), offset=offset, limit=limit)


class SqlAmendmentRepository(SqlRepository, abstract.AmendmentRepository):
    """Amendments of sessions, adverse events and reassessments in the database (rows are never changed)."""

    def add(self, amendment: Amendment) -> None:
        self.session.add(AmendmentRow.from_domain(amendment))
        self.flush(f"amendment of {amendment.record_type} {amendment.record_id} at version {amendment.version}")

    def list_for(self, clinic_id: str, record_type: str, record_id: str) -> list[Amendment]:
        rows = self.session.scalars(
            select(AmendmentRow)
            .where(AmendmentRow.clinic_id == clinic_id, AmendmentRow.record_type == record_type,
                   AmendmentRow.record_id == record_id)
            .order_by(AmendmentRow.version))
        return [row.to_domain() for row in rows]
