"""The patient's side of signing in: open a link, set a password, sign in with it or with a link, sign out.

Passwords are checked as staff logins are (``services.logins``): the throttle and the account are read
in one unit of work, the argon2id hash is verified outside any (no connection held for its 50 ms),
the outcome is recorded in a second. An unknown email, or an account whose password is not set yet,
is verified against the hasher's dummy hash, so every wrong sign-in costs one verify whoever it names.
Failures count against the account (``portal:<email>``, apart from a staff account of the same email)
and the client's address (shared with staff logins: one guessing address is one address); the limits
are the staff logins' (``LoginLimits``). A link that does not work counts against the address.

A sign-in is a random token in the portal's cookie and its SHA-256 in ``portal_sign_ins``:
``check_sign_in`` accepts it while it exists, its account is active, it was made after the password
was last set, it is not past ``PortalTimes.session`` and was used within ``PortalTimes.idle`` (its use
is recorded at most once a minute, as staff tokens' are).

Every attempt is audited: ``portal.sign_in`` (ok, failed, denied when throttled), ``portal.link_open``,
``portal.password_set``, ``portal.link_sign_in``, ``portal.sign_out``, ``portal.link_request``; an
entry about a known account is in its clinic's log with ``user_id`` ``patient:<id>``; one about an
unknown email or link belongs to no clinic and names no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from acupath.errors import InputError, NotAuthenticated, NotFound, TooManyAttempts
from acupath.services import login_throttle as throttle
from acupath.services.login_throttle import LoginLimits
from acupath.services.password_policy import MAX_LENGTH, check_new_password
from acupath.services.passwords import PasswordHasher
from acupath.services.patient_actor import PatientActor
from acupath.services.patients import new_id
from acupath.services.portal.tokens import DEFAULT_TIMES, PortalTimes, new_token, plausible, token_hash
from acupath.services.records import AuditEntry, Outcome, Patient
from acupath.services.records.portal import (
    LinkPurpose,
    PortalAccount,
    PortalLink,
    PortalSignIn,
    PortalSignInNow,
)
from acupath.services.sign_ins import SEEN_EVERY
from acupath.services.unit_of_work import AbstractUnitOfWork

DEFAULT_LIMITS = LoginLimits()
#: The audit's name for an actor who named no known account or link.
UNKNOWN = "portal:unknown"


class LinkRefused(NotFound):
    """A link that does not (or no longer) open the portal: unknown, used, replaced, expired or revoked."""

    def __init__(self) -> None:
        super().__init__("this link does not work any more: it was used, replaced by a newer one, or has "
                         "expired; ask your clinic for a new one")


@dataclass(frozen=True)
class SignedIn:
    """A new sign-in: the token for the portal's cookie (its only copy), its expiry, the patient."""

    token: str
    expires_at: datetime
    patient: PatientActor


@dataclass(frozen=True)
class LinkDetails:
    """What the page of a working link shows: whom it is for and what it may do.

    ``email`` is the account's sign-in email, else the one the clinic holds for the patient (to fill in).
    """

    purpose: LinkPurpose
    expires_at: datetime
    given_name: str
    email: str | None
    has_password: bool


def normal_email(email: str) -> str:
    """Return ``email`` stripped and lower-cased (as accounts are stored and looked up)."""
    return email.strip().lower()


def check_email(email: str) -> str:
    """Return the email as stored; raise ``InputError`` on ``email`` unless it looks like an address."""
    address = normal_email(email)
    local, _, domain = address.partition("@")
    if not address:
        raise InputError("email", "enter your email address")
    if len(address) > 254 or not local or "." not in domain or any(c.isspace() for c in address):
        raise InputError("email", "enter an email address like name@example.com")
    return address


def _entry(at: datetime, account: PortalAccount | None, action: str, where: str, outcome: Outcome,
           detail: str = "", record_type: str = "portal_account") -> AuditEntry:
    return AuditEntry(at=at, clinic_id=account.clinic_id if account else None,
                      actor_clinic_id=account.clinic_id if account else None,
                      user_id=PatientActor(account.patient_id, account.clinic_id).user_id if account else UNKNOWN,
                      action=action, record_type=record_type, record_id=account.id if account else None,
                      patient_id=account.patient_id if account else None, remote_address=where, outcome=outcome,
                      detail=detail)


def _password_keys(email: str, where: str, limits: LoginLimits) -> list[tuple[str, int]]:
    return [("portal:" + email, limits.account_failures),
            (throttle.address_key(where), limits.address_failures)]


def _address_keys(where: str, limits: LoginLimits) -> list[tuple[str, int]]:
    return [(throttle.address_key(where), limits.address_failures)]


def _refuse_locked(uow: AbstractUnitOfWork, keys: list[tuple[str, int]], account: PortalAccount | None,
                   action: str, where: str, limits: LoginLimits) -> None:
    """Raise ``TooManyAttempts`` (audited ``denied``, committed) while a key is locked; else return."""
    wait = throttle.seconds_locked(uow.login_failures, keys, uow.clock(), limits)
    if wait:
        uow.audit.add(_entry(uow.clock(), account, action, where, Outcome.DENIED,
                             f"too many failed attempts: locked for {wait} s"))
        uow.commit()
        raise TooManyAttempts(wait)


def _why_refused(link: PortalLink | None, account: PortalAccount | None, patient: Patient | None,
                 now: datetime) -> str:
    """Return why the link does not work at ``now`` (for the audit), or "" when it does."""
    if link is None:
        return "unknown link"
    if link.used_at is not None:
        return "link used"
    if link.revoked_at is not None:
        return "link replaced or revoked"
    if now >= link.expires_at:
        return "link expired"
    if account is None or not account.active:
        return "portal access revoked"
    return "patient not found" if patient is None else ""


def _working_link(uow: AbstractUnitOfWork, token: str, action: str, where: str,
                  limits: LoginLimits) -> tuple[PortalLink, PortalAccount, Patient]:
    """Return the link of ``token`` with its account and patient, inside the caller's unit of work.

    Raises ``TooManyAttempts`` while the address is locked out, ``LinkRefused`` (counted against the
    address and audited ``failed``, both committed) when the link does not work at the unit's clock.
    """
    keys = _address_keys(where, limits)
    _refuse_locked(uow, keys, None, action, where, limits)
    now = uow.clock()
    link = uow.portal_links.by_token_hash(token_hash(token)) if plausible(token) else None
    account = uow.portal_accounts.get(link.clinic_id, link.account_id) if link else None
    patient = uow.patients.get(link.clinic_id, link.patient_id) if link else None
    why = _why_refused(link, account, patient, now)
    if why or link is None or account is None or patient is None:
        throttle.count_failure(uow.login_failures, keys, now, limits)
        uow.audit.add(_entry(now, account, action, where, Outcome.FAILED, why, "portal_link"))
        uow.commit()
        raise LinkRefused
    return link, account, patient


def _start(uow: AbstractUnitOfWork, account: PortalAccount, times: PortalTimes) -> SignedIn:
    """Store a new sign-in of ``account`` (in the caller's unit of work) and return it; records the sign-in."""
    now = uow.clock()
    token = new_token()
    expires_at = now + times.session
    uow.portal_sign_ins.purge(now)  # sign-ins that expired meanwhile go, a few at a time
    uow.portal_sign_ins.add(PortalSignIn(token_hash=token_hash(token), account_id=account.id,
                                         clinic_id=account.clinic_id, patient_id=account.patient_id, created_at=now,
                                         last_seen_at=now, expires_at=expires_at))
    uow.portal_accounts.record_sign_in(account.id, now)
    return SignedIn(token=token, expires_at=expires_at, patient=PatientActor(account.patient_id, account.clinic_id))


def open_link(uow: AbstractUnitOfWork, token: str, remote_address: str = "unknown",
              limits: LoginLimits = DEFAULT_LIMITS) -> LinkDetails:
    """Return what the link of ``token`` is for, without using it (a mail scanner may open links too).

    Raises ``LinkRefused`` when it does not work, ``TooManyAttempts`` while the address is locked out.
    Audited ``portal.link_open``.
    """
    with uow:
        link, account, patient = _working_link(uow, token, "portal.link_open", remote_address, limits)
        uow.audit.add(_entry(uow.clock(), account, "portal.link_open", remote_address, Outcome.OK,
                             link.purpose.value, "portal_link"))
        uow.commit()
    return LinkDetails(purpose=link.purpose, expires_at=link.expires_at, given_name=patient.given_name,
                       email=account.email or patient.email, has_password=account.password_hash is not None)


def set_password_with_link(uow: AbstractUnitOfWork, token: str, email: str, password: str, hasher: PasswordHasher,
                           remote_address: str = "unknown", limits: LoginLimits = DEFAULT_LIMITS,
                           times: PortalTimes = DEFAULT_TIMES) -> SignedIn:
    """Use an invitation: set the account's sign-in email and password, and sign in.

    Returns the new sign-in; every other browser of the account is signed out. Raises ``LinkRefused``
    (the link does not work, or is not an invitation), ``TooManyAttempts``, ``InputError`` on ``email``
    (not an address, or another portal account's) or ``password`` (``password_policy``). The link is
    used only when everything else is accepted. Audited ``portal.password_set``.
    """
    action = "portal.password_set"
    with uow:
        link, account, _ = _working_link(uow, token, action, remote_address, limits)
        if link.purpose is not LinkPurpose.INVITATION:
            raise LinkRefused
        address = check_email(email)
        other = uow.portal_accounts.by_email(address)
        if other is not None and other.id != account.id:
            raise InputError("email", "is already used by another portal account: enter a different email address")
    check_new_password(password, address)
    password_hash = hasher.hash(password)
    with uow:
        now = uow.clock()
        stored = uow.portal_accounts.get(account.clinic_id, account.id)
        if stored is None or not stored.active or not uow.portal_links.use(link.id, now):
            raise LinkRefused  # used, revoked or deactivated while the hash was computed
        stored.email, stored.password_hash, stored.password_changed_at = address, password_hash, now
        uow.portal_accounts.update(stored)
        uow.portal_sign_ins.remove_for_account(stored.id)
        uow.login_failures.forget("portal:" + address)
        signed_in = _start(uow, stored, times)
        uow.audit.add(_entry(now, stored, action, remote_address, Outcome.OK, "password set from an invitation"))
        uow.commit()
    return signed_in


def sign_in_with_link(uow: AbstractUnitOfWork, token: str, remote_address: str = "unknown",
                      limits: LoginLimits = DEFAULT_LIMITS, times: PortalTimes = DEFAULT_TIMES) -> SignedIn:
    """Sign in once with a link (an invitation, or an emailed sign-in link), using it up.

    Returns the new sign-in. Raises ``LinkRefused``, ``TooManyAttempts``. Audited ``portal.link_sign_in``.
    """
    action = "portal.link_sign_in"
    with uow:
        link, account, _ = _working_link(uow, token, action, remote_address, limits)
        if not uow.portal_links.use(link.id, uow.clock()):
            raise LinkRefused  # another request used it a moment ago
        signed_in = _start(uow, account, times)
        uow.audit.add(_entry(uow.clock(), account, action, remote_address, Outcome.OK, link.purpose.value))
        uow.commit()
    return signed_in


def sign_in(uow: AbstractUnitOfWork, email: str, password: str, hasher: PasswordHasher,
            remote_address: str = "unknown", limits: LoginLimits = DEFAULT_LIMITS,
            times: PortalTimes = DEFAULT_TIMES) -> SignedIn | None:
    """Sign in with email and password. Returns the sign-in, or None (wrong email or password, no
    password set yet, access revoked: one answer for all, so accounts cannot be discovered).

    Raises ``TooManyAttempts`` while the account or the address is locked out (before any password is
    checked). A success forgets the account's failures. Audited ``portal.sign_in``.
    """
    address = normal_email(email)[:254]
    keys = _password_keys(address, remote_address, limits)
    with uow:
        account = uow.portal_accounts.by_email(address) if address else None
        _refuse_locked(uow, keys, account, "portal.sign_in", remote_address, limits)
    stored_hash = account.password_hash if account is not None and account.password_hash else None
    verified = hasher.verify(stored_hash or hasher.dummy_hash(), password[:MAX_LENGTH])
    with uow:
        now = uow.clock()
        if not (verified and stored_hash and account is not None and account.active):
            throttle.count_failure(uow.login_failures, keys, now, limits)
            uow.audit.add(_entry(now, account, "portal.sign_in", remote_address, Outcome.FAILED,
                                 "wrong email or password"))
            uow.commit()
            return None
        current = uow.portal_accounts.get(account.clinic_id, account.id)
        if current is None or not current.active:
            return None  # revoked while the hash was checked
        if hasher.needs_rehash(stored_hash):
            current.password_hash = hasher.hash(password)
            uow.portal_accounts.update(current)
        uow.login_failures.forget("portal:" + address)
        signed_in = _start(uow, current, times)
        uow.audit.add(_entry(now, current, "portal.sign_in", remote_address, Outcome.OK))
        uow.commit()
    return signed_in


def _why_ended(found: PortalSignInNow, now: datetime, times: PortalTimes) -> str:
    """Return why a stored sign-in no longer counts at ``now``, or "" when it does."""
    sign_in = found.sign_in
    if not found.account_active:
        return "access revoked"
    if now >= sign_in.expires_at:
        return "sign-in expired"
    if now - sign_in.last_seen_at >= times.idle:
        return "not used for too long"
    if found.password_changed_at is not None and sign_in.created_at < found.password_changed_at:
        return "password set since"
    return ""


def check_sign_in(uow: AbstractUnitOfWork, token: str, remote_address: str, times: PortalTimes = DEFAULT_TIMES,
                  ) -> PatientActor:
    """Return the patient whose sign-in ``token`` is, as stored at the unit's clock.

    Raises ``NotAuthenticated`` when there is no such sign-in (never made, signed out, access revoked),
    it expired, it was not used for ``times.idle``, or the password was set after it was made; such a
    sign-in is forgotten. Records its use when the recorded one is a minute old (``SEEN_EVERY``).
    """
    if not plausible(token):
        raise NotAuthenticated("no portal sign-in")
    hashed = token_hash(token)
    with uow:
        now = uow.clock()
        found = uow.portal_sign_ins.find(hashed)
        if found is None:
            raise NotAuthenticated("no portal sign-in: signed out, or access revoked")
        sign_in = found.sign_in
        why = _why_ended(found, now, times)
        if why:
            uow.portal_sign_ins.remove(hashed)
            uow.commit()
            raise NotAuthenticated(f"the portal sign-in no longer counts ({why})")
        if now - sign_in.last_seen_at >= SEEN_EVERY:
            uow.portal_sign_ins.touch(hashed, now)
        uow.commit()
    return PatientActor(patient_id=sign_in.patient_id, clinic_id=sign_in.clinic_id, remote_address=remote_address)


def sign_out(uow: AbstractUnitOfWork, patient: PatientActor, token: str) -> None:
    """End the sign-in ``token`` of ``patient`` at once (its cookie no longer counts anywhere).

    Audited ``portal.sign_out``; raises nothing for a sign-in already gone.
    """
    with uow:
        account = uow.portal_accounts.for_patient(patient.clinic_id, patient.patient_id)
        uow.portal_sign_ins.remove(token_hash(token))
        uow.audit.add(_entry(uow.clock(), account, "portal.sign_out", patient.remote_address, Outcome.OK))
        uow.commit()


def sign_in_link_for(uow: AbstractUnitOfWork, email: str, remote_address: str = "unknown",
                     limits: LoginLimits = DEFAULT_LIMITS, times: PortalTimes = DEFAULT_TIMES,
                     ) -> tuple[str, str] | None:
    """Make an emailed one-time sign-in link for the account of ``email``; return (token, email) or None.

    None when no active account signs in with that email: the page says the same either way ("if an
    account uses this email..."). Each request counts against the email and the address, so the form
    cannot be used to flood someone's inbox. Raises ``TooManyAttempts``, ``InputError`` on ``email``.
    Audited ``portal.link_request``.
    """
    address = check_email(email)
    keys = [("portal-link:" + address, limits.account_failures), (throttle.address_key(remote_address),
                                                                   limits.address_failures)]
    with uow:
        account = uow.portal_accounts.by_email(address)
        _refuse_locked(uow, keys, account, "portal.link_request", remote_address, limits)
        now = uow.clock()
        throttle.count_failure(uow.login_failures, keys, now, limits)
        if account is None or not account.active:
            uow.audit.add(_entry(now, account, "portal.link_request", remote_address, Outcome.FAILED,
                                 "no active account with this email"))
            uow.commit()
            return None
        token = new_token()
        uow.portal_links.add(PortalLink(id=new_id(), clinic_id=account.clinic_id, patient_id=account.patient_id,
                                        account_id=account.id, token_hash=token_hash(token),
                                        purpose=LinkPurpose.SIGN_IN, created_at=now,
                                        created_by=PatientActor(account.patient_id, account.clinic_id).user_id,
                                        expires_at=now + times.sign_in_link))
        uow.audit.add(_entry(now, account, "portal.link_request", remote_address, Outcome.OK, "sign-in link made"))
        uow.commit()
    return token, address
