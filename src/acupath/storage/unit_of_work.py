"""The SQLAlchemy unit of work: one session, one transaction, committed only by ``commit()``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.storage import repositories as sql
from acupath.storage.engine import make_engine, make_session_factory


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a SQLAlchemy session; build one per use case (they are cheap).

    ``SqlAlchemyUnitOfWork(session_factory)``; ``from_url`` makes the engine too (for scripts and tests;
    a server shares one engine and session factory between all its units of work). A unit of work
    holds one session at a time: never share one between threads or concurrent requests.
    """

    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    @classmethod
    def from_engine(cls, engine: Engine) -> SqlAlchemyUnitOfWork:
        """Return a unit of work on ``engine``."""
        return cls(make_session_factory(engine))

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> SqlAlchemyUnitOfWork:
        """Return a unit of work on a new engine for ``url``. Raises ``InputError`` for a bad URL."""
        return cls.from_engine(make_engine(url, echo=echo))

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.session = self.session_factory()
        self.clinics = sql.SqlClinicRepository(self.session)
        self.users = sql.SqlUserRepository(self.session)
        self.patients = sql.SqlPatientRepository(self.session)
        self.intakes = sql.SqlIntakeRepository(self.session)
        self.screenings = sql.SqlScreeningRepository(self.session)
        self.plans = sql.SqlPlanRepository(self.session)
        self.sessions = sql.SqlSessionRepository(self.session)
        self.adverse_events = sql.SqlAdverseEventRepository(self.session)
        self.reassessments = sql.SqlReassessmentRepository(self.session)
        self.audit = sql.SqlAuditLog(self.session)
        self.revoked_tokens = sql.SqlTokenRevocations(self.session)
        try:
            super().__enter__()  # refuses a revoked token: then ``__exit__`` never runs, so close here
        except BaseException:
            self.session.close()
            raise
        return self

    def __exit__(self, *args: Any) -> None:
        super().__exit__(*args)
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
