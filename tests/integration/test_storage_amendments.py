"""Amendments on SQLite and PostgreSQL: versioned, the original kept, stale ones refused; the referral
screening read with the plan in one statement; migration 0004 up and down over stored sessions."""

from __future__ import annotations

from datetime import date

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine, text

from acupath import services
from acupath.errors import Conflict, InputError, NotFound, SafetyBlock
from acupath.services.amendments import amend_adverse_event, amend_reassessment, amend_session, record_history
from acupath.services.patient_records import list_intakes, list_plans
from acupath.services.records import AmendedType
from acupath.storage import SqlAlchemyUnitOfWork, make_engine
from acupath.storage.migrate import downgrade, upgrade
from example_records import example_intake, example_session

REASON = "needles stayed 30 minutes; 20 was the plan"


@pytest.fixture
def knee(uow: SqlAlchemyUnitOfWork, staff: Staff, kb) -> dict:
    """A knee plan of the staff's clinic with one session (2026-12-01, retention 20 min)."""
    patient = services.register_patient(uow, staff.rita, {
        "given_name": "Anna", "family_name": "Amend", "birth_date": "1955-08-08", "sex": "female"})
    intake = services.record_intake(uow, staff.dr_lee, patient.id, example_intake("knee_osteoarthritis"), kb)
    plan = services.create_plan(uow, staff.dr_lee, intake.id, kb)
    session = services.record_session(uow, staff.dr_lee, plan.id, example_session(), kb)
    return {"patient": patient, "intake": intake, "plan": plan, "session": session}


def test_a_session_amendment_is_stored_with_the_original_and_a_stale_one_changes_nothing(
        engine: Engine, uow: SqlAlchemyUnitOfWork, staff: Staff, knee: dict, kb) -> None:
    session = knee["session"]
    points = [{"code": "ST35", "side": "right"}, {"code": "ST36", "side": "right", "depth": 25, "unit": "mm"}]
    amended = amend_session(uow, staff.dr_patel, session.id, {
        "version": 1, "changes": {"retention_min": 30, "points": points}, "reason": REASON}, kb)
    assert amended.version == 2
    stored = fresh_uow(engine)
    with stored:
        again = stored.sessions.get(staff.clinic_id, session.id)
    assert again.version == 2 and again.retention_minutes == 30 and [p.code for p in again.points] == ["ST35", "ST36"]
    with pytest.raises(Conflict):
        amend_session(fresh_uow(engine), staff.dr_lee, session.id, {
            "version": 1, "changes": {"notes": "stale"}, "reason": "made on a stale copy"}, kb)
    history = record_history(fresh_uow(engine), staff.dr_lee, AmendedType.SESSION, session.id)
    assert history.current.notes == again.notes and history.current.version == 2
    (kept,) = history.amendments
    assert kept.previous["retention_minutes"] == 20 and [p["code"] for p in kept.previous["points"]] == ["ST35"]
    assert kept.reason == REASON and kept.amended_by == staff.dr_patel.user_id
    with pytest.raises(NotFound):
        record_history(fresh_uow(engine), staff.dr_outsider, AmendedType.SESSION, session.id)


def test_events_and_reassessments_are_amended_and_intakes_and_plans_listed(
        engine: Engine, uow: SqlAlchemyUnitOfWork, staff: Staff, knee: dict, kb) -> None:
    patient = knee["patient"]
    event = services.record_adverse_event(uow, staff.dr_lee, patient.id, {
        "occurred_on": "2026-12-01", "type": "bruising", "severity": "mild", "outcome": "ongoing",
        "session_id": knee["session"].id})
    assert amend_adverse_event(fresh_uow(engine), staff.dr_lee, event.id, {
        "version": 1, "changes": {"outcome": "resolved"}, "reason": "resolved by the next visit"}).version == 2
    reassessment = services.record_reassessment(fresh_uow(engine), staff.dr_lee, patient.id, {
        "assessed_on": "2026-12-04", "plan_id": knee["plan"].id,
        "answers": {"peg": {"q1": 4, "q2": 3, "q3": 3}}}, kb)
    assert amend_reassessment(fresh_uow(engine), staff.dr_lee, reassessment.id, {
        "version": 1, "changes": {"assessed_on": "2026-12-05"}, "reason": "dated on the wrong day"},
        kb).assessed_on == date(2026, 12, 5)
    with pytest.raises(InputError):
        amend_reassessment(fresh_uow(engine), staff.dr_lee, reassessment.id, {
            "version": 2, "changes": {"assessed_on": "2026-11-01"}, "reason": "before the plan started"}, kb)
    read = fresh_uow(engine)
    with read:
        assert read.adverse_events.get(staff.clinic_id, event.id).outcome == "resolved"
        assert read.reassessments.get(staff.clinic_id, reassessment.id).version == 2
    assert [i.id for i in list_intakes(fresh_uow(engine), staff.dr_lee, patient.id).items] == [knee["intake"].id]
    plans = list_plans(fresh_uow(engine), staff.dr_patel, patient.id)
    assert plans.total == 1 and plans.items[0].id == knee["plan"].id


def test_a_referral_screened_after_the_plan_stops_sessions_until_the_plan_ends(
        engine: Engine, uow: SqlAlchemyUnitOfWork, staff: Staff, knee: dict, kb) -> None:
    later = services.record_intake(uow, staff.dr_lee, knee["patient"].id, example_intake("safety_cauda_equina"), kb)
    services.screen_intake(fresh_uow(engine), staff.dr_lee, later.id, kb)
    with pytest.raises(SafetyBlock, match="referral"):
        services.record_session(fresh_uow(engine), staff.dr_lee, knee["plan"].id,
                                example_session(session_date="2026-12-04"), kb)
    ended = services.amend_plan(fresh_uow(engine), staff.dr_lee, knee["plan"].id, kb, expected_version=1,
                                status="discontinued", note="referred")
    assert ended.status == "discontinued" and ended.version == 2


def test_migration_0004_versions_stored_sessions_and_goes_down_without_losing_them(
        empty_database_url: str, kb) -> None:
    downgrade_to = "0003"
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    uow = SqlAlchemyUnitOfWork.from_engine(engine)
    clinic = services.create_clinic(uow, "Migration Clinic")
    lee = services.Actor("lee", clinic.id, "clinician", "10.0.0.1")
    patient = services.register_patient(uow, lee, {
        "given_name": "Ann", "family_name": "Old", "birth_date": "1955-08-08", "sex": "female"})
    intake = services.record_intake(uow, lee, patient.id, example_intake("knee_osteoarthritis"), kb)
    plan = services.create_plan(uow, lee, intake.id, kb)
    session = services.record_session(uow, lee, plan.id, example_session(), kb)
    engine.dispose()

    downgrade(empty_database_url, downgrade_to)
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version FROM session_records")).scalar_one() == 1
            assert connection.execute(text("SELECT count(*) FROM session_points")).scalar_one() == 1
        amended = amend_session(SqlAlchemyUnitOfWork.from_engine(engine), lee, session.id, {
            "version": 1, "changes": {"pain_after": 1}, "reason": "pain after needling was 1"}, kb)
        assert amended.version == 2
    finally:
        engine.dispose()
