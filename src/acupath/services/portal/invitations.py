"""The clinic's side of the portal: invite a patient, see where the invitation stands, revoke access.

A clinician or an administrator (never reception: the portal shows the clinical plan) invites a
patient: the patient's portal account is made if there is none, every unused link of the patient is
revoked (a re-invitation supersedes the old link, so only the newest one works), and a new single-use
link is stored by its token's hash. The token is returned once, for the page to show as a URL and a QR
code (and the optional email to carry); it is never stored or logged. Inviting a patient whose access
was revoked gives it back. Revoking access deactivates the account, revokes its links and signs out
every browser of it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from acupath.errors import NotFound
from acupath.services.access import found, require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.patients import new_id
from acupath.services.portal.tokens import DEFAULT_TIMES, PortalTimes, new_token, token_hash
from acupath.services.records import Patient
from acupath.services.records.portal import LinkPurpose, PortalAccount, PortalLink
from acupath.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class Invitation:
    """A new invitation: the token for the link (shown once, never stored), its expiry, its patient and
    the name of the clinic (for the email that may carry it)."""

    token: str
    expires_at: datetime
    patient: Patient
    clinic_name: str


@dataclass(frozen=True)
class PortalStatus:
    """Where a patient's portal access stands, for the chart page.

    ``account`` is None before the first invitation; ``pending`` is the newest invitation that can
    still be used (None: none).
    """

    account: PortalAccount | None
    pending: PortalLink | None

    @property
    def has_password(self) -> bool:
        """True when the patient has set a password (signs in with email and password)."""
        return self.account is not None and self.account.password_hash is not None


def invite_patient(uow: AbstractUnitOfWork, actor: Actor, patient_id: str,
                   times: PortalTimes = DEFAULT_TIMES) -> Invitation:
    """Invite the clinic's patient to the portal with a new single-use link valid for ``times.invitation``.

    Returns the ``Invitation`` (its token is the only copy). Revokes the patient's earlier unused links
    and reactivates a revoked account. Raises ``PermissionDenied`` (reception), ``NotFound`` (no such
    patient in the clinic). Audited ``portal.invite``.
    """
    with uow, audited(uow, actor, "portal.invite", "portal_account", patient_id=patient_id) as note:
        require_clinical(actor)
        patient = found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        now = uow.clock()
        account = uow.portal_accounts.for_patient(actor.clinic_id, patient_id)
        if account is None:
            account = PortalAccount(id=new_id(), clinic_id=actor.clinic_id, patient_id=patient_id,
                                    created_at=now, created_by=actor.user_id)
            uow.portal_accounts.add(account)
        elif not account.active:
            account.active = True
            uow.portal_accounts.update(account)
            note.detail = "access given back; "
        superseded = uow.portal_links.revoke_open(actor.clinic_id, patient_id, now)
        token = new_token()
        expires_at = now + times.invitation
        uow.portal_links.add(PortalLink(id=new_id(), clinic_id=actor.clinic_id, patient_id=patient_id,
                                        account_id=account.id, token_hash=token_hash(token),
                                        purpose=LinkPurpose.INVITATION, created_at=now, created_by=actor.user_id,
                                        expires_at=expires_at))
        note.record_id = account.id
        note.detail += f"link valid until {expires_at.isoformat(timespec='minutes')}; {superseded} earlier link(s) revoked"
        clinic = found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id)
        return Invitation(token=token, expires_at=expires_at, patient=patient, clinic_name=clinic.name)


def portal_status(uow: AbstractUnitOfWork, actor: Actor, patient_id: str) -> PortalStatus:
    """Return where the clinic's patient's portal access stands.

    Raises ``PermissionDenied`` (reception), ``NotFound`` (no such patient). Audited ``portal.status``.
    """
    with uow, audited(uow, actor, "portal.status", "portal_account", patient_id=patient_id) as note:
        require_clinical(actor)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        account = uow.portal_accounts.for_patient(actor.clinic_id, patient_id)
        if account is None:
            return PortalStatus(account=None, pending=None)
        note.record_id = account.id
        now = uow.clock()
        pending = next((link for link in uow.portal_links.list_for_patient(actor.clinic_id, patient_id)
                        if link.purpose is LinkPurpose.INVITATION and link.counts_at(now)), None)
        return PortalStatus(account=account, pending=pending)


def revoke_access(uow: AbstractUnitOfWork, actor: Actor, patient_id: str) -> PortalAccount:
    """Revoke the clinic's patient's portal access: deactivate the account, revoke its links, sign it out.

    Returns the account. Raises ``PermissionDenied`` (reception), ``NotFound`` (no such patient, or no
    portal account). Audited ``portal.revoke``.
    """
    with uow, audited(uow, actor, "portal.revoke", "portal_account", patient_id=patient_id) as note:
        require_clinical(actor)
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        account = uow.portal_accounts.for_patient(actor.clinic_id, patient_id)
        if account is None:
            raise NotFound("this patient has no portal account")
        note.record_id = account.id
        now = uow.clock()
        account.active = False
        uow.portal_accounts.update(account)
        links = uow.portal_links.revoke_open(actor.clinic_id, patient_id, now)
        browsers = uow.portal_sign_ins.remove_for_account(account.id)
        note.detail = f"{links} open link(s) revoked; {browsers} browser(s) signed out"
        return account
