"""Statements compiled once per database and run straight on the driver (libpq itself for PostgreSQL).

The statements every API request runs (the logout check, a plan's head, progress's summaries, the
audit entry, a session's rows) are SQLAlchemy Core statements over the tables, compiled here once for
each dialect. Executing one then costs the driver's own ``execute`` plus SQLAlchemy's type conversions,
without the per-call work of ``Session.execute`` (cache-key lookup, execution context, result object),
which was most of the time of a request on SQLite and between a half and two thirds of its CPU time
on PostgreSQL.

Values go in and come out exactly as SQLAlchemy would convert them: each bound parameter uses its
type's ``bind_processor`` and each selected column its ``result_processor`` for the dialect (dates as
ISO text and JSON as text on SQLite, a time zone added to stored UTC times, ...), so a row written here
reads back through the ORM unchanged and the other way round (``tests/integration`` checks both ways
on SQLite and PostgreSQL).

The statement runs on the unit of work's connection, inside its transaction: on SQLite on the driver's
cursor, on PostgreSQL on libpq as a statement prepared on that connection (``storage.libpq``). The
transaction opens as SQLAlchemy's would (pysqlite's ``BEGIN IMMEDIATE`` before the first write,
psycopg's ``BEGIN`` before the first statement), and the unit of work commits or rolls it back. A list
of rows to insert goes as multi-row INSERTs, one statement per ``ROWS_PER_INSERT`` rows.
On SQLite a write first takes the engine's writer lock (``storage.sqlite_writer``), as a write through
SQLAlchemy does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

from acupath.storage import libpq
from acupath.storage.sqlite_writer import hold_writer_lock

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    """One statement as one dialect runs it."""

    sql: str
    keys: tuple[str, ...]  # the parameters' keys, in the order a positional driver takes them
    slots: tuple[str, ...]  # the parameters' names in the SQL (a driver that takes a mapping)
    binds: tuple[Processor, ...]  # one per key
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]  # (index, processor) of the columns to convert
    positional: bool
    writes: bool
    direct: bool  # run on libpq (``storage.libpq``) rather than on the driver's cursor

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """Return ``values`` converted for the driver, as a sequence or a mapping as it expects.

        Raises ``KeyError`` naming a parameter that ``values`` lacks.
        """
        converted = [values[key] if proc is None or values[key] is None else proc(values[key])
                     for key, proc in zip(self.keys, self.binds, strict=True)]
        return converted if self.positional else dict(zip(self.slots, converted, strict=True))

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """Return one driver row with every column converted as SQLAlchemy would."""
        if not self.converted:
            return tuple(raw)
        values = list(raw)
        for index, proc in self.converted:
            if values[index] is not None:
                values[index] = proc(values[index])
        return tuple(values)


def _processor(type_: Any, dialect: Dialect, kind: str) -> Processor:
    impl = type_.dialect_impl(dialect)
    if kind == "bind":
        return impl.bind_processor(dialect)  # type: ignore[no-any-return]
    return impl.result_processor(dialect, None)  # type: ignore[no-any-return]


#: Rows a multi-row INSERT takes at most: a longer list is written in chunks of this many, so a
#: statement is compiled for at most this many row counts.
ROWS_PER_INSERT = 32


def _for_libpq(dialect: Dialect) -> Dialect:
    # libpq takes ``$1``-style placeholders; the psycopg dialect compiles ``%(name)s`` for psycopg to
    # rewrite on every execute. The same dialect class with SQLAlchemy's own ``numeric_dollar`` style
    # compiles the SQL libpq takes (``storage.libpq``); types and their processors are the dialect's.
    return type(dialect)(paramstyle="numeric_dollar")


class Prepared:
    """A Core statement run on the driver of a connection (see the module docstring).

    ``Prepared(select(...).where(col == bindparam("name")))``; then ``rows(connection, {"name": value})``.
    An ``insert(table)`` is compiled for the columns its first parameters name (``pieces``).
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        #: The names of the columns each row holds, in order.
        self.columns = tuple(str(column.key) for column in getattr(statement, "exported_columns", ()))
        # By dialect name, columns given (an INSERT) and rows (a multi-row INSERT); filled on first use
        # (a race between two threads compiles twice, and either result is the same).
        self._compiled: dict[tuple[str, tuple[str, ...], int], _Compiled] = {}

    def _statement_for(self, keys: tuple[str, ...], count: int) -> tuple[Executable, list[str] | None]:
        if count == 1:
            return self.statement, list(keys) or None
        table = self.statement.table  # type: ignore[attr-defined]
        return self.statement.values([  # type: ignore[attr-defined]
            {key: bindparam(f"{key}__{row}", type_=table.c[key].type) for key in keys} for row in range(count)
        ]), None

    def _for(self, dialect: Dialect, keys: tuple[str, ...], count: int = 1) -> _Compiled:
        found = self._compiled.get((dialect.name, keys, count))
        if found is None:
            direct = dialect.driver == "psycopg"
            statement, column_keys = self._statement_for(keys, count)
            compiled = statement.compile(dialect=_for_libpq(dialect) if direct else dialect,
                                         column_keys=column_keys)
            positional = direct or bool(dialect.positional)
            names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
            found = _Compiled(
                sql=compiled.string,
                keys=tuple(compiled.binds[name].key for name in names),
                slots=names,
                binds=tuple(_processor(compiled.binds[name].type, dialect, "bind") for name in names),
                # The selected columns, or those an INSERT ... RETURNING gives back, that need converting.
                converted=tuple((i, proc) for i, column in enumerate(getattr(self.statement, "exported_columns", ()))
                                if (proc := _processor(column.type, dialect, "result")) is not None),
                positional=positional,
                writes=bool(self.statement.is_dml),
                direct=direct,
            )
            self._compiled[(dialect.name, keys, count)] = found
        return found

    def pieces(self, dialect: Dialect, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]
               ) -> list[tuple[_Compiled, Mapping[str, Any]]]:
        """Return the statements that run ``values`` on ``dialect``, each with its parameters.

        One mapping is one statement; a list of rows to insert is one multi-row INSERT per
        ``ROWS_PER_INSERT`` rows (every mapping of a list names the same columns).
        """
        if isinstance(values, Mapping):
            # An INSERT is compiled for the columns given; a SELECT's parameters are fixed by the statement.
            return [(self._for(dialect, tuple(values) if self.statement.is_dml else ()), values)]
        batch = list(values)
        keys = tuple(batch[0]) if batch else ()
        chunks = [batch[start:start + ROWS_PER_INSERT] for start in range(0, len(batch), ROWS_PER_INSERT)]
        return [(self._for(dialect, keys, len(chunk)),
                 chunk[0] if len(chunk) == 1 else
                 {f"{key}__{row}": value for row, one in enumerate(chunk) for key, value in one.items()})
                for chunk in chunks]

    def _run(self, connection: Connection, compiled: _Compiled, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        if compiled.writes:
            hold_writer_lock(connection)
        parameters = compiled.parameters(values)
        if compiled.direct:
            raw = libpq.rows(connection, compiled.sql.encode(), parameters,  # type: ignore[arg-type]
                             writes=compiled.writes)
        else:
            cursor = connection.connection.driver_connection.cursor()
            try:
                cursor.execute(compiled.sql, parameters)
                raw = cursor.fetchall() if cursor.description is not None else []
            finally:
                cursor.close()
        return [compiled.row(row) for row in raw]

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Return every row the statement gives (a SELECT's, or an INSERT's RETURNING), converted.

        Raises the driver's own errors (``sqlite3.Error``, ``psycopg.Error``; its ``IntegrityError``
        for a duplicate or a broken reference) and ``KeyError`` for a parameter missing from ``values``.
        """
        # An INSERT is compiled for the columns given; a SELECT's parameters are fixed by the statement.
        compiled = self._for(connection.dialect, tuple(values) if self.statement.is_dml else ())
        return self._run(connection, compiled, values)

    def first(self, connection: Connection, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Return the first row the statement gives, or None (see ``rows``)."""
        found = self.rows(connection, values)
        return found[0] if found else None


@dataclass(frozen=True)
class Pending:
    """A write the unit of work holds back until its next statement or its commit (``run_pending``).

    ``what`` names the record written (for the ``Conflict`` a duplicate becomes); ``returned``, when
    given, receives the rows its RETURNING gives back once it ran.
    """

    statement: Prepared
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    what: str
    returned: Callable[[list[tuple[Any, ...]]], None] | None = None


class FailedWrite(Exception):
    """``pending`` failed with ``error`` (the driver's); none of the writes run with it stayed."""

    def __init__(self, pending: Pending, error: Exception) -> None:
        super().__init__(f"{pending.what}: {error}")
        self.pending = pending
        self.error = error


Piece = tuple[Prepared, _Compiled, Mapping[str, Any]]  # a statement, as compiled, with its parameters


def _run_all(connection: Connection, pieces: Sequence[Piece], *, writes: bool, commit: bool = False
             ) -> list[list[tuple[Any, ...]]]:
    # PostgreSQL: one round trip (``libpq.pipeline``); elsewhere one statement after another, and a
    # commit is left to the caller. Raises ``libpq.FailedStatement`` naming the first piece that failed.
    if pieces and all(compiled.direct for _, compiled, _ in pieces):
        results = libpq.pipeline(connection, [(compiled.sql.encode(), compiled.parameters(values))
                                              for _, compiled, values in pieces], writes=writes, commit=commit)
        return [[compiled.row(row) for row in rows] for (_, compiled, _), rows in zip(pieces, results, strict=True)]
    results = []
    for index, (statement, compiled, values) in enumerate(pieces):
        try:
            results.append(statement._run(connection, compiled, values))
        except connection.dialect.loaded_dbapi.Error as error:
            raise libpq.FailedStatement(index, error) from error
    return results


def read_together(connection: Connection, reads: Sequence[tuple[Prepared, Mapping[str, Any]]]
                  ) -> list[list[tuple[Any, ...]]]:
    """Return the rows of each SELECT of ``reads`` (statement and values), converted, in order.

    On PostgreSQL they go in one round trip (``libpq.pipeline``); elsewhere one after another.
    Raises as ``Prepared.rows``.
    """
    try:
        return _run_all(connection, [(statement, *statement.pieces(connection.dialect, values)[0])
                                     for statement, values in reads], writes=False)
    except libpq.FailedStatement as failed:
        raise failed.error from None


def run_pending(connection: Connection, pending: Sequence[Pending], *, commit: bool) -> None:
    """Run ``pending`` in order on the connection's transaction, committing it too with ``commit``.

    On PostgreSQL the writes (and the COMMIT) go in one round trip (``libpq.pipeline``) and stay or go
    together; elsewhere they run one after another, and ``commit`` is left to the caller. Raises
    ``FailedWrite`` naming the first write that failed.
    """
    pieces: list[Piece] = []
    owners: list[Pending] = []  # the write each piece belongs to (a long list of rows is several)
    for write in pending:
        for compiled, parameters in write.statement.pieces(connection.dialect, write.values):
            pieces.append((write.statement, compiled, parameters))
            owners.append(write)
    try:
        results = _run_all(connection, pieces, writes=True, commit=commit)
    except libpq.FailedStatement as failed:
        raise FailedWrite(owners[failed.index], failed.error) from failed.error
    for write, rows in zip(owners, results, strict=True):
        if write.returned is not None:
            write.returned(rows)
