"""Inviting a patient to the portal, and revoking access: who may, what is stored, what is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from service_fakes import FROZEN_NOW, FakeUnitOfWork

from acupath.errors import NotFound, PermissionDenied
from acupath.services.portal import invitations
from acupath.services.portal.tokens import token_hash
from acupath.services.records import Outcome, Patient


def test_an_invitation_stores_only_the_hash_of_its_token_and_expires_in_seven_days(
        uow: FakeUnitOfWork, people, patient: Patient) -> None:
    invitation = invitations.invite_patient(uow, people.dr_lee, patient.id)
    [link] = uow.stored("portal_links")
    assert link.token_hash == token_hash(invitation.token) != invitation.token
    assert invitation.token not in repr(uow.committed)
    assert link.expires_at == FROZEN_NOW + timedelta(days=7) == invitation.expires_at
    assert link.created_by == "lee" and link.used_at is None
    [account] = uow.stored("portal_accounts")
    assert (account.patient_id, account.clinic_id, account.password_hash, account.active) == (
        patient.id, "harbour", None, True)


def test_a_new_invitation_revokes_the_unused_ones_before_it(uow: FakeUnitOfWork, people,
                                                              patient: Patient) -> None:
    first = invitations.invite_patient(uow, people.dr_lee, patient.id)
    second = invitations.invite_patient(uow, people.dr_patel, patient.id)
    links = {link.token_hash: link for link in uow.stored("portal_links")}
    assert links[token_hash(first.token)].revoked_at == FROZEN_NOW
    assert links[token_hash(second.token)].revoked_at is None
    assert len(uow.stored("portal_accounts")) == 1
    status = invitations.portal_status(uow, people.dr_lee, patient.id)
    assert status.pending is not None and status.pending.token_hash == token_hash(second.token)


def test_reception_may_not_invite_and_the_refusal_is_audited(uow: FakeUnitOfWork, people,
                                                              patient: Patient) -> None:
    with pytest.raises(PermissionDenied):
        invitations.invite_patient(uow, people.rita, patient.id)
    assert uow.stored("portal_links") == []
    assert uow.audit_entries()[-1].action == "portal.invite"
    assert uow.audit_entries()[-1].outcome is Outcome.DENIED


def test_another_clinics_patient_cannot_be_invited(uow: FakeUnitOfWork, people, patient: Patient) -> None:
    with pytest.raises(NotFound):
        invitations.invite_patient(uow, people.dr_outsider, patient.id)
    assert uow.stored("portal_accounts") == []


def test_revoking_access_deactivates_the_account_and_revokes_its_links(uow: FakeUnitOfWork, people,
                                                                        patient: Patient) -> None:
    invitations.invite_patient(uow, people.dr_lee, patient.id)
    invitations.revoke_access(uow, people.ada, patient.id)
    [account] = uow.stored("portal_accounts")
    [link] = uow.stored("portal_links")
    assert account.active is False and link.revoked_at == FROZEN_NOW
    status = invitations.portal_status(uow, people.dr_lee, patient.id)
    assert status.pending is None
    invitations.invite_patient(uow, people.dr_lee, patient.id)  # inviting again gives access back
    assert uow.stored("portal_accounts")[0].active is True


def test_revoking_a_patient_without_an_account_is_not_found(uow: FakeUnitOfWork, people,
                                                             patient: Patient) -> None:
    with pytest.raises(NotFound):
        invitations.revoke_access(uow, people.dr_lee, patient.id)
