"""The plain storage core: every statement through SQLAlchemy, one transaction per unit of work.

Core INSERTs (a session and its points, every audit entry) and ORM writes of one unit of work stay or
go together and read back unchanged through the ORM; psycopg prepares what runs often by itself.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine, event, func, select, text

from acupath import services
from acupath.errors import Conflict
from acupath.services import Actor
from acupath.services.amendments import amend_session
from acupath.services.documents import gather
from acupath.services.records import AuditEntry, NeedlePoint, Outcome, PlanRecord
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.storage.engine import PREPARE_THRESHOLD
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


def test_writes_stay_only_with_the_commit(engine: Engine, staff: Staff) -> None:
    first, second = _entry(staff, "u-held"), _entry(staff, "u-held", "r2")
    with fresh_uow(engine) as uow:
        uow.audit.add(_entry(staff, "u-held", "dropped"))
        # leaving without commit
    assert _audit_count(engine, "u-held") == 0
    with fresh_uow(engine) as uow:
        uow.audit.add(first)
        uow.audit.add(second)
        uow.commit()
    assert isinstance(first.id, int) and second.id == first.id + 1
    assert _audit_count(engine, "u-held") == 2


def test_a_read_after_a_write_of_the_same_unit_of_work_sees_it(engine: Engine, staff: Staff) -> None:
    entry = _entry(staff, "u-reads-own")
    with fresh_uow(engine) as uow:
        uow.audit.add(entry)
        seen = [e.user_id for e in uow.audit.list(staff.clinic_id) if e.user_id == "u-reads-own"]
        assert seen == ["u-reads-own"] and isinstance(entry.id, int)
        # leaving without commit
    assert _audit_count(engine, "u-reads-own") == 0


def test_an_audit_entry_written_by_core_reads_back_through_the_orm(engine: Engine, staff: Staff) -> None:
    entry = AuditEntry(at=datetime(2026, 12, 2, 15, 4, 5, 123456, tzinfo=UTC), clinic_id=staff.clinic_id,
                       user_id="u-core", action="progress.read", record_type="plan", record_id="p1",
                       patient_id="pt1", remote_address="127.0.0.1", outcome=Outcome.OK, detail="ünïcode")
    with fresh_uow(engine) as uow:
        uow.audit.add(entry)
        uow.commit()
    with fresh_uow(engine) as uow:
        row = uow.session.scalars(select(AuditRow).where(AuditRow.id == entry.id)).one()
        assert row.to_domain() == entry


def test_a_duplicate_keeps_nothing_of_the_unit_of_work(engine: Engine, staff: Staff, kb) -> None:
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


def test_many_points_go_in_one_statement_and_read_back_in_order(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Ada", "Lind", "1959-09-09", "female"))
    codes = ["ST35", "ST36", "SP9", "SP10", "GB34", "LI4", "LR3", "BL40"]
    needled = [{"code": codes[i % len(codes)], "side": ("left", "right")[i % 2], "depth": i / 10} for i in range(67)]
    inserts: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO session_points"):
            inserts.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        recorded = services.record_session(fresh_uow(engine), staff.dr_lee, plan.id,
                                           example_session(points=needled), kb)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    with fresh_uow(engine) as uow:
        stored = uow.sessions.get(staff.clinic_id, recorded.id)
    assert stored is not None and stored.points == recorded.points
    assert [p.depth for p in stored.points] == [p["depth"] for p in needled]
    assert len(inserts) == 1  # insertmanyvalues: one INSERT of 67 rows, not 67 INSERTs


def test_every_statement_of_a_use_case_is_seen_by_sqlalchemy_events(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Rue", "Trip", "1972-02-02", "female"))
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # An audit entry on PostgreSQL is one INSERT behind a WITH (the chain head's UPDATE).
        insert = re.search(r"\bINSERT INTO (\w+)", statement)
        statements.append(f"INSERT {insert[1]}" if insert else statement.split()[0] + " " + statement.split()[1])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(), kb)
        services.get_progress(fresh_uow(engine), staff.dr_lee, plan.id, kb)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert inserts == ["INSERT session_records", "INSERT session_points", "INSERT audit_log", "INSERT audit_log"]
    assert len(statements) > len(inserts)


def test_plan_course_and_plan_at_session_read_what_the_repositories_hold(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Ivo", "Sand", "1970-07-07", "male"))
    for day in ("2026-12-01", "2026-12-04"):
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(session_date=day), kb)
    instrument, answers = next(iter(example_intake("chronic_low_back_pain")["questionnaires"].items()))
    services.record_reassessment(fresh_uow(engine), staff.dr_lee, plan.patient_id, {
        "assessed_on": "2026-12-05", "answers": {instrument: answers}}, kb)
    with fresh_uow(engine) as uow:
        course, at_session = uow.plan_course(staff.clinic_id, plan.id), uow.plan_at_session(staff.clinic_id, plan.id)
        # The SQL unit of work reads plan_at_session in one statement: the same as through the repositories.
        assert at_session == AbstractUnitOfWork.plan_at_session(uow, staff.clinic_id, plan.id)
        elsewhere = (uow.plan_course(staff.dr_outsider.clinic_id, plan.id),
                     uow.plan_at_session(staff.dr_outsider.clinic_id, plan.id),
                     uow.plans.head(staff.dr_outsider.clinic_id, plan.id))
    assert [s.number for s in course.sessions] == [1, 2] and len(course.reassessments) == 1
    assert at_session.next_number == 3 and at_session.screening is not None
    assert at_session.latest_screening_id == at_session.screening.id
    assert elsewhere == (None, None, None)


@pytest.mark.postgres
def test_psycopg_prepares_a_statement_run_often_on_its_connection(postgres_engine: Engine) -> None:
    with fresh_uow(postgres_engine) as uow:
        for _ in range(PREPARE_THRESHOLD + 1):
            uow.revoked_tokens.is_revoked("none")
        prepared = uow.session.scalar(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM revoked_tokens%'"))
        uow.commit()
    assert prepared == 1


@pytest.mark.postgres
def test_the_first_read_opens_the_transaction(postgres_engine: Engine) -> None:
    # One transaction model: a unit of work is one transaction from its first statement, read or write.
    with fresh_uow(postgres_engine) as uow:
        uow.revoked_tokens.is_revoked("none")
        driver = uow.session.connection().connection.driver_connection
        assert driver.info.transaction_status.name == "INTRANS"
        uow.commit()
        assert driver.info.transaction_status.name == "IDLE"


def test_a_sessions_face_to_face_time_is_stored_amended_and_billed(engine: Engine, staff: Staff, kb) -> None:
    plan = _knee_plan(engine, staff.rita, staff.dr_lee, kb, ("Ivy", "Stone", "1961-02-03", "female"))
    given = services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(face_to_face_minutes=44),
                                    kb)
    with fresh_uow(engine) as uow:
        assert uow.sessions.get(staff.dr_lee.clinic_id, given.id).face_to_face_minutes == 44
    amend_session(fresh_uow(engine), staff.dr_lee, given.id, {
        "version": 1, "changes": {"face_to_face_minutes": 47}, "reason": "timed from the appointment book"}, kb)
    with fresh_uow(engine) as uow:
        assert uow.sessions.get(staff.dr_lee.clinic_id, given.id).face_to_face_minutes == 47
    billed = gather(fresh_uow(engine), staff.dr_lee, plan.patient_id, "superbill", kb).body
    # 47 minutes: the initial 15, and two whole additional 15-minute units (the 2 minutes left are not one).
    assert [(line.code.code, line.units) for line in billed.sessions[0].lines] == [("97810", 1), ("97811", 2)]
