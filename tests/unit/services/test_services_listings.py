"""Logout through the unit of work, paginated lists, the audit search, and sided electrode pairs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from service_fakes import FROZEN_NOW, FakeUnitOfWork, PlainHasher

from acupath.errors import InputError, NotFound, PermissionDenied
from acupath.services import create_plan, create_user, get_patient, record_intake, record_session
from acupath.services.actor import Actor
from acupath.services.audit_log import search_audit
from acupath.services.logouts import is_token_revoked, revoke_token
from acupath.services.patient_records import list_adverse_events, list_reassessments
from acupath.services.users import list_users, public_user
from example_records import example_intake
from example_records import example_session as session


def test_a_revoked_token_stays_revoked_until_it_expires_then_is_purged(uow: FakeUnitOfWork, people) -> None:
    revoke_token(uow, people.dr_lee, "old", FROZEN_NOW - timedelta(minutes=1))
    assert is_token_revoked(uow, "old")  # expired tokens are refused anyway; the next logout purges them
    revoke_token(uow, people.dr_lee, "t1", FROZEN_NOW + timedelta(hours=1))
    revoke_token(uow, people.dr_lee, "t1", FROZEN_NOW + timedelta(hours=1))  # twice is harmless
    assert is_token_revoked(uow, "t1") and not is_token_revoked(uow, "never")
    assert not is_token_revoked(uow, "old")
    assert [e.action for e in uow.audit_entries()].count("user.logout") == 3


def test_only_an_administrator_lists_the_clinics_users_and_never_sees_a_hash(uow: FakeUnitOfWork, people) -> None:
    for name in ("b", "a", "c"):
        create_user(uow, people.ada, email=f"{name}@harbour.example", name=name, role="clinician",
                    password="long enough password", hasher=PlainHasher())
    create_user(uow, Actor.system("hill"), email="z@hill.example", name="z",
                role="clinician", password="long enough password", hasher=PlainHasher())
    page = list_users(uow, people.ada, offset=1, limit=1)
    assert (page.total, [u.email for u in page.items]) == (3, ["b@harbour.example"])
    assert "password_hash" not in public_user(page.items[0])
    with pytest.raises(PermissionDenied):
        list_users(uow, people.dr_lee)


def test_the_audit_search_filters_by_patient_user_action_and_time(uow: FakeUnitOfWork, people, patient) -> None:
    get_patient(uow, people.dr_patel, patient.id)
    with pytest.raises(NotFound):  # logged in hill's log as a miss, and in harbour's as a refused probe
        get_patient(uow, people.dr_outsider, patient.id)
    found = search_audit(uow, people.ada, patient_id=patient.id, action="patient.read")
    assert [(e.user_id, e.outcome.value) for e in found.items] == [("out", "denied"), ("patel", "ok")]
    assert len(search_audit(uow, people.ada, user_id="rita").items) == 1  # the registration
    assert search_audit(uow, people.ada, since=FROZEN_NOW + timedelta(seconds=1), total=True).total.value == 0
    assert len(search_audit(uow, people.ada, until=FROZEN_NOW.replace(tzinfo=None) + timedelta(seconds=1)).items) >= 2
    with pytest.raises(InputError) as error:
        search_audit(uow, people.ada, since=FROZEN_NOW, until=FROZEN_NOW)
    assert error.value.field == "until"
    with pytest.raises(PermissionDenied):
        search_audit(uow, people.dr_lee)
    with pytest.raises(InputError) as error:
        search_audit(uow, people.ada, limit=500)
    assert error.value.field == "limit"


def test_reception_may_not_list_adverse_events_or_reassessments(uow: FakeUnitOfWork, people, patient) -> None:
    assert list_adverse_events(uow, people.dr_lee, patient.id).total == 0
    assert list_reassessments(uow, people.dr_patel, patient.id).total == 0
    for listing in (list_adverse_events, list_reassessments):
        with pytest.raises(PermissionDenied):
            listing(uow, people.rita, patient.id)


@pytest.fixture
def back_plan(uow: FakeUnitOfWork, people, patient, kb):
    """A low-back plan without findings that touch electroacupuncture."""
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    return create_plan(uow, people.dr_lee, intake.id, kb)


def _electro(pairs: list) -> dict:
    return {"kind": "electro", "frequency_hz": 2, "intensity_ma": 3, "minutes": 20, "electrode_pairs": pairs}


def test_a_one_sided_pair_is_recorded_where_one_across_the_chest_is_blocked(
    uow: FakeUnitOfWork, people, back_plan, kb
) -> None:
    points = [{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}, {"code": "LI4", "side": "bilateral"}]
    stored = record_session(uow, people.dr_lee, back_plan.id, session(
        points=points, stimulation=_electro([["BL23", "BL25", "left"]])), kb)
    assert [(e.code, e.side) for e in stored.stimulation.electrode_pairs[0]] == [("BL23", "left"), ("BL25", "left")]
    with pytest.raises(InputError, match="left and right upper_limb") as error:  # standing rule: 422, no override
        record_session(uow, people.dr_lee, back_plan.id, session(
            points=points, stimulation=_electro([["BL23", "BL25", "left"], ["LI4:left", "LI4:right"]])), kb)
    assert error.value.field == "stimulation.electrode_pairs[1]"


def test_an_electrode_must_sit_on_a_needle_of_the_session(uow: FakeUnitOfWork, people, back_plan, kb) -> None:
    points = [{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}]
    with pytest.raises(InputError) as error:
        record_session(uow, people.dr_lee, back_plan.id, session(
            points=points, stimulation=_electro([["BL23", "BL25", "right"]])), kb)
    assert error.value.field == "stimulation.electrode_pairs[0][0]"
