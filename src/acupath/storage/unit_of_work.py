"""The SQLAlchemy unit of work: one connection, one transaction, committed only by ``commit()``.

The transaction lives on a SQLAlchemy ``Connection`` that the unit of work checks out of the pool when
a repository first needs it. The statements of the hot paths run on it through ``storage.prepared``;
an ORM ``Session`` is made only when a repository needs one, bound to that same connection and its
transaction (``join_transaction_mode="rollback_only"``: the session never commits it, the unit of work
does). Most requests (progress, recording a session, every audit entry) never make one: a session's
own begin, connection and commit bookkeeping was a fifth of their time.

Rows written through ``storage.prepared`` (a session and its points, every audit entry) wait in the
unit of work until its next statement or its commit (``write_later``): on PostgreSQL they then go with
the COMMIT in one round trip. A duplicate among them becomes ``Conflict`` there, before anything stays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from acupath.errors import NotAuthenticated
from acupath.services.records.summaries import PlanAtSession, PlanCourse
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.storage import repositories as sql
from acupath.storage.engine import make_engine, make_session_factory
from acupath.storage.prepared import FailedWrite, Pending, Prepared, read_together, run_pending
from acupath.storage.repositories import summaries
from acupath.storage.repositories.base import refused
from acupath.storage.repositories.statements import TOKEN_REVOKED
from acupath.storage.sqlite_writer import release_writer_lock


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A unit of work over one pooled connection; build one per use case (they are cheap).

    ``SqlAlchemyUnitOfWork(session_factory)``; ``from_url`` makes the engine too (for scripts and tests;
    a server shares one engine and session factory between all its units of work). A unit of work
    holds one connection at a time: never share one between threads or concurrent requests.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory
        self.engine: Engine = session_factory.kw["bind"]
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._pending: list[Pending] = []
        self._token_to_check: str | None = None

    @classmethod
    def from_engine(cls, engine: Engine) -> SqlAlchemyUnitOfWork:
        """Return a unit of work on ``engine``."""
        return cls(make_session_factory(engine))

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> SqlAlchemyUnitOfWork:
        """Return a unit of work on a new engine for ``url``. Raises ``InputError`` for a bad URL."""
        return cls.from_engine(make_engine(url, echo=echo))

    @property
    def connection(self) -> Connection:
        """Return the connection of the unit of work, in a transaction, with the writes held back run.

        Checked out and begun on first use; the login token is asked about if it was not yet (as by
        ``read_together`` with nothing else to read). Raises ``NotAuthenticated`` for a token revoked at
        logout, ``Conflict`` when a held-back write is a duplicate.
        """
        self.read_together([])
        return self._begun()

    def refuse_revoked_token(self) -> None:
        """Ask whether ``token_id`` was revoked with the unit of work's first statement, not on its own.

        ``read_together`` sends the question in the same round trip as its reads, and nothing they
        read is returned before the answer; any other statement, and the commit, ask it first.
        """
        self._token_to_check = self.token_id

    def read_together(self, reads: Sequence[tuple[Prepared, Mapping[str, Any]]]) -> list[list[tuple[Any, ...]]]:
        """Return the rows of each prepared SELECT of ``reads`` (with its values), in one round trip if it can.

        Raises ``NotAuthenticated`` (the token was revoked at logout: nothing read is returned) and
        ``Conflict`` as ``connection``.
        """
        connection = self._begun()
        if self._pending:
            self._run_pending(connection, commit=False)
        if self._token_to_check is not None:
            return self._check_token(connection, reads)
        return read_together(connection, reads)

    def _check_token(self, connection: Connection,
                     reads: Sequence[tuple[Prepared, Mapping[str, Any]]]) -> list[list[tuple[Any, ...]]]:
        token_id, self._token_to_check = self._token_to_check, None
        revoked, *results = read_together(connection, [(TOKEN_REVOKED, {"token_id": token_id}), *reads])
        if revoked:
            raise NotAuthenticated("the token was revoked at logout; log in again")
        return results

    def plan_course(self, clinic_id: str, plan_id: str) -> PlanCourse | None:
        return summaries.plan_course(self, clinic_id, plan_id)

    def plan_at_session(self, clinic_id: str, plan_id: str) -> PlanAtSession | None:
        return summaries.plan_at_session(self, clinic_id, plan_id)

    def _begun(self) -> Connection:
        if self._connection is None:
            self._connection = self.engine.connect()
        if not self._connection.in_transaction():
            # Begun explicitly, so that ``commit`` reaches the driver: statements run by
            # ``storage.prepared`` go past the connection's own autobegin.
            self._connection.begin()
        return self._connection

    def write_later(self, pending: Pending) -> None:
        """Hold ``pending`` back until the next statement of the unit of work or its commit."""
        self._pending.append(pending)

    def _run_pending(self, connection: Connection, *, commit: bool) -> None:
        pending, self._pending = self._pending, []
        try:
            run_pending(connection, pending, commit=commit)
        except FailedWrite as failed:
            # The unit of work rolls the whole transaction back; nothing of it is kept.
            raise refused(failed.error, failed.pending.what) from None

    @property
    def session(self) -> Session:
        """Return the ORM session of the unit of work, made on first use on its connection and transaction.

        The writes held back run first, so the session sees them. Raises ``Conflict`` as ``connection``.
        """
        connection = self.connection
        if self._session is None:
            self._session = self.session_factory(bind=connection, join_transaction_mode="rollback_only")
        return self._session

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.clinics = sql.SqlClinicRepository(self)
        self.users = sql.SqlUserRepository(self)
        self.patients = sql.SqlPatientRepository(self)
        self.intakes = sql.SqlIntakeRepository(self)
        self.screenings = sql.SqlScreeningRepository(self)
        self.plans = sql.SqlPlanRepository(self)
        self.sessions = sql.SqlSessionRepository(self)
        self.adverse_events = sql.SqlAdverseEventRepository(self)
        self.reassessments = sql.SqlReassessmentRepository(self)
        self.amendments = sql.SqlAmendmentRepository(self)
        self.audit = sql.SqlAuditLog(self)
        self.revoked_tokens = sql.SqlTokenRevocations(self)
        try:
            super().__enter__()  # refuses a revoked token: then ``__exit__`` never runs, so close here
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *args: Any) -> None:
        try:
            super().__exit__(*args)
        finally:
            self._close()

    def commit(self) -> None:
        if self._token_to_check is not None:
            self._check_token(self._begun(), [])
        if self._session is not None:
            self._session.flush()  # the ORM's pending changes go into the transaction first
            self._end_session()
        if self._pending:
            self._run_pending(self._begun(), commit=True)
        if self._connection is not None and self._connection.in_transaction():
            self._connection.commit()
            release_writer_lock(self._connection)

    def rollback(self) -> None:
        self._pending = []
        if self._session is not None:
            self._end_session()
        if self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()
            release_writer_lock(self._connection)

    def _end_session(self) -> None:
        # Records leave as plain dataclasses before a commit, so the session's objects are not needed
        # after it; the next repository that needs a session gets a fresh one in the next transaction.
        assert self._session is not None
        self._session.close()
        self._session = None

    def _close(self) -> None:
        if self._session is not None:
            self._end_session()
        if self._connection is not None:
            self._connection.close()  # rolls back what was not committed and returns it to the pool
            self._connection = None
