"""Alembic environment for acupath: the tables' metadata, and a connection from ``acupath.storage.migrate``.

``migrate.upgrade(url)`` passes an open connection in ``config.attributes["connection"]``; with only a
URL (``sqlalchemy.url``) the engine is made here with acupath's settings (SQLite pragmas, psycopg).
"""

from __future__ import annotations

from alembic import context

from acupath.storage.engine import make_engine
from acupath.storage.search_index import include_object
from acupath.storage.tables import metadata

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters tables by copying them; batch mode lets later revisions do that on SQLite too.
        render_as_batch=True,
        compare_type=True,
        # The name search (migration 0005) lives outside the tables' code: never autogenerate its drop.
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a new engine for the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
