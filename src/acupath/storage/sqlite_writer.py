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
from typing import Any

from sqlalchemy import Engine, event

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_HELD = "acupath.write_lock"


def serialise_writers(engine: Engine, wait_seconds: float) -> None:
    """Make the connections of ``engine`` take a per-engine lock before their first write.

    The lock is taken just before the statement that opens a write transaction and given back when the
    connection returns to the pool (after its commit or rollback). A writer waits at most
    ``wait_seconds`` for it and then goes on to SQLite, whose busy timeout then applies as before, so a
    unit of work opened inside another on one thread is slowed down, never deadlocked.
    """
    lock = threading.Lock()

    def before_execute(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        info = connection.connection.info  # the pooled connection's record: lives as long as the DBAPI one
        if info.get(_HELD) or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        info[_HELD] = lock.acquire(timeout=wait_seconds)

    def release(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
        if record.info.pop(_HELD, False):
            lock.release()

    event.listen(engine, "before_cursor_execute", before_execute)
    # Checkin follows the commit or rollback; a connection closed or invalidated mid-transaction never
    # comes back, so those release too (pop makes a second release a no-op).
    event.listen(engine.pool, "checkin", release)
    event.listen(engine.pool, "close", release)
    event.listen(engine.pool, "invalidate", release)
