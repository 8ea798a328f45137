"""PostgreSQL statements run on libpq itself: prepared once per connection, then one C call each.

psycopg's cursor wraps every ``execute`` in Python generators (transaction start, the prepared-statement
cache, the wait loop, a fresh cursor and transformer); on the benchmark machine that was about 65 µs
of CPU per statement against about 25 µs for libpq's own ``PQexecPrepared`` with psycopg's transformer
converting the values (``pq`` and ``adapt.Transformer`` are psycopg's public, documented lower layer).
A progress read runs five statements and a recorded session seven, so this is a third of their CPU.

Values are dumped and rows loaded by psycopg's own adapters, exactly as its cursor would (the tests in
``tests/integration/test_storage_prepared.py`` read them back through the ORM). The transaction is
begun as psycopg begins it, with the connection's isolation level and access mode, so psycopg's own
``commit`` and ``rollback`` (which ask libpq for the transaction's state) end it as usual. libpq
releases the GIL while it waits for the server, so other threads run meanwhile.

A statement is prepared on a connection once for the types of its values (``PREPARE`` is not undone
by a rollback); a connection replaced by the pool starts with nothing prepared. Nothing may run
``DEALLOCATE ALL`` or ``DISCARD ALL`` on the engine's connections: psycopg does on a rollback when it
prepared statements itself, so the engine turns its preparing off (``storage.engine``), and a pooler
in transaction mode (PgBouncer) cannot keep prepared statements either; connect to PostgreSQL itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from sqlalchemy import Connection

_KEPT = "acupath.libpq"
_SUCCEEDED = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)
_IDLE = pq.TransactionStatus.IDLE


@dataclass
class _Prepared:
    """What one psycopg connection holds for direct execution: a transformer and the names prepared."""

    driver: psycopg.Connection[Any]
    transformer: Transformer
    names: dict[tuple[bytes, tuple[int, ...]], bytes] = field(default_factory=dict)


def _state(connection: Connection) -> _Prepared:
    # Kept in the pool's record of the driver connection, which the pool clears when it reconnects;
    # the identity check covers a driver connection replaced some other way.
    driver = connection.connection.driver_connection
    info = connection.connection.info
    state: _Prepared | None = info.get(_KEPT)
    if state is None or state.driver is not driver:
        state = _Prepared(driver=driver, transformer=Transformer(driver))  # type: ignore[arg-type]
        info[_KEPT] = state
    return state


def _begin_command(driver: psycopg.Connection[Any]) -> bytes:
    # psycopg's own (``BaseConnection._get_tx_start_command``), from its public settings.
    parts = [b"BEGIN"]
    if driver.isolation_level is not None:
        parts += [b"ISOLATION LEVEL", driver.isolation_level.name.replace("_", " ").encode()]
    if driver.read_only is not None:
        parts.append(b"READ ONLY" if driver.read_only else b"READ WRITE")
    if driver.deferrable is not None:
        parts.append(b"DEFERRABLE" if driver.deferrable else b"NOT DEFERRABLE")
    return b" ".join(parts)


def _checked(result: pq.abc.PGresult, driver: psycopg.Connection[Any]) -> pq.abc.PGresult:
    if result.status not in _SUCCEEDED:
        raise psycopg.errors.error_from_result(result, encoding=driver.info.encoding)
    return result


def rows(connection: Connection, sql: bytes, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run ``sql`` (``$1``-style placeholders) with ``values`` and return its rows as psycopg loads them.

    Opens the connection's transaction first, as psycopg would, unless it is in autocommit mode.
    Raises psycopg's errors (``psycopg.IntegrityError`` for a duplicate or a broken reference,
    ``psycopg.OperationalError`` for a lost connection).
    """
    state = _state(connection)
    driver, transformer = state.driver, state.transformer
    pgconn = driver.pgconn
    params = transformer.dump_sequence(values, [PyFormat.AUTO] * len(values))
    types = transformer.types or ()
    if not driver.autocommit and pgconn.transaction_status == _IDLE:
        _checked(pgconn.exec_(_begin_command(driver)), driver)
    name = state.names.get((sql, types))
    if name is None:
        name = b"acupath_%d" % len(state.names)
        _checked(pgconn.prepare(name, sql, types), driver)
        state.names[(sql, types)] = name
    result = _checked(pgconn.exec_prepared(name, params, transformer.formats), driver)
    transformer.set_pgresult(result)
    return transformer.load_rows(0, result.ntuples, tuple)
