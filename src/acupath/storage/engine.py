"""Engines for SQLite (the default: WAL, foreign keys, one connection) and PostgreSQL 15 (psycopg 3).

Every statement runs through SQLAlchemy (its events and ``echo`` see them all), every unit of work is
one transaction from its first statement to its commit or rollback, on both databases:

- PostgreSQL: psycopg begins the transaction before the first statement (SQLAlchemy's autobegin), at
  READ COMMITTED. A statement run ``PREPARE_THRESHOLD`` times on a connection is prepared by psycopg
  itself (its ``prepare_threshold``). ``pool_pre_ping`` tests each connection as it leaves the pool,
  so a restarted server (or a backend it terminated) costs a reconnect, not a failed request.
- SQLite: pysqlite's own transaction handling is turned off (``isolation_level=None``) and every
  transaction starts with ``BEGIN IMMEDIATE`` (SQLAlchemy's documented recipe, "Serializable isolation
  / Savepoints / Transactional DDL"): it takes the write lock at once, so a unit of work that reads and
  then writes never fails on a lock upgrade, and concurrent writers are serialised.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from acupath.errors import InputError

#: How long a SQLite writer of another process waits for the write lock before failing, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 5000

#: Executions of one statement on a PostgreSQL connection after which psycopg prepares it (its default).
PREPARE_THRESHOLD = 5


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
    # default, and without a busy timeout a writer of another process fails at once instead of
    # waiting. WAL lets readers go on while one writer writes.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # pysqlite's own BEGIN is off (isolation_level=None), so SQLAlchemy's begin reaches SQLite here.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """Return an engine for ``url`` configured for acupath. Raises ``InputError`` for a bad URL."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        # One connection, which the threads of a server take in turn from the pool: SQLite lets one
        # transaction write at a time and every unit of work writes (its audit entry at least). With
        # a connection per thread the writers queued in SQLite's busy handler, which sleeps 1, 2, 5,
        # 10 ... 100 ms between tries, long after the lock was free (measured: most of a request's
        # time under 16 clients); the pool's queue wakes the next thread as soon as one is done.
        # The busy timeout still orders the writers of several processes.
        engine = create_engine(parsed, echo=echo, pool_size=1, max_overflow=0, pool_timeout=30,
                               connect_args={"check_same_thread": False, "isolation_level": None})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A server's thread pool (40 threads, anyio's default) each holding a connection for its unit of
    # work never waits for one.
    return create_engine(parsed, echo=echo, pool_size=20, max_overflow=20, pool_recycle=3600,
                         pool_pre_ping=True, connect_args={"prepare_threshold": PREPARE_THRESHOLD})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory a ``SqlAlchemyUnitOfWork`` draws sessions from.

    Records are mapped to plain dataclasses before a commit, so nothing needs expiring after one.
    """
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
