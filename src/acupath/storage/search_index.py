"""The name-search structures that migration 0005 creates outside the tables' code, and how to skip them.

PostgreSQL: the trigram GIN index ``ix_patients_names_trgm`` (an index on an expression with an operator
class). SQLite: ``patient_search`` and its FTS5 table ``patient_names`` (a virtual table and its
shadow tables), kept in step with ``patients`` by triggers. None of them is a table SQLAlchemy maps:
queries reach them through ``storage.repositories.listings``. Alembic's comparison of the database with
the tables' code skips them (``include_object``), so a new revision never drops them.
"""

from __future__ import annotations

from typing import Any

#: Tables that hold the SQLite name search (the FTS5 table's shadow tables start with its name).
SEARCH_TABLES = ("patient_search", "patient_names")
#: The PostgreSQL trigram index on the names.
TRIGRAM_INDEX = "ix_patients_names_trgm"


def is_search_object(name: str | None, type_: str) -> bool:
    """Return True for a table or index of the name search (``type_`` as Alembic names kinds)."""
    if name is None:
        return False
    if type_ == "table":
        return any(name == table or name.startswith(f"{table}_") for table in SEARCH_TABLES)
    return type_ == "index" and name == TRIGRAM_INDEX


def include_object(_object: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
    """Alembic's ``include_object`` hook: compare everything but the name search's objects."""
    return not is_search_object(name, type_)
