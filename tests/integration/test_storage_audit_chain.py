"""The audit log on both databases: one hash chain, append-only, tampering found by ``verify_chain``.

Tampering tests work on a database of their own (``empty_database_url``) and drop the triggers first,
as an attacker with the database owner's rights would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DatabaseError

from acupath import services
from acupath.services.records import AuditEntry, Outcome
from acupath.storage import make_engine
from acupath.storage.audit_chain import GENESIS, entry_hash
from acupath.storage.migrate import upgrade
from acupath.storage.repositories.audit import verify_chain
from acupath.storage.tables import AuditRow

DROP_TRIGGERS = {
    "postgresql": ["DROP TRIGGER audit_log_append_only ON audit_log"],
    "sqlite": ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
}


def entry(n: int, clinic: str = "c1") -> AuditEntry:
    return AuditEntry(at=datetime(2026, 12, 5, 9, 0, n % 60, n, tzinfo=UTC), clinic_id=clinic,
                      actor_clinic_id=clinic, user_id=f"u{n}", action="patient.read", record_type="patient",
                      record_id=f"p{n}", patient_id=f"p{n}", remote_address="10.0.0.1", outcome=Outcome.OK,
                      detail=f"entry {n} ü")


def append(engine: Engine, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        with fresh_uow(engine) as uow:
            uow.audit.add(entry(n))
            uow.commit()


@pytest.fixture
def own_engine(empty_database_url: str) -> Iterator[Engine]:
    """An engine on a migrated database of the test's own."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def verify(engine: Engine):  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return verify_chain(connection)


def test_entries_written_by_the_services_form_an_intact_chain(engine: Engine, staff: Staff) -> None:
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Ida", "family_name": "Chain", "birth_date": "1960-01-01", "sex": "female"})
    services.get_patient(fresh_uow(engine), staff.dr_lee, patient.id)
    report = verify(engine)
    assert report.intact and report.checked >= 2
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, prev_hash, hash FROM audit_log ORDER BY id")).all()
        head = connection.execute(text("SELECT entries, last_hash, last_id FROM audit_chain_head")).one()
    assert rows[0].prev_hash == GENESIS and all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert tuple(head) == (len(rows), rows[-1].hash, rows[-1].id) == (report.checked, report.last_hash, rows[-1].id)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log",
                                       "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"])
def test_update_and_delete_are_refused_by_the_database(engine: Engine, staff: Staff, statement: str) -> None:
    services.create_clinic(fresh_uow(engine), "Refusal Clinic")  # at least one row
    with engine.connect() as connection, pytest.raises(DatabaseError, match="append-only"):
        connection.execute(text(statement))
    assert verify(engine).intact


def test_truncate_is_refused_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return  # SQLite has no TRUNCATE: DELETE without WHERE is the same statement there, refused above
    with engine.connect() as connection, pytest.raises(DatabaseError, match="append-only"):
        connection.execute(text("TRUNCATE audit_log"))


def tamper(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in (*DROP_TRIGGERS[engine.dialect.name], *statements):
            connection.execute(text(statement))


def test_a_changed_row_is_named_as_the_first_broken_entry(own_engine: Engine) -> None:
    append(own_engine, 5)
    assert verify(own_engine).checked == 5
    tamper(own_engine, "UPDATE audit_log SET user_id = 'someone else' WHERE id = 3")
    report = verify(own_engine)
    assert (report.intact, report.broken_at, report.checked) == (False, 3, 2)
    assert "entry 3 was changed" in report.problem


def test_a_deleted_row_is_named_at_the_entry_after_it(own_engine: Engine) -> None:
    append(own_engine, 5)
    tamper(own_engine, "DELETE FROM audit_log WHERE id = 2")
    report = verify(own_engine)
    assert (report.broken_at, report.problem) == (3, report.problem) and "does not follow entry 1" in report.problem


def test_deleting_the_newest_rows_is_caught_by_the_head(own_engine: Engine) -> None:
    append(own_engine, 4)
    tamper(own_engine, "DELETE FROM audit_log WHERE id > 2")
    report = verify(own_engine)
    assert not report.intact and report.checked == 2 and "4 entries" in report.problem


def test_concurrent_writers_form_one_chain(own_engine: Engine) -> None:
    # Eight threads append at once, each through its own units of work: every append waits for the
    # head, so the chain has no fork and counts every entry.
    errors: list[BaseException] = []

    def writer(start: int) -> None:
        try:
            append(own_engine, 15, start)
        except BaseException as exc:  # reported below, with the chain
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i * 100,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify(own_engine)
    assert errors == [] and report.intact and report.checked == 120


def test_the_migration_chains_the_rows_that_existed(empty_database_url: str) -> None:
    upgrade(empty_database_url, "0005")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            for n in range(3):
                connection.execute(text(
                    "INSERT INTO audit_log (at, clinic_id, user_id, action, record_type, record_id, patient_id, "
                    "remote_address, outcome, detail) VALUES (:at, 'c1', :user, 'patient.read', 'patient', 'p', "
                    "'p', '10.0.0.1', 'ok', '')"), {"at": entry(n).at, "user": f"u{n}"})
        upgrade(empty_database_url)
        append(engine, 1, 10)
        report = verify(engine)
        with engine.connect() as connection:
            first = connection.execute(text("SELECT * FROM audit_log ORDER BY id LIMIT 1")).mappings().one()
    finally:
        engine.dispose()
    assert report.intact and report.checked == 4
    # Each row's hash was checked against its fields by ``verify_chain`` (intact above).
    assert first["actor_clinic_id"] == "c1" and first["prev_hash"] == GENESIS


def test_a_hash_made_by_the_database_is_the_one_verify_makes(own_engine: Engine) -> None:
    # On PostgreSQL the append's one statement hashes in SQL (``repositories.audit``); quotes, a
    # backslash, a newline, non-ASCII text and missing values must hash as ``entry_hash`` does.
    odd = replace(entry(1), detail='said "stop" \\ twice\nthen ü 東京', record_id=None, patient_id=None)
    with fresh_uow(own_engine) as uow:
        uow.audit.add(entry(0))
        uow.audit.add(odd)
        uow.commit()
    with own_engine.connect() as connection:
        # Through the table's types: SQLite gives a time back as text to a bare SELECT.
        rows = connection.execute(select(AuditRow.__table__).order_by(AuditRow.id)).mappings().all()
    assert [row["hash"] for row in rows] == [entry_hash(rows[0], GENESIS), entry_hash(rows[1], rows[0]["hash"])]
    assert rows[1]["prev_hash"] == rows[0]["hash"] and verify(own_engine).intact
