"""Every read and write of patient data leaves an audit row in the database, refused attempts too."""

from __future__ import annotations

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine

from acupath import services
from acupath.errors import NotFound, PermissionDenied
from acupath.services.records import Outcome
from example_records import example_intake, example_session


def test_every_write_leaves_an_audit_row_with_who_what_where_and_outcome(engine: Engine, staff: Staff, kb) -> None:
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Eve", "family_name": "Moss", "birth_date": "1955-08-08", "sex": "female"})
    services.update_patient(fresh_uow(engine), staff.rita, patient.id, {"phone": "1"}, 1)
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient.id,
                                    example_intake("knee_osteoarthritis"), kb)
    services.screen_intake(fresh_uow(engine), staff.dr_lee, intake.id, kb)
    plan = services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb)
    services.amend_plan(fresh_uow(engine), staff.dr_patel, plan.id, kb, expected_version=1)
    session = services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(), kb)
    services.record_adverse_event(fresh_uow(engine), staff.dr_lee, patient.id, {
        "occurred_on": "2026-12-01", "type": "bruising", "severity": "mild", "outcome": "resolved",
        "session_id": session.id})
    services.record_reassessment(fresh_uow(engine), staff.dr_lee, patient.id, {
        "assessed_on": "2026-12-05", "answers": example_intake("chronic_low_back_pain")["questionnaires"]}, kb)
    with fresh_uow(engine) as uow:
        entries = uow.audit.list(staff.clinic_id, patient_id=patient.id)
    assert [e.action for e in entries] == [
        "patient.register", "patient.update", "intake.record", "screening.create", "plan.create", "plan.amend",
        "session.record", "adverse_event.record", "reassessment.record"]
    assert all(e.outcome is Outcome.OK and e.record_id and e.at.tzinfo is not None for e in entries)
    assert [(e.user_id, e.remote_address) for e in entries[:2]] == [("rita", "10.0.0.3")] * 2


def test_reads_are_audited(engine: Engine, staff: Staff) -> None:
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Fay", "family_name": "Lund", "birth_date": "1960-01-01", "sex": "female"})
    services.get_patient(fresh_uow(engine), staff.dr_patel, patient.id)
    services.list_patients(fresh_uow(engine), staff.rita, search="lund")
    with fresh_uow(engine) as uow:
        actions = [(e.action, e.user_id) for e in uow.audit.list(staff.clinic_id)]
    assert actions[-2:] == [("patient.read", "patel"), ("patient.list", "rita")]


def test_refused_attempts_are_audited_and_kept(engine: Engine, staff: Staff, kb) -> None:
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Gus", "family_name": "Kerr", "birth_date": "1960-01-01", "sex": "male"})
    with pytest.raises(PermissionDenied):
        services.record_intake(fresh_uow(engine), staff.rita, patient.id, example_intake("neck_pain"), kb)
    with pytest.raises(NotFound):
        services.get_patient(fresh_uow(engine), staff.dr_outsider, patient.id)
    with fresh_uow(engine) as uow:
        mine = uow.audit.list(staff.clinic_id, patient_id=patient.id)
        theirs = uow.audit.list(staff.dr_outsider.clinic_id, patient_id=patient.id)
        intakes = uow.intakes.list_for_patient(staff.clinic_id, patient.id)
    # The outsider's probe is in both logs: theirs as a miss, ours with who asked from which clinic.
    assert [(e.action, e.outcome, e.user_id, e.actor_clinic_id) for e in mine] == [
        ("patient.register", Outcome.OK, "rita", staff.clinic_id),
        ("intake.record", Outcome.DENIED, "rita", staff.clinic_id),
        ("patient.read", Outcome.DENIED, "out", staff.dr_outsider.clinic_id)]
    assert [(e.action, e.outcome, e.remote_address) for e in theirs] == [
        ("patient.read", Outcome.NOT_FOUND, "10.9.9.9")]
    assert intakes == []
