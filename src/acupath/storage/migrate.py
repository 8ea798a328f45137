"""Migrate a database with Alembic, configured here in code (no alembic.ini needed at run time).

``acupath db upgrade`` calls ``upgrade(url)``; tests call ``downgrade(url, "base")`` as well.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from acupath.storage.engine import database_url, make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Return the Alembic configuration for ``url`` (also usable for ``alembic revision``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", database_url(url).render_as_string(hide_password=False)
                           .replace("%", "%%"))
    return config


def _run(url: str, action: str, revision: str) -> None:
    config = alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (default: the newest), creating it if empty."""
    _run(url, "upgrade", revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at ``url`` down to ``revision`` (``"base"`` drops every acupath table)."""
    _run(url, "downgrade", revision)


def current(url: str) -> str | None:
    """Return the revision the database at ``url`` is at, or None if it was never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head() -> str:
    """Return the newest revision the package ships."""
    config = alembic_config("sqlite://")
    revision = ScriptDirectory.from_config(config).get_current_head()
    assert revision is not None, "the package ships no migrations"
    return revision
