"""Engines for SQLite (the default: WAL, foreign keys, busy timeout) and PostgreSQL 15 (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from acupath.errors import InputError
from acupath.storage.sqlite_writer import serialise_writers

#: How long a SQLite writer waits for another writer's lock before failing, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 5000


def database_url(url: str | URL) -> URL:
    """Return ``url`` with the driver acupath uses (psycopg 3 for PostgreSQL).

    Raises ``InputError`` for a database other than SQLite or PostgreSQL.
    """
    try:
        parsed = make_url(url)
    except Exception:  # the message of SQLAlchemy's ArgumentError is clear enough to pass on
        raise InputError("database_url", f"cannot parse {str(url)!r}",
                         "sqlite:///<file>, postgresql://user@host/db") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed
    raise InputError("database_url", f"unsupported database {backend!r}", "sqlite, postgresql")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Per connection, because SQLite forgets these on every new connection: foreign keys are off by
    # default, and without a busy timeout a second writer fails at once instead of waiting. WAL lets
    # readers go on while one writer writes (it is a property of the file, but setting it is cheap).
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
    # pysqlite opens a transaction only before the first INSERT, UPDATE or DELETE (reads before it run
    # on their own, as they always have here); make that BEGIN IMMEDIATE instead of a deferred BEGIN,
    # so the transaction takes the write lock at once and a second writer waits for the busy timeout
    # instead of failing with "database is locked" when its lock upgrade loses to a concurrent commit.
    dbapi_connection.isolation_level = "IMMEDIATE"


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """Return an engine for ``url`` configured for acupath. Raises ``InputError`` for a bad URL."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        # One server process serves requests from several threads; each connection is used by one
        # thread at a time through the pool, which holds one for each of 16 concurrent requests.
        engine = create_engine(parsed, echo=echo, connect_args={"check_same_thread": False},
                               pool_size=16, max_overflow=16)
        event.listen(engine, "connect", _sqlite_pragmas)
        serialise_writers(engine, SQLITE_BUSY_TIMEOUT_MS / 1000)
        return engine
    # 16 concurrent requests each hold a connection for their whole unit of work; the pool is sized
    # so none waits for one. No pre-ping: it costs a round trip per request, and a connection the
    # server dropped fails the one request that meets it (the pool then replaces it).
    # psycopg prepares no statement of its own (prepare_threshold None): the hot statements are
    # prepared by ``storage.libpq``, and psycopg answers every rollback of a connection where it
    # prepared something with DEALLOCATE ALL, which would drop those too.
    return create_engine(parsed, echo=echo, pool_size=20, max_overflow=20, pool_recycle=3600,
                         connect_args={"prepare_threshold": None})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory a ``SqlAlchemyUnitOfWork`` draws sessions from.

    Records are mapped to plain dataclasses before a commit, so nothing needs expiring after one.
    """
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
