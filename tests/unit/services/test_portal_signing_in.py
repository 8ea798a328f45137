"""The patient's side of the portal's sign-in: links (expiry, single use, supersede), passwords,
throttling with equal cost for unknown accounts, sign-in checks and sign-out.

The clock is the unit of work's, moved by the tests; ``PlainHasher`` records every hash it verifies.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from service_fakes import FROZEN_NOW, Clock, FakeUnitOfWork, PlainHasher

from acupath.errors import InputError, NotAuthenticated, TooManyAttempts
from acupath.services import register_patient
from acupath.services.login_throttle import LoginLimits
from acupath.services.patient_actor import PatientActor
from acupath.services.portal import invitations, signing_in
from acupath.services.portal.signing_in import LinkRefused
from acupath.services.records import Outcome, Patient

PASSWORD = "harbour tide lantern 42"
LIMITS = LoginLimits(account_failures=5, address_failures=8, window=timedelta(minutes=15))


@pytest.fixture
def clock(uow: FakeUnitOfWork) -> Clock:
    ticking = Clock()
    uow.clock = ticking
    return ticking


def _set_up(uow: FakeUnitOfWork, people, patient: Patient, email: str = "anna@example.org") -> str:
    token = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    signing_in.set_password_with_link(uow, token, email, PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)
    return email


def test_an_invitation_expires_after_seven_days(uow: FakeUnitOfWork, people, patient: Patient,
                                                clock: Clock) -> None:
    token = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    clock.advance(days=6, hours=23)
    assert signing_in.open_link(uow, token, "10.1.1.1", LIMITS).given_name == "Anna"
    clock.advance(hours=1)
    with pytest.raises(LinkRefused):
        signing_in.open_link(uow, token, "10.1.1.1", LIMITS)
    assert uow.audit_entries()[-1].detail == "link expired"


def test_opening_a_link_uses_nothing_and_signing_in_with_it_uses_it_once(
        uow: FakeUnitOfWork, people, patient: Patient, clock: Clock) -> None:
    token = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    signing_in.open_link(uow, token, "10.1.1.1", LIMITS)
    signing_in.open_link(uow, token, "10.1.1.1", LIMITS)
    signed = signing_in.sign_in_with_link(uow, token, "10.1.1.1", LIMITS)
    assert signed.patient == PatientActor(patient.id, "harbour")
    with pytest.raises(LinkRefused):
        signing_in.sign_in_with_link(uow, token, "10.1.1.1", LIMITS)
    with pytest.raises(LinkRefused):
        signing_in.set_password_with_link(uow, token, "anna@example.org", PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)


def test_a_superseded_invitation_no_longer_works(uow: FakeUnitOfWork, people, patient: Patient,
                                                 clock: Clock) -> None:
    old = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    new = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    with pytest.raises(LinkRefused):
        signing_in.sign_in_with_link(uow, old, "10.1.1.1", LIMITS)
    assert signing_in.sign_in_with_link(uow, new, "10.1.1.1", LIMITS).patient.patient_id == patient.id


def test_setting_a_password_checks_the_policy_first_and_keeps_the_link(
        uow: FakeUnitOfWork, people, patient: Patient, clock: Clock) -> None:
    token = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    with pytest.raises(InputError) as refused:
        signing_in.set_password_with_link(uow, token, "anna@example.org", "password1234", PlainHasher(), "10.1.1.1")
    assert refused.value.field == "password"
    with pytest.raises(InputError) as bad_email:
        signing_in.set_password_with_link(uow, token, "anna at example", PASSWORD, PlainHasher(), "10.1.1.1")
    assert bad_email.value.field == "email"
    signing_in.set_password_with_link(uow, token, " Anna@Example.org ", PASSWORD, PlainHasher(), "10.1.1.1")
    [account] = uow.stored("portal_accounts")
    assert account.email == "anna@example.org" and account.password_hash == PlainHasher().hash(PASSWORD)
    assert account.password_changed_at == FROZEN_NOW


def test_an_email_of_another_portal_account_is_refused(uow: FakeUnitOfWork, people, patient: Patient,
                                                       clock: Clock) -> None:
    _set_up(uow, people, patient)
    other = register_patient(uow, people.rita, {"given_name": "Ben", "family_name": "Ode", "birth_date": "1970-01-02",
                                                "sex": "male"})
    token = invitations.invite_patient(uow, people.dr_lee, other.id).token
    with pytest.raises(InputError) as taken:
        signing_in.set_password_with_link(uow, token, "anna@example.org", PASSWORD, PlainHasher(), "10.1.1.1")
    assert taken.value.field == "email"


def test_sign_in_with_password_and_one_answer_for_every_wrong_case(
        uow: FakeUnitOfWork, people, patient: Patient, clock: Clock) -> None:
    email = _set_up(uow, people, patient)
    signed = signing_in.sign_in(uow, "ANNA@example.org", PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)
    assert signed is not None and signed.patient.patient_id == patient.id
    assert signing_in.sign_in(uow, email, "wrong password here", PlainHasher(), "10.1.1.2", LIMITS) is None
    assert signing_in.sign_in(uow, "nobody@example.org", PASSWORD, PlainHasher(), "10.1.1.3", LIMITS) is None
    failed = [e for e in uow.audit_entries() if e.action == "portal.sign_in" and e.outcome is Outcome.FAILED]
    assert [(e.clinic_id, e.user_id) for e in failed] == [("harbour", f"patient:{patient.id}"),
                                                          (None, "portal:unknown")]


def test_an_unknown_email_costs_one_verify_like_a_wrong_password(
        uow: FakeUnitOfWork, people, patient: Patient, clock: Clock) -> None:
    email = _set_up(uow, people, patient)
    known, unknown = PlainHasher(), PlainHasher()
    signing_in.sign_in(uow, email, "wrong password here", known, "10.1.1.2", LIMITS)
    signing_in.sign_in(uow, "nobody@example.org", "wrong password here", unknown, "10.1.1.2", LIMITS)
    assert len(known.verified) == len(unknown.verified) == 1
    assert unknown.verified == [PlainHasher().dummy_hash()]


def test_an_account_without_a_password_signs_in_with_none(uow: FakeUnitOfWork, people, patient: Patient,
                                                          clock: Clock) -> None:
    invitations.invite_patient(uow, people.dr_lee, patient.id)
    hasher = PlainHasher()
    assert signing_in.sign_in(uow, "anna@example.org", "", hasher, "10.1.1.1", LIMITS) is None
    assert hasher.verified == [hasher.dummy_hash()]


def test_five_failures_lock_the_account_for_fifteen_minutes_before_any_hash(
        uow: FakeUnitOfWork, people, patient: Patient, clock: Clock) -> None:
    email = _set_up(uow, people, patient)
    for n in range(5):
        assert signing_in.sign_in(uow, email, "wrong password here", PlainHasher(), f"10.2.0.{n}", LIMITS) is None
    hasher = PlainHasher()
    with pytest.raises(TooManyAttempts) as locked:
        signing_in.sign_in(uow, email, PASSWORD, hasher, "10.3.0.1", LIMITS)
    assert locked.value.retry_after == 15 * 60 and hasher.verified == []
    assert uow.audit_entries()[-1].outcome is Outcome.DENIED
    clock.advance(minutes=15)
    assert signing_in.sign_in(uow, email, PASSWORD, PlainHasher(), "10.3.0.1", LIMITS) is not None


def test_bad_links_count_against_the_address(uow: FakeUnitOfWork, people, patient: Patient,
                                             clock: Clock) -> None:
    for n in range(8):
        with pytest.raises(LinkRefused):
            signing_in.open_link(uow, f"guessed-token-number-{n:04d}", "10.4.0.1", LIMITS)
    token = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    with pytest.raises(TooManyAttempts):
        signing_in.open_link(uow, token, "10.4.0.1", LIMITS)
    assert signing_in.open_link(uow, token, "10.4.0.2", LIMITS).given_name == "Anna"


def test_a_sign_in_counts_until_sign_out_idle_time_expiry_or_revocation(
        uow: FakeUnitOfWork, people, patient: Patient, clock: Clock) -> None:
    email = _set_up(uow, people, patient)
    first = signing_in.sign_in(uow, email, PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)
    assert first is not None
    assert signing_in.check_sign_in(uow, first.token, "10.1.1.1") == PatientActor(patient.id, "harbour", "10.1.1.1")
    clock.advance(minutes=29)
    signing_in.check_sign_in(uow, first.token, "10.1.1.1")
    clock.advance(minutes=30)  # idle since the last use
    with pytest.raises(NotAuthenticated):
        signing_in.check_sign_in(uow, first.token, "10.1.1.1")
    second = signing_in.sign_in(uow, email, PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)
    assert second is not None
    signing_in.sign_out(uow, second.patient, second.token)
    with pytest.raises(NotAuthenticated):
        signing_in.check_sign_in(uow, second.token, "10.1.1.1")
    third = signing_in.sign_in(uow, email, PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)
    assert third is not None
    invitations.revoke_access(uow, people.dr_lee, patient.id)
    with pytest.raises(NotAuthenticated):
        signing_in.check_sign_in(uow, third.token, "10.1.1.1")
    assert signing_in.sign_in(uow, email, PASSWORD, PlainHasher(), "10.1.1.1", LIMITS) is None


def test_a_new_password_signs_out_every_other_browser(uow: FakeUnitOfWork, people, patient: Patient,
                                                      clock: Clock) -> None:
    email = _set_up(uow, people, patient)
    before = signing_in.sign_in(uow, email, PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)
    assert before is not None
    clock.advance(minutes=1)
    token = invitations.invite_patient(uow, people.dr_lee, patient.id).token
    after = signing_in.set_password_with_link(uow, token, email, "a different long phrase", PlainHasher(), "10.1.1.1")
    with pytest.raises(NotAuthenticated):
        signing_in.check_sign_in(uow, before.token, "10.1.1.1")
    assert signing_in.check_sign_in(uow, after.token, "10.1.1.1").patient_id == patient.id


def test_a_session_expires_after_eight_hours_even_when_used(uow: FakeUnitOfWork, people, patient: Patient,
                                                            clock: Clock) -> None:
    email = _set_up(uow, people, patient)
    signed = signing_in.sign_in(uow, email, PASSWORD, PlainHasher(), "10.1.1.1", LIMITS)
    assert signed is not None
    for _ in range(16):
        clock.advance(minutes=29)
        signing_in.check_sign_in(uow, signed.token, "10.1.1.1")
    clock.advance(minutes=16)
    with pytest.raises(NotAuthenticated):
        signing_in.check_sign_in(uow, signed.token, "10.1.1.1")


def test_an_emailed_sign_in_link_is_made_only_for_an_active_account(
        uow: FakeUnitOfWork, people, patient: Patient, clock: Clock) -> None:
    email = _set_up(uow, people, patient)
    assert signing_in.sign_in_link_for(uow, "nobody@example.org", "10.1.1.1", LIMITS) is None
    made = signing_in.sign_in_link_for(uow, email, "10.1.1.1", LIMITS)
    assert made is not None and made[1] == email
    clock.advance(minutes=31)
    with pytest.raises(LinkRefused):
        signing_in.sign_in_with_link(uow, made[0], "10.1.1.1", LIMITS)
