"""Who may do what, and that every attempt of every service is audited (healthchecks-style personas).

Reception sees demographics and the schedule, never clinical records (403). Another clinic's records
do not exist for an outsider (404), so their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from service_fakes import FakeUnitOfWork, PlainHasher

from acupath import services
from acupath.errors import NotFound, PermissionDenied
from acupath.services.records import Outcome
from example_records import example_intake

SESSION = {"session_date": "2026-12-01", "style": "tcm", "rationale": "protocol", "points": [
    {"code": "BL23", "side": "bilateral"}], "stimulation": {"kind": "manual"}}


@pytest.fixture
def records(uow: FakeUnitOfWork, people, patient, kb) -> dict[str, Any]:
    """dr_lee's patient with an intake, a plan and a session."""
    intake = services.record_intake(uow, people.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    plan = services.create_plan(uow, people.dr_lee, intake.id, kb)
    services.record_session(uow, people.dr_lee, plan.id, SESSION, kb)
    return {"patient": patient.id, "intake": intake.id, "plan": plan.id}


def clinical_calls(kb: Any, r: dict[str, Any]) -> dict[str, Callable[..., Any]]:
    """Every clinical use case, called on dr_lee's records."""
    return {
        "record_intake": lambda u, a: services.record_intake(u, a, r["patient"], example_intake("neck_pain"), kb),
        "get_intake": lambda u, a: services.get_intake(u, a, r["intake"]),
        "screen_intake": lambda u, a: services.screen_intake(u, a, r["intake"], kb),
        "create_plan": lambda u, a: services.create_plan(u, a, r["intake"], kb),
        "get_plan": lambda u, a: services.get_plan(u, a, r["plan"]),
        "plan_history": lambda u, a: services.plan_history(u, a, r["plan"]),
        "amend_plan": lambda u, a: services.amend_plan(u, a, r["plan"], kb, expected_version=1),
        "record_session": lambda u, a: services.record_session(u, a, r["plan"], {**SESSION, "number": 9}, kb),
        "list_sessions": lambda u, a: services.list_sessions(u, a, r["plan"]),
        "record_adverse_event": lambda u, a: services.record_adverse_event(u, a, r["patient"], {
            "occurred_on": "2026-12-02", "type": "bruising", "severity": "mild", "outcome": "resolved"}),
        "record_reassessment": lambda u, a: services.record_reassessment(u, a, r["patient"], {
            "assessed_on": "2026-12-20", "answers": {"nope": {}}}, kb),
        "get_progress": lambda u, a: services.get_progress(u, a, r["plan"], kb),
    }


def demographic_calls(r: dict[str, Any]) -> dict[str, Callable[..., Any]]:
    """Every demographic use case, called on dr_lee's patient."""
    return {
        "get_patient": lambda u, a: services.get_patient(u, a, r["patient"]),
        "update_patient": lambda u, a: services.update_patient(u, a, r["patient"], {"phone": "1"}, 1),
        "get_schedule": lambda u, a: services.get_schedule(u, a, r["patient"]),
    }


CLINICAL = sorted(clinical_calls(None, {}))
DEMOGRAPHIC = sorted(demographic_calls({}))


@pytest.mark.parametrize("name", CLINICAL)
def test_reception_may_not_touch_clinical_records_and_the_refusal_is_audited(
    uow: FakeUnitOfWork, people, records, kb, name: str
) -> None:
    before = uow.committed.rows.copy()
    with pytest.raises(PermissionDenied):
        clinical_calls(kb, records)[name](uow, people.rita)
    entry = uow.audit_entries()[-1]
    assert (entry.user_id, entry.outcome, entry.remote_address) == ("rita", Outcome.DENIED, "10.0.0.3")
    # Refused before the record was read, the entry still names the patient it was about.
    assert entry.patient_id == records["patient"]
    assert uow.committed.rows.keys() == before.keys()


@pytest.mark.parametrize("name", CLINICAL + DEMOGRAPHIC)
def test_an_outsider_finds_nothing_of_another_clinic_and_the_attempt_is_audited(
    uow: FakeUnitOfWork, people, records, kb, name: str
) -> None:
    calls = {**clinical_calls(kb, records), **demographic_calls(records)}
    with pytest.raises(NotFound):
        calls[name](uow, people.dr_outsider)
    theirs, ours = uow.audit_entries()[-2:]
    assert (theirs.user_id, theirs.clinic_id, theirs.outcome) == ("out", "hill", Outcome.NOT_FOUND)
    # The owner's log has the probe too: who asked, from which clinic, about which of its patients.
    assert (ours.action, ours.user_id, ours.clinic_id, ours.actor_clinic_id, ours.outcome, ours.patient_id,
            ours.remote_address) == (theirs.action, "out", "harbour", "hill", Outcome.DENIED, records["patient"],
                                     theirs.remote_address)


@pytest.mark.parametrize("name", ["get_intake", "get_plan", "get_progress", "screen_intake", "record_session"])
def test_an_outsiders_own_log_does_not_learn_the_patient_of_the_id_they_probed(
    uow: FakeUnitOfWork, people, records, kb, name: str
) -> None:
    with pytest.raises(NotFound):
        clinical_calls(kb, records)[name](uow, people.dr_outsider)
    theirs = [e for e in uow.audit_entries() if e.clinic_id == "hill"]
    assert [(e.patient_id, e.detail) for e in theirs] == [(None, theirs[0].detail)]
    assert records["patient"] not in theirs[0].detail


def test_a_probe_of_an_id_no_clinic_holds_is_written_once(uow: FakeUnitOfWork, people, records) -> None:
    with pytest.raises(NotFound):
        services.get_intake(uow, people.dr_outsider, "0" * 32)
    assert [(e.clinic_id, e.outcome) for e in uow.audit_entries()[-2:]] == [
        ("harbour", Outcome.OK), ("hill", Outcome.NOT_FOUND)]


@pytest.mark.parametrize("name", DEMOGRAPHIC)
def test_reception_sees_demographics_and_the_schedule(uow: FakeUnitOfWork, people, records, name: str) -> None:
    demographic_calls(records)[name](uow, people.rita)
    assert uow.audit_entries()[-1].outcome is Outcome.OK


@pytest.mark.parametrize("name", ["get_plan", "get_progress", "amend_plan", "list_sessions"])
def test_a_second_clinician_of_the_clinic_shares_the_records(
    uow: FakeUnitOfWork, people, records, kb, name: str
) -> None:
    clinical_calls(kb, records)[name](uow, people.dr_patel)
    entry = uow.audit_entries()[-1]
    assert (entry.user_id, entry.outcome, entry.patient_id) == ("patel", Outcome.OK, records["patient"])


def test_every_successful_write_and_read_leaves_one_audit_entry(uow: FakeUnitOfWork, people, records, kb) -> None:
    entries = uow.audit_entries()
    actions = [e.action for e in entries]
    assert actions == ["patient.register", "intake.record", "plan.create", "session.record"]
    assert all(e.outcome is Outcome.OK and e.record_id and e.patient_id == records["patient"] for e in entries)
    services.get_plan(uow, people.dr_lee, records["plan"])
    assert uow.audit_entries()[-1].action == "plan.read"


def test_only_an_admin_creates_users(uow: FakeUnitOfWork, people) -> None:
    with pytest.raises(PermissionDenied):
        services.create_user(uow, people.dr_lee, email="x@harbour.example", name="X", role="clinician",
                             password="long enough password", hasher=PlainHasher())
    assert uow.audit_entries()[-1].outcome is Outcome.DENIED
