"""PostgreSQL statements run on libpq itself, a batch of them in one pipeline: one round trip each.

psycopg's cursor wraps every ``execute`` in Python generators (transaction start, the prepared-statement
cache, the wait loop, a fresh cursor and transformer); on the benchmark machine that was about 65 µs
of CPU per statement against about 25 µs for libpq's own calls with psycopg's transformer converting
the values (``pq`` and ``adapt.Transformer`` are psycopg's public, documented lower layer). Sending a
use case's reads, or its writes with the COMMIT, as one pipeline takes a progress read or a recorded
session from seven or nine round trips to two.

Values are dumped and rows loaded by psycopg's own adapters, exactly as its cursor would (the tests in
``tests/integration/test_storage_prepared.py`` read them back through the ORM). The transaction is
begun as psycopg begins it, with the connection's isolation level and access mode, so psycopg's own
``commit`` and ``rollback`` (which ask libpq for the transaction's state) end it as usual. The waits
for the server are ``cooperative.wait_for_socket``'s: other threads, or the event loop, run meanwhile.

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

from acupath.storage.cooperative import wait_for_socket

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


def _error(result: pq.abc.PGresult, driver: psycopg.Connection[Any]) -> psycopg.Error:
    if result.status == pq.ExecStatus.PIPELINE_ABORTED:  # skipped after an earlier statement failed
        return psycopg.errors.PipelineAborted("pipeline aborted")
    return psycopg.errors.error_from_result(result, encoding=driver.info.encoding)


def _default_transaction(driver: psycopg.Connection[Any]) -> bool:
    # READ COMMITTED (PostgreSQL's default) as psycopg opens it: every statement sees what was
    # committed before it, inside a transaction or not.
    return (driver.isolation_level in (None, psycopg.IsolationLevel.READ_COMMITTED)
            and driver.read_only is None and driver.deferrable is None)


def rows(connection: Connection, sql: bytes, values: Sequence[Any], *, writes: bool) -> list[tuple[Any, ...]]:
    """Run ``sql`` (``$1``-style placeholders) with ``values`` and return its rows as psycopg loads them.

    A write joins the connection's transaction, opened first as psycopg would (unless in autocommit
    mode), in the same round trip. A read before the transaction's first write runs on its own, as
    on SQLite (pysqlite begins at the first write too): at READ COMMITTED a statement sees the same
    committed rows inside a transaction or outside, and the BEGIN is saved. At another isolation level
    every statement opens the transaction. Raises psycopg's errors (``psycopg.IntegrityError`` for a
    duplicate or a broken reference, ``psycopg.OperationalError`` for a lost connection).
    """
    try:
        return pipeline(connection, [(sql, values)], writes=writes)[0]
    except FailedStatement as failed:
        raise failed.error from None


class FailedStatement(Exception):
    """Statement ``index`` of a batch failed with ``error`` (the driver's); none of a pipeline stays."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(f"statement {index}: {error}")
        self.index = index
        self.error = error


def pipeline(connection: Connection, statements: Sequence[tuple[bytes, Sequence[Any]]], *,
             writes: bool = True, commit: bool = False) -> list[list[tuple[Any, ...]]]:
    """Run ``statements`` in order in one round trip and return each one's rows.

    Writes (``writes``) join the connection's transaction, opened if need be, and with ``commit`` the
    transaction commits in the same round trip: when none was open, the writes form the implicit
    transaction that ends at the pipeline's sync (PostgreSQL's extended protocol), else a COMMIT
    follows them. Either way they stay or go together. Reads alone open no transaction at READ
    COMMITTED (see ``rows``). A statement new to the connection is prepared in the same round trip.
    Raises ``FailedStatement`` for the first that failed (the transaction is then rolled back, or left
    aborted for the caller's rollback), or ``psycopg.OperationalError`` for a lost connection.
    """
    state = _state(connection)
    driver = state.driver
    pgconn = driver.pgconn
    transformer = state.transformer
    idle = pgconn.transaction_status == _IDLE and not driver.autocommit
    implicit = idle and _default_transaction(driver) and (commit or not writes)
    # Every command sent gives one result: (what it was, the statement's index or the name it prepares).
    sent: list[tuple[str, Any]] = []
    pgconn.enter_pipeline_mode()
    try:
        if idle and not implicit:
            pgconn.send_query_params(_begin_command(driver), None)
            sent.append(("begin", None))
        naming: dict[tuple[bytes, tuple[int, ...]], bytes] = {}
        for index, (sql, values) in enumerate(statements):
            params = transformer.dump_sequence(values, [PyFormat.AUTO] * len(values))
            key = (sql, tuple(transformer.types or ()))
            name = state.names.get(key) or naming.get(key)
            if name is None:
                name = naming[key] = b"acupath_%d" % (len(state.names) + len(naming))
                pgconn.send_prepare(name, sql, key[1])
                sent.append(("prepare", key))
            pgconn.send_query_prepared(name, params, list(transformer.formats or ()))
            sent.append(("statement", index))
        if commit and not implicit and not driver.autocommit:
            pgconn.send_query_params(b"COMMIT", None)
            sent.append(("commit", None))
        pgconn.pipeline_sync()
        results = _until_sync(pgconn)
        pgconn.exit_pipeline_mode()
    except BaseException:
        # Stopped half-way (a lost connection, an interrupt): the connection's state is unknown, so
        # the pool throws it away instead of handing it to the next request.
        connection.invalidate()
        raise
    loaded: list[list[tuple[Any, ...]]] = []
    failed: FailedStatement | None = None
    for (kind, what), result in zip(sent, results, strict=True):
        if result.status not in _SUCCEEDED:
            # A failed BEGIN, PREPARE or COMMIT is charged to the statement it was sent for.
            index = what if kind == "statement" else min(len(loaded), len(statements) - 1)
            failed = failed or FailedStatement(index, _error(result, driver))
        elif kind == "prepare":
            state.names[what] = naming[what]
        elif kind == "statement":
            transformer.set_pgresult(result)
            loaded.append(transformer.load_rows(0, result.ntuples, tuple))
    if failed is not None:
        raise failed
    return loaded


def _until_sync(pgconn: pq.abc.PGconn) -> list[pq.abc.PGresult]:
    # Send everything, then collect one result per command up to the sync's. libpq's calls here
    # never block (psycopg's connections are non-blocking): the waits for the socket are
    # ``cooperative.wait_for_socket``'s, which let the event loop or other threads run meanwhile.
    while pgconn.flush():
        wait_for_socket(pgconn.socket, write=True)
        pgconn.consume_input()
    results: list[pq.abc.PGresult] = []
    while True:
        pgconn.consume_input()
        while not pgconn.is_busy():
            result = pgconn.get_result()
            if result is None:  # the end of one command's results
                continue
            if result.status == pq.ExecStatus.PIPELINE_SYNC:
                return results
            results.append(result)
        wait_for_socket(pgconn.socket)
