"""Helpers of the integration tests: the staff of a test clinic, and extra units of work."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from acupath.services import Actor
from acupath.storage import SqlAlchemyUnitOfWork, make_session_factory


def fresh_uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    """Return another unit of work on ``engine`` (a second user, or a look at what was committed)."""
    return SqlAlchemyUnitOfWork(make_session_factory(engine))


@dataclass(frozen=True)
class Staff:
    """Two clinicians and a receptionist of a clinic made for the test, and a clinician of another."""

    clinic_id: str
    dr_lee: Actor
    dr_patel: Actor
    rita: Actor
    dr_outsider: Actor


POSTGRES_ADMIN_URL = os.environ.get("ACUPATH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin() -> psycopg.Connection:
    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} (run `make postgres`): {exc}")


def new_database(backend: str, folder: Path) -> str:
    """Create an empty database and return its URL (a SQLite file, or a new PostgreSQL database)."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'acupath_{uuid.uuid4().hex[:8]}.sqlite3'}"
    name = f"acupath_test_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database that ``new_database`` made (SQLite files go with the temporary folder)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
