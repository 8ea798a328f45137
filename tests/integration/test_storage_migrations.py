"""Migrations create every table from an empty database, match the tables' code, and downgrade cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from integration_support import fresh_uow
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from acupath import services
from acupath.services import Actor, create_clinic
from acupath.storage import make_engine
from acupath.storage.migrate import current, downgrade, head, upgrade
from acupath.storage.search_index import include_object, is_search_object
from acupath.storage.tables import metadata
from example_records import example_intake, example_session


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table_as_the_code_declares_it(empty_database_url: str) -> None:
    assert current(empty_database_url) is None
    upgrade(empty_database_url)
    assert current(empty_database_url) == head()
    tables = {name for name in _tables(empty_database_url) if not is_search_object(name, "table")}
    assert tables == set(metadata.tables) | {"alembic_version"}
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_downgrade_to_base_drops_every_table_and_upgrade_works_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert current(empty_database_url) is None
    assert _tables(empty_database_url) <= {"alembic_version"}
    upgrade(empty_database_url)
    assert current(empty_database_url) == head()


def test_upgrade_twice_changes_nothing(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert current(empty_database_url) == head()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "sqlite":
        return  # PostgreSQL needs neither pragma; the PostgreSQL run checks the server instead
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    finally:
        engine.dispose()


def test_postgresql_is_version_15_or_later(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        return
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            assert int(connection.execute(text("SHOW server_version_num")).scalar()) >= 150000
    finally:
        engine.dispose()


def test_0016_fills_in_the_totals_of_the_reassessments_stored_before_it(empty_database_url: str, kb) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        clinic = create_clinic(fresh_uow(engine), "Harbour Clinic")
        lee = Actor("lee", clinic.id, "clinician", "10.0.0.1")
        patient = services.register_patient(fresh_uow(engine), lee, {
            "given_name": "Ida", "family_name": "Lane", "birth_date": "1958-03-03", "sex": "female"})
        intake = services.record_intake(fresh_uow(engine), lee, patient.id, example_intake("knee_osteoarthritis"), kb)
        plan = services.create_plan(fresh_uow(engine), lee, intake.id, kb)
        services.record_session(fresh_uow(engine), lee, plan.id, example_session(), kb)
        for answers in ({"nrs": {"nrs": 3}}, {"nrs": {"nrs": 4}, "peg": {"q1": 4, "q2": 3, "q3": 3}}):
            services.record_reassessment(fresh_uow(engine), lee, patient.id, {
                "assessed_on": "2026-12-02", "plan_id": plan.id, "session_number": 1, "answers": answers}, kb)
        query = text("SELECT reassessment_id, instrument, total, session_number FROM reassessment_totals "
                     "ORDER BY reassessment_id, instrument")
        with engine.connect() as connection:
            written = connection.execute(query).all()
        assert sorted(instrument for _, instrument, _, _ in written) == ["nrs", "nrs", "peg"]
        downgrade(empty_database_url, "0015")
        assert "reassessment_totals" not in _tables(empty_database_url)
        upgrade(empty_database_url)
        with engine.connect() as connection:
            assert connection.execute(query).all() == written  # as the repository wrote them
    finally:
        engine.dispose()
