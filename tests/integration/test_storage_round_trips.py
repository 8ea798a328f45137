"""Fewer round trips, same records: held-back writes, reads together, the login token asked with them.

Writes held back until the commit (``write_later``) stay or go together, and read back unchanged.

On PostgreSQL they go with the COMMIT in one round trip (``storage.libpq.pipeline``), the statements
prepared on the connection; on SQLite one after another. Either way a duplicate is ``Conflict`` and
nothing of the unit of work stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from integration_support import Staff, drop_database, fresh_uow, new_database
from sqlalchemy import Engine, func, select

from acupath import services
from acupath.errors import Conflict, NotAuthenticated
from acupath.services import Actor
from acupath.services.records import AuditEntry, NeedlePoint, Outcome, PlanRecord, RevokedToken
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.storage import libpq, make_engine
from acupath.storage.migrate import upgrade
from acupath.storage.prepared import ROWS_PER_INSERT
from acupath.storage.repositories import statements
from acupath.storage.tables import AuditRow, SessionPointRow
from example_records import example_intake, example_session

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def _entry(staff: Staff, user_id: str, record_id: str = "r1") -> AuditEntry:
    return AuditEntry(at=NOW, clinic_id=staff.clinic_id, user_id=user_id, action="plan.read", record_type="plan",
                      record_id=record_id, remote_address="127.0.0.1", outcome=Outcome.OK)


def _knee_plan(engine: Engine, registrar: Actor, clinician: Actor, kb, person: tuple[str, str, str, str]) -> PlanRecord:
    """Return the plan made for a new patient (given and family name, birth date, sex) with knee OA."""
    given, family, born, sex = person
    patient = services.register_patient(fresh_uow(engine), registrar, {
        "given_name": given, "family_name": family, "birth_date": born, "sex": sex})
    intake = services.record_intake(fresh_uow(engine), clinician, patient.id, example_intake("knee_osteoarthritis"), kb)
    return services.create_plan(fresh_uow(engine), clinician, intake.id, kb)


def _audit_count(engine: Engine, user_id: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.user_id == user_id))


def test_held_writes_reach_the_database_only_with_the_commit(engine: Engine, staff: Staff) -> None:
    first, second = _entry(staff, "u-held"), _entry(staff, "u-held", "r2")
    with fresh_uow(engine) as uow:
        uow.audit.add(first)
        uow.audit.add(second)
        assert first.id is None and _audit_count(engine, "u-held") == 0
        uow.commit()
    assert isinstance(first.id, int) and second.id == first.id + 1
    assert _audit_count(engine, "u-held") == 2


def test_a_read_after_a_held_write_sees_it(engine: Engine, staff: Staff) -> None:
    entry = _entry(staff, "u-reads-own")
    with fresh_uow(engine) as uow:
        uow.audit.add(entry)
        seen = [e.user_id for e in uow.audit.list(staff.clinic_id) if e.user_id == "u-reads-own"]
        assert seen == ["u-reads-own"] and isinstance(entry.id, int)
        # leaving without commit
    assert _audit_count(engine, "u-reads-own") == 0


def test_a_duplicate_among_held_writes_keeps_none_of_them(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Eli", "Moss", "1966-06-06", "male"))
    kept = services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(number=4), kb)
    with pytest.raises(Conflict, match="session 4"), fresh_uow(engine) as uow:
        uow.audit.add(_entry(staff, "u-duplicate"))
        clash = kept.__class__(**{**kept.__dict__, "id": "d" * 32,
                                  "points": [NeedlePoint(code="ST36", side="left")]})
        uow.sessions.add(clash)
        uow.audit.add(_entry(staff, "u-duplicate", "r2"))
        uow.commit()
    assert _audit_count(engine, "u-duplicate") == 0
    with engine.connect() as connection:
        points = connection.scalar(select(func.count()).select_from(SessionPointRow)
                                   .where(SessionPointRow.session_id == "d" * 32))
    assert points == 0


def test_more_points_than_one_insert_takes_read_back_in_order(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Ada", "Lind", "1959-09-09", "female"))
    codes = ["ST35", "ST36", "SP9", "SP10", "GB34", "LI4", "LR3", "BL40"]
    needled = [{"code": codes[i % len(codes)], "side": ("left", "right")[i % 2], "depth": i / 10}
               for i in range(2 * ROWS_PER_INSERT + 3)]
    recorded = services.record_session(fresh_uow(engine), staff.dr_lee, plan.id,
                                       example_session(points=needled), kb)
    with fresh_uow(engine) as uow:
        stored = uow.sessions.get(staff.clinic_id, recorded.id)
    assert stored is not None and stored.points == recorded.points
    assert [p.depth for p in stored.points] == [p["depth"] for p in needled]


def test_an_insert_of_no_rows_writes_nothing(engine: Engine) -> None:
    with fresh_uow(engine) as uow:
        assert statements.SESSION_POINTS_INSERT.pieces(uow.connection.dialect, []) == []


@pytest.fixture(scope="module")
def postgres_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a new, migrated PostgreSQL database (for what only PostgreSQL does)."""
    url = new_database("postgresql", tmp_path_factory.mktemp("postgres"))
    try:
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
    finally:
        drop_database(url)


@pytest.mark.postgres
def test_postgresql_statements_survive_a_rollback_after_orm_work(postgres_engine: Engine) -> None:
    # psycopg answers a rollback with DEALLOCATE ALL once it prepared statements of its own; the
    # engine turns that off, or the statements prepared by storage.libpq would vanish with it.
    with fresh_uow(postgres_engine) as uow:
        for _ in range(10):  # more than psycopg's default threshold of 5
            uow.audit.list("no-clinic")
            statements.TOKEN_REVOKED.first(uow.connection, {"token_id": "none"})
        uow.rollback()
        assert statements.TOKEN_REVOKED.first(uow.connection, {"token_id": "none"}) is None


@pytest.mark.postgres
def test_a_read_opens_the_transaction_at_the_isolation_level_asked(postgres_engine: Engine) -> None:
    with postgres_engine.connect() as connection:
        serializable = connection.execution_options(isolation_level="SERIALIZABLE")
        serializable.begin()
        statements.TOKEN_REVOKED.first(serializable, {"token_id": "none"})
        level = serializable.exec_driver_sql("SHOW transaction_isolation").scalar()
        serializable.rollback()
    assert level == "serializable"


@pytest.mark.postgres
def test_a_read_before_the_first_write_opens_no_transaction(postgres_engine: Engine) -> None:
    # At READ COMMITTED it would see the same rows inside one; the BEGIN's round trip is saved, as
    # pysqlite saves it on SQLite. The first write opens it.
    with fresh_uow(postgres_engine) as uow:
        statements.TOKEN_REVOKED.first(uow.connection, {"token_id": "none"})
        driver = uow.connection.connection.driver_connection
        assert driver.info.transaction_status.name == "IDLE"
        uow.audit.add(AuditEntry(at=NOW, clinic_id=None, user_id="u-open", action="login", record_type="user",
                                 record_id=None, remote_address="127.0.0.1", outcome=Outcome.OK))
        statements.TOKEN_REVOKED.first(uow.connection, {"token_id": "none"})
        assert driver.info.transaction_status.name == "INTRANS"


def test_reads_together_give_what_each_read_alone_gives(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Ivo", "Sand", "1970-07-07", "male"))
    for day in ("2026-12-01", "2026-12-04"):
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(session_date=day), kb)
    instrument, answers = next(iter(example_intake("chronic_low_back_pain")["questionnaires"].items()))
    services.record_reassessment(fresh_uow(engine), staff.dr_lee, plan.patient_id, {
        "assessed_on": "2026-12-05", "answers": {instrument: answers}}, kb)
    with fresh_uow(engine) as uow:
        together = (uow.plan_course(staff.clinic_id, plan.id), uow.plan_at_session(staff.clinic_id, plan.id))
        # The abstract unit of work's own answers: each view read alone through the repositories.
        alone = (AbstractUnitOfWork.plan_course(uow, staff.clinic_id, plan.id),
                 AbstractUnitOfWork.plan_at_session(uow, staff.clinic_id, plan.id))
        elsewhere = uow.plan_course(staff.dr_outsider.clinic_id, plan.id)
    assert together == alone
    course, at_session = together
    assert [s.number for s in course.sessions] == [1, 2] and len(course.reassessments) == 1
    assert at_session.next_number == 3 and at_session.screening is not None
    assert elsewhere is None


def test_a_revoked_token_reads_nothing_and_its_attempt_is_audited(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Noa", "Wren", "1980-08-08", "female"))
    with fresh_uow(engine) as uow:
        uow.revoked_tokens.add(RevokedToken(token_id="t-gone", user_id="lee", revoked_at=NOW,
                                            expires_at=NOW + timedelta(hours=1)))
        uow.commit()
    for use_case in (lambda uow: services.get_progress(uow, staff.dr_lee, plan.id, kb),
                     lambda uow: services.record_session(uow, staff.dr_lee, plan.id, example_session(), kb)):
        uow = fresh_uow(engine)
        uow.token_id = "t-gone"
        with pytest.raises(NotAuthenticated):
            use_case(uow)
    with fresh_uow(engine) as uow:
        sessions = uow.sessions.list_for_plan(staff.clinic_id, plan.id)
        refused = [e for e in uow.audit.list(staff.clinic_id, patient_id=None) if e.action in
                   ("progress.read", "session.record") and e.outcome is Outcome.DENIED]
    assert sessions == [] and len(refused) == 2


@pytest.mark.postgres
def test_progress_and_a_recorded_session_take_two_round_trips_each(postgres_engine: Engine, kb,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The reads of a use case and the login-token check go in one pipeline, the writes with the
    # COMMIT in another (storage.libpq); a statement added on these paths shows up here.
    uow = fresh_uow(postgres_engine)
    clinic = services.create_clinic(uow, "Round Trip Clinic")
    lee = Actor("lee", clinic.id, "clinician", "10.0.0.1")
    plan = _knee_plan(postgres_engine, lee, lee, kb, ("Rue", "Trip", "1972-02-02", "female"))
    trips: list[int] = []
    pipeline = libpq.pipeline

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        trips.append(len(args[1]))
        return pipeline(*args, **kwargs)

    monkeypatch.setattr(libpq, "pipeline", counted)
    for use_case in (lambda u: services.record_session(u, lee, plan.id, example_session(), kb),
                     lambda u: services.get_progress(u, lee, plan.id, kb)):
        trips.clear()
        signed_in = fresh_uow(postgres_engine)
        signed_in.token_id = "t-live"
        use_case(signed_in)
        assert len(trips) == 2, trips
