"""Updates carry the version they read: a stale one gets Conflict (409) and nothing stored is lost."""

from __future__ import annotations

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine

from acupath import services
from acupath.errors import Conflict
from acupath.services.records import Outcome
from acupath.storage import SqlAlchemyUnitOfWork
from example_records import example_intake


@pytest.fixture
def plan(uow: SqlAlchemyUnitOfWork, staff: Staff, kb):
    """A low-back plan at version 1."""
    patient = services.register_patient(uow, staff.rita, {
        "given_name": "Ben", "family_name": "Adams", "birth_date": "1970-05-05", "sex": "male"})
    intake = services.record_intake(uow, staff.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    return services.create_plan(uow, staff.dr_lee, intake.id, kb)


def test_a_stale_plan_amendment_gets_conflict_and_loses_nothing(
    engine: Engine, staff: Staff, plan, kb
) -> None:
    services.amend_plan(fresh_uow(engine), staff.dr_lee, plan.id, kb, expected_version=1, status="completed",
                        note="goals met")
    with pytest.raises(Conflict) as error:
        services.amend_plan(fresh_uow(engine), staff.dr_patel, plan.id, kb, expected_version=1,
                            status="discontinued")
    assert error.value.http_status == 409
    with fresh_uow(engine) as uow:
        stored = uow.plans.get(staff.clinic_id, plan.id)
        revisions = uow.plans.revisions(staff.clinic_id, plan.id)
        refusals = [e for e in uow.audit.list(staff.clinic_id) if e.outcome is Outcome.CONFLICT]
    assert stored is not None and (stored.version, stored.status, stored.updated_by) == (2, "completed", "lee")
    assert [(r.version, r.status, r.note) for r in revisions] == [(1, "active", "created"), (2, "completed", "goals met")]
    assert revisions[0].plan == plan.plan
    assert [(e.user_id, e.action, e.record_id) for e in refusals] == [("patel", "plan.amend", plan.id)]


def test_of_two_clinicians_amending_at_once_one_wins_and_the_other_gets_conflict(
    engine: Engine, staff: Staff, plan, kb
) -> None:
    # Both read version 1; the second writer's compare-and-set must find the row already at version 2.
    # (Each reads in a unit of work of its own: on SQLite one unit of work runs at a time.)
    with fresh_uow(engine) as first:
        mine = first.plans.get(staff.clinic_id, plan.id)
    with fresh_uow(engine) as second:
        theirs = second.plans.get(staff.clinic_id, plan.id)
        assert mine is not None and theirs is not None
        theirs.status = "completed"
        second.plans.update(theirs, expected_version=1, note="theirs")
        second.commit()
    mine.status = "discontinued"
    with pytest.raises(Conflict), fresh_uow(engine) as first:
        first.plans.update(mine, expected_version=1, note="mine")
    with fresh_uow(engine) as uow:
        stored = uow.plans.get(staff.clinic_id, plan.id)
        notes = [r.note for r in uow.plans.revisions(staff.clinic_id, plan.id)]
    assert stored is not None and (stored.version, stored.status) == (2, "completed")
    assert notes == ["created", "theirs"]


def test_a_stale_patient_update_gets_conflict_and_keeps_the_newer_details(
    engine: Engine, staff: Staff
) -> None:
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Cara", "family_name": "Young", "birth_date": "1990-02-02", "sex": "female"})
    services.update_patient(fresh_uow(engine), staff.rita, patient.id, {"phone": "555-0101"}, expected_version=1)
    with pytest.raises(Conflict):
        services.update_patient(fresh_uow(engine), staff.dr_lee, patient.id, {"phone": "555-9999",
                                                                              "family_name": "Old"}, 1)
    with fresh_uow(engine) as uow:
        stored = uow.patients.get(staff.clinic_id, patient.id)
    assert stored is not None and (stored.phone, stored.family_name, stored.version) == ("555-0101", "Young", 2)


def test_an_update_of_another_clinics_patient_changes_nothing(engine: Engine, staff: Staff) -> None:
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Dan", "family_name": "Hill", "birth_date": "1990-02-02", "sex": "male"})
    with fresh_uow(engine) as uow:
        forged = uow.patients.get(staff.clinic_id, patient.id)
        assert forged is not None
        forged.clinic_id = staff.dr_outsider.clinic_id
        forged.family_name = "Forged"
        with pytest.raises(Conflict):
            uow.patients.update(forged, expected_version=1)
    with fresh_uow(engine) as uow:
        assert uow.patients.get(staff.clinic_id, patient.id).family_name == "Hill"
