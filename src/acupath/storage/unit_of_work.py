"""The SQLAlchemy unit of work: one ``Session``, one transaction, committed only by ``commit()``.

Entering the unit of work makes a session from the factory; every repository works on it (ORM
objects and Core statements alike, all through ``Session.execute``, so SQLAlchemy's events and echo
see every statement). The session begins its transaction with the first statement and the unit of
work ends it: ``commit()`` commits, leaving the ``with`` block rolls back what was not committed and
gives the connection back to the pool. A commit inside the block starts the next transaction with the
next statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from acupath.services.records.summaries import PlanAtSession
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.storage import repositories as sql
from acupath.storage.engine import make_engine, make_session_factory
from acupath.storage.repositories.between_visits import (
    SqlAssignments,
    SqlCrisisContacts,
    SqlHomework,
    SqlUrgentTasks,
)
from acupath.storage.repositories.clinical import plan_at_session
from acupath.storage.repositories.fhir_export import SqlBulkRecords, SqlExportJobs
from acupath.storage.repositories.login_failures import SqlLoginFailures
from acupath.storage.repositories.portal import SqlPortalAccounts, SqlPortalLinks, SqlPortalSignIns
from acupath.storage.repositories.sign_ins import SqlSignIns


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A unit of work over one ORM session; build one per use case (they are cheap).

    ``SqlAlchemyUnitOfWork(session_factory)``; ``from_url`` makes the engine too (for scripts and tests;
    a server shares one engine and session factory between all its units of work). Never share one
    between threads or concurrent requests.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory
        self.engine: Engine = session_factory.kw["bind"]
        self._session: Session | None = None

    @classmethod
    def from_engine(cls, engine: Engine) -> SqlAlchemyUnitOfWork:
        """Return a unit of work on ``engine``."""
        return cls(make_session_factory(engine))

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> SqlAlchemyUnitOfWork:
        """Return a unit of work on a new engine for ``url``. Raises ``InputError`` for a bad URL."""
        return cls.from_engine(make_engine(url, echo=echo))

    @property
    def session(self) -> Session:
        """Return the session of the unit of work. Raises ``RuntimeError`` outside its ``with`` block."""
        if self._session is None:
            raise RuntimeError("the unit of work is not entered: use it in a `with` block")
        return self._session

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        session = self._session = self.session_factory()
        self.clinics = sql.SqlClinicRepository(session)
        self.users = sql.SqlUserRepository(session)
        self.patients = sql.SqlPatientRepository(session)
        self.intakes = sql.SqlIntakeRepository(session)
        self.screenings = sql.SqlScreeningRepository(session)
        self.plans = sql.SqlPlanRepository(session)
        self.sessions = sql.SqlSessionRepository(session)
        self.adverse_events = sql.SqlAdverseEventRepository(session)
        self.reassessments = sql.SqlReassessmentRepository(session)
        self.amendments = sql.SqlAmendmentRepository(session)
        self.assignments = SqlAssignments(session)
        self.crisis_contacts = SqlCrisisContacts(session)
        self.urgent_tasks = SqlUrgentTasks(session)
        self.homework = SqlHomework(session)
        self.audit = sql.SqlAuditLog(session)
        self.revoked_tokens = sql.SqlTokenRevocations(session)
        self.sign_ins = SqlSignIns(session)
        self.login_failures = SqlLoginFailures(session)
        self.portal_accounts = SqlPortalAccounts(session)
        self.portal_links = SqlPortalLinks(session)
        self.portal_sign_ins = SqlPortalSignIns(session)
        self.export_jobs = SqlExportJobs(session)
        self.bulk_records = SqlBulkRecords(session)
        return self

    def __exit__(self, *args: Any) -> None:
        try:
            super().__exit__(*args)
        finally:
            self._close()

    def plan_at_session(self, clinic_id: str, plan_id: str) -> PlanAtSession | None:
        # Every recorded session reads this: two statements instead of five (``clinical.plan_at_session``).
        return plan_at_session(self.session, clinic_id, plan_id)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()

    def _close(self) -> None:
        if self._session is not None:
            self._session.close()  # rolls back what was not committed and returns the connection
            self._session = None
