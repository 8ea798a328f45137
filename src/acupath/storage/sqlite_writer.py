"""One SQLite writer at a time per process, queued on a Python lock instead of SQLite's busy handler.

SQLite lets one transaction write at a time, and every acupath unit of work writes (its audit entry at
least). A transaction that finds the write lock taken waits in SQLite's busy handler, which sleeps
1, 2, 5, 10 ... up to 100 ms between tries: under 16 concurrent requests most of a request's time went
into those sleeps, long after the lock was free. Here the threads of one process queue on a
``threading.Lock`` instead and wake as soon as the writer before them returns its connection. The busy
timeout still orders the writers of different processes (``acupath serve`` with several workers).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_HELD = "acupath.write_lock"


@dataclass(frozen=True)
class _WriterLock:
    lock: threading.Lock
    wait_seconds: float


#: The writer lock of each SQLite engine.
_LOCKS: weakref.WeakKeyDictionary[Engine, _WriterLock] = weakref.WeakKeyDictionary()


def hold_writer_lock(connection: Connection) -> None:
    """Take the writer lock of ``connection``'s engine for its transaction, unless it holds it already.

    Nothing for an engine without one (PostgreSQL). The lock goes back after the commit or rollback, or
    with the connection (see ``serialise_writers``). A writer waits at most the engine's
    ``wait_seconds`` and then goes on to SQLite, whose busy timeout then applies, so a unit of work
    opened inside another on one thread is slowed down, never deadlocked.
    """
    writer = _LOCKS.get(connection.engine)
    if writer is None:
        return
    info = connection.connection.info  # the pooled connection's record: lives as long as the DBAPI one
    if not info.get(_HELD):
        info[_HELD] = writer.lock.acquire(timeout=writer.wait_seconds)


def _give_back(writer: _WriterLock | None, info: dict[Any, Any]) -> None:
    if writer is not None and info.pop(_HELD, False):  # pop: a second release is a no-op
        writer.lock.release()


def release_writer_lock(connection: Connection) -> None:
    """Give back the writer lock ``connection`` holds, if any (after its commit or rollback)."""
    if not connection.closed:
        _give_back(_LOCKS.get(connection.engine), connection.connection.info)


def serialise_writers(engine: Engine, wait_seconds: float) -> None:
    """Make the connections of ``engine`` take a per-engine lock before their first write.

    The lock is taken just before the statement that opens a write transaction (here for statements
    run through SQLAlchemy, by ``storage.prepared`` for those it runs) and given back after the commit
    or rollback (``release_writer_lock``, by the unit of work) or when the connection returns to the
    pool, whichever comes first.
    """
    writer = _LOCKS[engine] = _WriterLock(threading.Lock(), wait_seconds)

    def before_execute(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:7].upper().startswith(_WRITES):
            hold_writer_lock(connection)

    def release(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
        _give_back(writer, record.info)

    event.listen(engine, "before_cursor_execute", before_execute)
    # Checkin follows the commit or rollback; a connection closed or invalidated mid-transaction never
    # comes back, so those release too (pop makes a second release a no-op).
    event.listen(engine.pool, "checkin", release)
    event.listen(engine.pool, "close", release)
    event.listen(engine.pool, "invalidate", release)
