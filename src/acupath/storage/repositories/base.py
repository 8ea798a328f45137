"""What every SQLAlchemy repository shares: its session, and turning duplicates into ``Conflict``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acupath.errors import Conflict

#: SQLSTATE of a unique violation on PostgreSQL.
UNIQUE_VIOLATION = "23505"


def is_duplicate(error: Exception) -> bool:
    """Return True when ``error`` is a unique-constraint violation (a duplicate), not a broken reference.

    ``error`` is SQLAlchemy's ``IntegrityError`` (or the driver's own it wraps).
    """
    original = error.orig if isinstance(error, IntegrityError) else error
    if getattr(original, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return str(original).startswith("UNIQUE constraint failed")  # SQLite's wording


def refused(error: Exception, what: str) -> Exception:
    """Return what to raise for ``error`` met writing ``what``: ``Conflict`` for a duplicate, else ``error``.

    A broken reference is a fault, not a user's conflict, so it goes on as it is.
    """
    return Conflict(f"{what} conflicts with a stored record") if is_duplicate(error) else error


class SqlRepository:
    """A repository working in the unit of work's session (its transaction); it flushes, and never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def flush(self, what: str) -> None:
        """Send pending writes now, so a duplicate surfaces here. Raises ``Conflict`` naming ``what``.

        Any other integrity error (a broken reference) is a fault, not a user's conflict: it propagates.
        """
        try:
            self.session.flush()
        except IntegrityError as error:
            # The unit of work rolls the whole transaction back; nothing of it is kept.
            raise refused(error, what) from None

    def insert(self, what: str, table: Table, values: dict[str, Any] | list[dict[str, Any]]) -> None:
        """Insert one row (a dict) or many (a list of dicts, as one multi-row INSERT) into ``table``.

        A Core INSERT: no ORM object is made for rows nobody reads back in this unit of work. A list
        goes as SQLAlchemy's "insertmanyvalues" batch (INSERT ... VALUES of many rows in one
        statement), which SQLAlchemy uses for an INSERT with RETURNING: the primary key is returned
        for that (psycopg and pysqlite would otherwise run one INSERT per row). Raises ``Conflict``
        naming ``what`` for a duplicate; a broken reference propagates (see ``flush``).
        """
        if not values:
            return
        statement = insert(table)
        if isinstance(values, list):
            statement = statement.returning(*table.primary_key.columns)
        try:
            self.session.execute(statement, values).close()
        except IntegrityError as error:
            raise refused(error, what) from None

    def one(self, row_type: Any, clinic_id: str, record_id: str) -> Any:
        """Return the clinic's record of ``row_type`` with this id as a record, or None.

        The clinic is part of the query, so another clinic's id finds nothing.
        """
        row = self.session.scalars(
            select(row_type).where(row_type.id == record_id, row_type.clinic_id == clinic_id)
        ).one_or_none()
        return row.to_domain() if row else None

    def paged(self, query: Any, *order: Any, offset: int, limit: int) -> tuple[list[Any], int]:
        """Return one page of ``query``'s rows (ordered by ``order``) as records, and how many rows it has."""
        total = self.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
        rows = self.session.scalars(query.order_by(*order).offset(offset).limit(limit))
        return [row.to_domain() for row in rows], total

    def of_patient_page(
        self, row_type: Any, clinic_id: str, patient_id: str, *order: Any, offset: int, limit: int
    ) -> tuple[list[Any], int]:
        """Return one page of the patient's records of ``row_type`` in the clinic, and how many there are."""
        query = select(row_type).where(row_type.clinic_id == clinic_id, row_type.patient_id == patient_id)
        return self.paged(query, *order, offset=offset, limit=limit)

    def compare_and_set(self, row_type: Any, values: dict[str, Any], expected_version: int, what: str) -> None:
        """Write ``values`` over the clinic's row (``values`` hold its id and clinic) as ``expected_version + 1``.

        A stale write matches no row and changes nothing: ``Conflict`` naming ``what``; a duplicate too.
        """
        try:
            result = self.session.execute(
                update(row_type)
                .where(row_type.id == values["id"], row_type.clinic_id == values["clinic_id"],
                       row_type.version == expected_version)
                .values(**{**values, "version": expected_version + 1})
                .execution_options(synchronize_session=False))
        except IntegrityError as error:
            raise refused(error, what) from None
        if result.rowcount != 1:
            raise Conflict(f"{what} was amended by someone else since version {expected_version}: "
                           "reload it and amend again")
        self.session.expire_all()

    def of_patient(self, row_type: Any, clinic_id: str, patient_id: str, *order: Any) -> list[Any]:
        """Return the patient's records of ``row_type`` in the clinic, ordered by ``order``."""
        rows = self.session.scalars(
            select(row_type).where(row_type.clinic_id == clinic_id, row_type.patient_id == patient_id).order_by(*order)
        )
        return [row.to_domain() for row in rows]


def columns_of(row: Any) -> dict[str, Any]:
    """Return the column values of a new (unsaved) ORM ``row`` by column name."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}
