"""Fixtures of the API tests: a migrated database (SQLite and PostgreSQL) and the seeded ``world``.

See ``api_world`` for the personas (two clinicians and a receptionist of harbour_clinic, an
administrator, and dr_outsider of hill_clinic).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from api_world import PASSWORD, PERSONAS, POSTGRES_ADMIN_URL, SECRET, World, seed_people, seed_records
from fastapi.testclient import TestClient

from acupath.api.app import create_app
from acupath.settings import Settings
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from acupath.storage.migrate import upgrade


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated, empty database: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'acupath.sqlite3'}"
        upgrade(url)
        yield url
        return
    import psycopg

    name = f"acupath_api_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')



@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The seeded app on ``database_url``, every persona logged in, ``dr_lee``'s records made."""
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)

    def uow_factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    clinic_ids, user_ids = seed_people(uow_factory)
    # Bulk exports a test starts write under its own temporary directory, not the temp dir's default.
    exports = str(tmp_path_factory.mktemp("fhir-export"))
    app = create_app(Settings(env="test", database_url=database_url, secret_key=SECRET, fhir_export_dir=exports),
                     uow_factory=uow_factory)
    # https base URL: the session cookie is Secure, so a client only sends it back over https.
    with TestClient(app, base_url="https://testserver") as client:
        world = World(client=client, uow_factory=uow_factory, clinic_ids=clinic_ids, user_ids=user_ids)
        for persona in PERSONAS.values():
            response = client.post("/auth/login", json={"email": persona.email, "password": PASSWORD})
            assert response.status_code == 200, response.text
            world.tokens[persona.name] = response.json()["access_token"]
        client.cookies.clear()  # each request below authenticates by its own bearer token only
        seed_records(world)
        yield world
    engine.dispose()
