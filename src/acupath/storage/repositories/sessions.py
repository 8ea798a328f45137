"""Repositories of session records, adverse events and amendments."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, func, insert, select

from acupath.services import repositories as abstract
from acupath.services.records import AdverseEvent, Amendment, SessionRecord
from acupath.services.records.listings import ScheduledSession, SchedulePlan
from acupath.services.records.summaries import SessionSummary
from acupath.storage.repositories import listings
from acupath.storage.repositories.base import SqlRepository, columns_of
from acupath.storage.repositories.clinical import LOCK_PLAN
from acupath.storage.tables import (
    AdverseEventRow,
    AmendmentRow,
    SessionPointRow,
    SessionRow,
)

_sessions = SessionRow.__table__.c

# Built once with bound parameters (see ``clinical.PLAN_HEAD``): progress and every recorded session run them.
#: Number, date and pain of a plan's sessions by number (``clinic_id``, ``plan_id``).
SESSION_SUMMARIES = select(_sessions.number, _sessions.session_date, _sessions.pain_before, _sessions.pain_after
                           ).where(_sessions.clinic_id == bindparam("clinic_id"),
                                   _sessions.plan_id == bindparam("plan_id")).order_by(_sessions.number)
#: The highest session number of a plan, or NULL (``plan_id``).
LAST_NUMBER = select(func.max(_sessions.number)).where(_sessions.plan_id == bindparam("plan_id"))


class SqlSessionRepository(SqlRepository, abstract.SessionRepository):
    """Session records in the database."""

    def add(self, session: SessionRecord) -> None:
        # Two Core INSERTs (the session, then its points as one multi-row INSERT): the ORM's flush of a
        # session and a dozen point objects nobody reads back was the largest cost of recording one.
        what = f"session {session.number} of plan {session.plan_id}"
        self.insert(what, SessionRow.__table__, SessionRow.values_of(session))
        self.insert(what, SessionPointRow.__table__, [{**SessionPointRow.values_of(p, i), "session_id": session.id}
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

    def schedule(self, clinic_id: str, patient_id: str, after: ScheduledSession | None,
                 limit: int) -> list[ScheduledSession]:
        return listings.schedule_page(self.session, clinic_id, patient_id, after, limit)

    def schedule_entry(self, clinic_id: str, patient_id: str, session_id: str) -> ScheduledSession | None:
        return listings.schedule_entry(self.session, clinic_id, patient_id, session_id)

    def schedule_plans(self, clinic_id: str, patient_id: str) -> list[SchedulePlan]:
        return listings.schedule_plans(self.session, clinic_id, patient_id)

    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[SessionRecord]:
        return self.of_patient(SessionRow, clinic_id, patient_id, SessionRow.session_date, SessionRow.number)

    def page_for_plan(self, clinic_id: str, plan_id: str, offset: int, limit: int) -> tuple[list[SessionRecord], int]:
        query = select(SessionRow).where(SessionRow.clinic_id == clinic_id, SessionRow.plan_id == plan_id)
        return self.paged(query, SessionRow.number, offset=offset, limit=limit)

    def summaries(self, clinic_id: str, plan_id: str) -> list[SessionSummary]:
        # Four columns, no ORM objects and none of the needled points: progress reads nothing else.
        rows = self.session.execute(SESSION_SUMMARIES, {"clinic_id": clinic_id, "plan_id": plan_id})
        return [SessionSummary(number=n, session_date=d, pain_before=b, pain_after=a) for n, d, b, a in rows]

    def next_number(self, clinic_id: str, plan_id: str) -> int:
        # The plan's row is locked first (SELECT ... FOR UPDATE on PostgreSQL, until the commit), so
        # units of work recording on one plan at once take their numbers in turn: the next one reads
        # the last number after the previous one committed it, instead of both taking the same number
        # and the second failing as a duplicate. SQLite needs no lock: its transactions begin with
        # BEGIN IMMEDIATE and so run one at a time (``storage.engine``); SQLAlchemy leaves FOR UPDATE
        # out there. The last number is read by the plan alone (its row is the clinic's, checked by
        # the lock): the unique (plan_id, number) index answers from its last entry, where with the
        # clinic too a planner with stale statistics read every session of the clinic.
        if self.session.scalar(LOCK_PLAN, {"clinic_id": clinic_id, "plan_id": plan_id}) is None:
            return 1
        last = self.session.scalar(LAST_NUMBER, {"plan_id": plan_id})
        return (last or 0) + 1


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
