"""Statements run on the driver's cursor (``storage.prepared``) read and write exactly as SQLAlchemy does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine, bindparam, select

from acupath import services
from acupath.services.records import AuditEntry, Outcome
from acupath.storage.prepared import Prepared
from acupath.storage.repositories import statements
from acupath.storage.tables import AuditRow, ReassessmentRow, ScreeningRow, SessionRow
from example_records import example_intake, example_session


@pytest.fixture
def treated_plan(uow, staff: Staff, kb) -> dict:
    """A plan with two sessions and a reassessment, recorded through the services."""
    patient = services.register_patient(uow, staff.rita, {
        "given_name": "Ola", "family_name": "Berg", "birth_date": "1961-02-03", "sex": "female"})
    intake = services.record_intake(uow, staff.dr_lee, patient.id, example_intake("knee_osteoarthritis"), kb)
    screening = services.screen_intake(uow, staff.dr_lee, intake.id, kb)
    plan = services.create_plan(uow, staff.dr_lee, intake.id, kb)
    for day in ("2026-12-01", "2026-12-04"):
        services.record_session(uow, staff.dr_lee, plan.id, example_session(session_date=day), kb)
    instrument, answers = next(iter(example_intake("chronic_low_back_pain")["questionnaires"].items()))
    services.record_reassessment(uow, staff.dr_lee, patient.id, {
        "assessed_on": "2026-12-05", "plan_id": plan.id, "answers": {instrument: answers}}, kb)
    return {"patient_id": patient.id, "plan_id": plan.id, "screening_id": screening.id}


@pytest.mark.parametrize("name", ["SCREENING", "PLAN_HEAD", "SESSION_SUMMARIES", "LAST_SESSION_NUMBER",
                                  "REASSESSMENT_SUMMARIES"])
def test_a_prepared_select_gives_what_sqlalchemy_gives(engine: Engine, staff: Staff, treated_plan: dict,
                                                       name: str) -> None:
    prepared: Prepared = getattr(statements, name)
    values = {"clinic_id": staff.clinic_id, **treated_plan}
    with fresh_uow(engine) as uow:
        wanted = [tuple(row) for row in uow.session.execute(prepared.statement, values)]
        got = prepared.rows(uow.connection, values)
    assert got == wanted and got and got[0] != (None,)


def test_another_clinic_reads_nothing_through_a_prepared_statement(engine: Engine, staff: Staff,
                                                                   treated_plan: dict) -> None:
    with fresh_uow(engine) as uow:
        assert statements.PLAN_HEAD.first(uow.connection, {"clinic_id": staff.dr_outsider.clinic_id,
                                                        "plan_id": treated_plan["plan_id"]}) is None


def test_an_audit_entry_written_on_the_cursor_reads_back_through_the_orm(engine: Engine, staff: Staff) -> None:
    entry = AuditEntry(at=datetime(2026, 12, 2, 15, 4, 5, 123456, tzinfo=UTC), clinic_id=staff.clinic_id,
                       user_id="u-prepared", action="progress.read", record_type="plan", record_id="p1",
                       patient_id="pt1", remote_address="127.0.0.1", outcome=Outcome.OK, detail="ünïcode")
    with fresh_uow(engine) as uow:
        uow.audit.add(entry)
        uow.commit()
    assert isinstance(entry.id, int)
    with fresh_uow(engine) as uow:
        row = uow.session.scalars(select(AuditRow).where(AuditRow.id == entry.id)).one()
        assert row.to_domain() == entry


def test_stored_dates_and_documents_convert_alike(engine: Engine, staff: Staff, treated_plan: dict) -> None:
    # The columns whose values SQLite keeps as text: dates, times with a zone, JSON documents.
    reassessments = ReassessmentRow.__table__.c
    query = Prepared(select(reassessments.assessed_on, reassessments.recorded_at, reassessments.scores)
                     .where(reassessments.patient_id == bindparam("patient_id")))
    sessions = SessionRow.__table__.c
    sessions_query = Prepared(select(sessions.session_date, sessions.co_interventions, sessions.recorded_at)
                              .where(sessions.plan_id == bindparam("plan_id")).order_by(sessions.number))
    findings = Prepared(select(ScreeningRow.__table__.c.findings)
                        .where(ScreeningRow.__table__.c.id == bindparam("screening_id")))
    with fresh_uow(engine) as uow:
        for prepared in (query, sessions_query, findings):
            wanted = [tuple(row) for row in uow.session.execute(prepared.statement, treated_plan)]
            got = prepared.rows(uow.connection, treated_plan)
            assert got == wanted
            assert all(value is not None for row in got for value in row)
        (day, at, scores), = query.rows(uow.connection, treated_plan)
        assert at.tzinfo is not None and isinstance(scores, dict) and day.year == 2026
