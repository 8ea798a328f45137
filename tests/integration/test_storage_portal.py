"""The portal's tables on both databases: accounts unique by patient and email, links used once even
when two requests race, sign-ins read with their account, and a patient of another clinic refused by
the database itself."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from acupath.errors import Conflict, NotAuthenticated
from acupath.security.passwords import Argon2idHasher
from acupath.services import register_patient
from acupath.services.portal import invitations, signing_in
from acupath.services.portal.signing_in import LinkRefused
from acupath.services.portal.tokens import token_hash
from acupath.services.records import Patient
from acupath.services.records.portal import PortalAccount

PASSWORD = "harbour tide lantern 42"


def _patient(engine: Engine, staff: Staff) -> Patient:
    return register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Anna", "family_name": "Smith", "birth_date": "1960-03-04", "sex": "female"})


def _email() -> str:
    return f"anna-{uuid.uuid4().hex[:8]}@example.org"


def test_an_invitation_a_password_and_a_sign_in_round_trip(engine: Engine, staff: Staff) -> None:
    patient = _patient(engine, staff)
    invitation = invitations.invite_patient(fresh_uow(engine), staff.dr_lee, patient.id)
    with fresh_uow(engine) as uow:
        link = uow.portal_links.by_token_hash(token_hash(invitation.token))
        assert link is not None and link.patient_id == patient.id and link.expires_at == invitation.expires_at
    hasher = Argon2idHasher()
    email = _email()
    signed = signing_in.set_password_with_link(fresh_uow(engine), invitation.token, email, PASSWORD, hasher)
    assert signing_in.check_sign_in(fresh_uow(engine), signed.token, "10.0.0.9").patient_id == patient.id
    with fresh_uow(engine) as uow:
        account = uow.portal_accounts.by_email(email)
        assert account is not None and account.password_hash.startswith("$argon2id$")
        assert account.last_sign_in_at is not None
    again = signing_in.sign_in(fresh_uow(engine), email.upper(), PASSWORD, hasher)
    assert again is not None
    signing_in.sign_out(fresh_uow(engine), again.patient, again.token)
    with pytest.raises(NotAuthenticated):
        signing_in.check_sign_in(fresh_uow(engine), again.token, "10.0.0.9")


def test_a_link_is_used_once_even_by_two_units_of_work_at_once(engine: Engine, staff: Staff) -> None:
    patient = _patient(engine, staff)
    token = invitations.invite_patient(fresh_uow(engine), staff.dr_lee, patient.id).token
    now = datetime.now(UTC)
    with fresh_uow(engine) as first:
        link = first.portal_links.by_token_hash(token_hash(token))
        assert link is not None
        assert first.portal_links.use(link.id, now) is True
        first.commit()
    with fresh_uow(engine) as second:
        assert second.portal_links.use(link.id, now) is False
    with pytest.raises(LinkRefused):
        signing_in.sign_in_with_link(fresh_uow(engine), token)


def test_a_new_invitation_revokes_the_old_link_in_the_database(engine: Engine, staff: Staff) -> None:
    patient = _patient(engine, staff)
    old = invitations.invite_patient(fresh_uow(engine), staff.dr_lee, patient.id).token
    new = invitations.invite_patient(fresh_uow(engine), staff.dr_patel, patient.id).token
    with pytest.raises(LinkRefused):
        signing_in.open_link(fresh_uow(engine), old)
    assert signing_in.open_link(fresh_uow(engine), new).given_name == "Anna"
    with fresh_uow(engine) as uow:
        links = uow.portal_links.list_for_patient(staff.clinic_id, patient.id)
    assert [link.revoked_at is None for link in links] == [True, False]


def test_one_account_per_patient_and_one_email_per_account(engine: Engine, staff: Staff) -> None:
    first, second = _patient(engine, staff), _patient(engine, staff)
    now = datetime.now(UTC)
    email = _email()
    with fresh_uow(engine) as uow:
        uow.portal_accounts.add(PortalAccount(id=uuid.uuid4().hex, clinic_id=staff.clinic_id, patient_id=first.id,
                                              email=email, created_at=now, created_by="lee"))
        uow.commit()
    with fresh_uow(engine) as uow, pytest.raises(Conflict):
        uow.portal_accounts.add(PortalAccount(id=uuid.uuid4().hex, clinic_id=staff.clinic_id, patient_id=first.id,
                                              created_at=now, created_by="lee"))
    with fresh_uow(engine) as uow, pytest.raises(Conflict):
        uow.portal_accounts.add(PortalAccount(id=uuid.uuid4().hex, clinic_id=staff.clinic_id, patient_id=second.id,
                                              email=email, created_at=now, created_by="lee"))
    with fresh_uow(engine) as uow:  # accounts without an email yet: any number
        for patient in (second, _patient(engine, staff)):
            uow.portal_accounts.add(PortalAccount(id=uuid.uuid4().hex, clinic_id=staff.clinic_id,
                                                  patient_id=patient.id, created_at=now, created_by="lee"))
        uow.commit()


def test_the_database_refuses_an_account_naming_another_clinics_patient(engine: Engine, staff: Staff) -> None:
    patient = _patient(engine, staff)
    with fresh_uow(engine) as uow, pytest.raises(IntegrityError):
        uow.portal_accounts.add(PortalAccount(id=uuid.uuid4().hex, clinic_id=staff.dr_outsider.clinic_id,
                                              patient_id=patient.id, created_at=datetime.now(UTC),
                                              created_by="out"))


def test_revoking_access_removes_every_sign_in_and_purge_forgets_expired_ones(engine: Engine, staff: Staff) -> None:
    patient = _patient(engine, staff)
    token = invitations.invite_patient(fresh_uow(engine), staff.dr_lee, patient.id).token
    signed = signing_in.sign_in_with_link(fresh_uow(engine), token)
    with fresh_uow(engine) as uow:
        found = uow.portal_sign_ins.find(token_hash(signed.token))
        assert found is not None and found.account_active and found.sign_in.patient_id == patient.id
        uow.portal_sign_ins.purge(signed.expires_at - timedelta(seconds=1))  # other tests' may go: not this one
        assert uow.portal_sign_ins.find(token_hash(signed.token)) is not None
    again = signing_in.sign_in_with_link(fresh_uow(engine), invitations.invite_patient(
        fresh_uow(engine), staff.dr_lee, patient.id).token)
    with fresh_uow(engine) as uow:
        assert uow.portal_sign_ins.purge(again.expires_at + timedelta(seconds=1)) >= 1
        assert uow.portal_sign_ins.find(token_hash(again.token)) is None
        uow.rollback()
    invitations.revoke_access(fresh_uow(engine), staff.dr_lee, patient.id)
    with fresh_uow(engine) as uow:
        assert uow.portal_sign_ins.find(token_hash(signed.token)) is None
        assert uow.portal_sign_ins.find(token_hash(again.token)) is None
        account = uow.portal_accounts.for_patient(staff.clinic_id, patient.id)
        assert account is not None and account.active is False
