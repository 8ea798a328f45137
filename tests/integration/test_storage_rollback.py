"""A half-done write is rolled back: nothing of it stays, whether the code or the database stopped it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine

from acupath import services
from acupath.errors import Conflict, SafetyBlock
from acupath.services.records import AuditEntry, Outcome, Patient
from example_records import example_intake, example_session

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _patient(engine: Engine, staff: Staff) -> Patient:
    return services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Hal", "family_name": "Reed", "birth_date": "1950-01-01", "sex": "male"})


def test_leaving_a_unit_of_work_without_commit_keeps_nothing(engine: Engine, staff: Staff) -> None:
    patient = Patient(id="a" * 32, clinic_id=staff.clinic_id, given_name="Ida", family_name="Vale",
                      birth_date=datetime(1980, 1, 1).date(), sex="female", created_at=NOW, updated_at=NOW)
    with fresh_uow(engine) as uow:
        uow.patients.add(patient)
        assert uow.patients.get(staff.clinic_id, patient.id) is not None  # visible inside the transaction
    with fresh_uow(engine) as uow:
        assert uow.patients.get(staff.clinic_id, patient.id) is None


def test_an_error_midway_through_a_unit_of_work_undoes_its_earlier_writes(engine: Engine, staff: Staff) -> None:
    patient = _patient(engine, staff)
    with pytest.raises(RuntimeError), fresh_uow(engine) as uow:
        changed = uow.patients.get(staff.clinic_id, patient.id)
        changed.phone = "555"
        uow.patients.update(changed, expected_version=1)
        raise RuntimeError("the power went out")
    with fresh_uow(engine) as uow:
        stored = uow.patients.get(staff.clinic_id, patient.id)
    assert (stored.phone, stored.version) == (None, 1)


def test_a_blocked_plan_keeps_neither_its_screening_nor_a_plan(engine: Engine, staff: Staff, kb) -> None:
    patient = _patient(engine, staff)
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient.id,
                                    example_intake("safety_malignancy"), kb)
    with pytest.raises(SafetyBlock):
        services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb)
    with fresh_uow(engine) as uow:
        assert uow.screenings.list_for_patient(staff.clinic_id, patient.id) == []
        assert uow.plans.list_for_patient(staff.clinic_id, patient.id) == []
        assert uow.audit.list(staff.clinic_id, patient_id=patient.id)[-1].outcome is Outcome.BLOCKED


def test_a_session_refused_by_the_database_leaves_no_points_behind(engine: Engine, staff: Staff, kb) -> None:
    patient = _patient(engine, staff)
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient.id,
                                    example_intake("knee_osteoarthritis"), kb)
    plan = services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb)
    services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(number=1), kb)
    with pytest.raises(Conflict):
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(
            number=1, points=[{"code": "ST36", "side": "right"}, {"code": "SP9", "side": "right"}]), kb)
    with fresh_uow(engine) as uow:
        sessions = uow.sessions.list_for_plan(staff.clinic_id, plan.id)
        last = uow.audit.list(staff.clinic_id, patient_id=patient.id)[-1]
    assert [[p.code for p in s.points] for s in sessions] == [["ST35"]]
    assert (last.action, last.outcome) == ("session.record", Outcome.CONFLICT)


def _audit_entry(staff: Staff, record_id: str) -> AuditEntry:
    return AuditEntry(at=NOW, clinic_id=staff.clinic_id, user_id="u-mixed", action="patient.register",
                      record_type="patient", record_id=record_id, remote_address="127.0.0.1", outcome=Outcome.OK)


def test_orm_and_cursor_writes_of_one_unit_of_work_stand_or_fall_together(engine: Engine, staff: Staff) -> None:
    # A patient goes in through the ORM session, its audit entry as a Core INSERT on the same session:
    # one transaction on one connection, so a rollback undoes both, and after a commit the same unit
    # of work starts a new transaction that is again all or nothing.
    kept = Patient(id="b" * 32, clinic_id=staff.clinic_id, given_name="Una", family_name="Kept",
                   birth_date=datetime(1970, 1, 1).date(), sex="female", created_at=NOW, updated_at=NOW)
    dropped = Patient(id="c" * 32, clinic_id=staff.clinic_id, given_name="Dan", family_name="Dropped",
                      birth_date=datetime(1971, 1, 1).date(), sex="male", created_at=NOW, updated_at=NOW)
    with fresh_uow(engine) as uow:
        uow.patients.add(dropped)
        uow.audit.add(_audit_entry(staff, dropped.id))
        uow.rollback()
        uow.patients.add(kept)
        uow.audit.add(_audit_entry(staff, kept.id))
        uow.commit()
        uow.patients.add(dropped)
        uow.audit.add(_audit_entry(staff, dropped.id))
        # leaving without commit
    with fresh_uow(engine) as uow:
        assert uow.patients.get(staff.clinic_id, kept.id) == kept
        assert uow.patients.get(staff.clinic_id, dropped.id) is None
        ids = [e.record_id for e in uow.audit.list(staff.clinic_id) if e.user_id == "u-mixed"]
    assert ids == [kept.id]
