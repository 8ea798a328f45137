"""Integration fixtures: every test runs on SQLite AND on PostgreSQL 15.

A PostgreSQL database ``acupath_test_<random>`` is created for the test session on 127.0.0.1:5432
(``ACUPATH_TEST_POSTGRES_URL`` names the server's maintenance database) and dropped at the end. If the
server cannot be reached the tests FAIL: they never skip (``make test`` starts the server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from integration_support import Staff, drop_database, new_database
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from acupath.services import Actor, create_clinic
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from acupath.storage.migrate import upgrade

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to the newest revision, shared by the session (tests use their own clinic)."""
    url = new_database(request.param, tmp_path_factory.mktemp("integration"))
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind as ``database_url``, dropped after the test."""
    url = new_database(make_url(database_url).get_backend_name(), tmp_path)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine of the session's database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a new, migrated PostgreSQL database of the test module (what only PostgreSQL does)."""
    url = new_database("postgresql", tmp_path_factory.mktemp("postgres"))
    try:
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
    finally:
        drop_database(url)


@pytest.fixture
def uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    """A unit of work on the session's database."""
    return SqlAlchemyUnitOfWork(make_session_factory(engine))


@pytest.fixture
def staff(uow: SqlAlchemyUnitOfWork) -> Staff:
    """A new clinic (so tests sharing the database never see each other's records) and its people."""
    clinic = create_clinic(uow, "Harbour Clinic")
    other = create_clinic(uow, "Hill Clinic")
    return Staff(
        clinic_id=clinic.id,
        dr_lee=Actor("lee", clinic.id, "clinician", "10.0.0.1"),
        dr_patel=Actor("patel", clinic.id, "clinician", "10.0.0.2"),
        rita=Actor("rita", clinic.id, "reception", "10.0.0.3"),
        dr_outsider=Actor("out", other.id, "clinician", "10.9.9.9"),
    )
