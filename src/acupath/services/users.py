"""Use cases of clinics and accounts: create a clinic; create, list, change and reset a user.

A change may also set a practitioner's licence (number, issuing authority, expiry) and their
qualifications, which FHIR's Practitioner carries (``fhir.people``).

Passwords are hashed by the ``PasswordHasher`` passed in (argon2id in production) and never stored;
every new password meets ``password_policy``. Logging in is ``logins``. Every change is audited
(``user.create``, ``user.update``, ``user.password_reset``), refusals included.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from acupath.errors import Conflict, InputError, NotFound
from acupath.services.access import found, require_admin
from acupath.services.actor import Actor, Role
from acupath.services.audit import audited
from acupath.services.clinics import check_locale
from acupath.services.login_throttle import account_key
from acupath.services.paging import check_page
from acupath.services.password_policy import check_new_password
from acupath.services.passwords import PasswordHasher
from acupath.services.patients import new_id
from acupath.services.records import Clinic, Page, Qualification, User
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse
from acupath.validation import ClinicDate

ROLES = tuple(role.value for role in Role)
#: The longest reason an administrator may give for a change of an account, kept whole in its audit entry:
#: the entry's detail holds 500 characters (``services.audit``), the changes before the reason the rest.
REASON_MAX = 400


class UserInput(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=1, max_length=200)
    role: Literal["admin", "clinician", "reception"]


#: The most qualifications one account may list (a CV belongs elsewhere).
QUALIFICATIONS_MAX = 20
#: Years a qualification may carry: none before the 20th century's first acupuncture schools.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


def printable(value: str) -> str:
    """Return ``value`` if it holds no control character (line break, tab, NUL...); raises ``ValueError``."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("must be one line of printable characters: no line break, tab or control character")
    return value


#: One line of printable text, 1 to 64 characters (a licence number) or to 200 (a board's name, a qualification).
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(printable)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(printable)]


class LicenceInput(BaseModel):
    """A practising licence: every part optional; all absent (``{}``) clears it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: Short | None = None
    authority: Long | None = Field(default=None,
                                   description="the issuing board or register, e.g. a state board or the BAcC")
    expires: ClinicDate | None = None


class QualificationInput(BaseModel):
    """One qualification as written on the certificate, e.g. "L.Ac." or "MSc Acupuncture"."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Long
    issuer: Long | None = None
    year: int | None = Field(default=None, ge=EARLIEST_YEAR, le=LATEST_YEAR)


class CredentialsInput(BaseModel):
    """What an administrator sends: the licence, the qualifications, or both."""

    model_config = ConfigDict(extra="forbid")

    licence: LicenceInput | None = None
    qualifications: list[QualificationInput] | None = Field(default=None, max_length=QUALIFICATIONS_MAX)


def create_clinic(uow: AbstractUnitOfWork, name: str, locale: str = DEFAULT_LOCALE) -> Clinic:
    """Create a clinic (the command line does this when setting up) with its pages' ``locale``.

    Raises ``InputError`` for no name or a locale not in ``clinics.LOCALES``.
    """
    if not name or not name.strip():
        raise InputError("name", "a clinic needs a name")
    chosen = check_locale(locale)
    with uow:
        clinic = Clinic(id=new_id(), name=name.strip(), created_at=uow.clock(), locale=chosen)
        uow.clinics.add(clinic)
        uow.commit()
        return clinic


def create_user(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    hasher: PasswordHasher,
) -> User:
    """Create an account in the actor's clinic (administrators only; ``Actor.system`` from the CLI).

    Returns the user. Raises ``PermissionDenied``, ``InputError`` (bad email or role, a password the
    policy refuses: ``password_policy``), ``Conflict`` (email taken), ``NotFound`` (no such clinic).
    """
    with uow, audited(uow, actor, "user.create", "user") as note:
        require_admin(actor)
        form = parse(UserInput, {"email": email, "name": name, "role": role})
        check_new_password(password, form.email)
        if uow.clinics.get(actor.clinic_id) is None:
            raise InputError("clinic_id", f"no clinic {actor.clinic_id!r}")
        address = form.email.lower()
        if uow.users.get_by_email(address) is not None:
            raise Conflict(f"a user with email {address} exists already")
        user = User(id=new_id(), clinic_id=actor.clinic_id, email=address, name=form.name, role=form.role,
                    password_hash=hasher.hash(password), password_changed_at=uow.clock(), created_at=uow.clock())
        note.record_id = user.id
        uow.users.add(user)
        return user


def list_users(uow: AbstractUnitOfWork, actor: Actor, *, offset: int = 0, limit: int = 50) -> Page[User]:
    """Return one page of the administrator's clinic's accounts, by email.

    The records carry password hashes: callers show ``public_user`` fields only. Raises
    ``PermissionDenied`` (not an administrator), ``InputError`` (offset or limit out of range).
    """
    with uow, audited(uow, actor, "user.list", "user"):
        require_admin(actor)
        check_page(offset, limit)
        items, total = uow.users.page(actor.clinic_id, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)


def public_user(user: User) -> dict[str, object]:
    """Return what may be shown of an account: never its password hash."""
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role, "active": user.active,
            "must_change_password": user.must_change_password, "created_at": user.created_at.isoformat(),
            "last_sign_in_at": user.last_sign_in_at.isoformat() if user.last_sign_in_at else None,
            "licence": {"number": user.licence_number, "authority": user.licence_authority,
                        "expires": user.licence_expires.isoformat() if user.licence_expires else None}
            if user.has_licence else None,
            "qualifications": qualification_fields(user)}


def qualification_fields(user: User) -> list[dict[str, object]]:
    """Return the account's qualifications as ``{text, issuer, year}``, as ``update_user`` takes them."""
    return [{"text": item.text, "issuer": item.issuer, "year": item.year} for item in user.qualifications]


def user_by_email(uow: AbstractUnitOfWork, email: str) -> User:
    """Return the account with ``email`` (any clinic), for the command line to act on.

    Raises ``NotFound`` naming the email.
    """
    address = email.strip().lower()
    with uow:
        user = uow.users.get_by_email(address)
    if user is None:
        raise NotFound(f"no user with email {address!r}")
    return user


def get_user(uow: AbstractUnitOfWork, actor: Actor, user_id: str) -> User:
    """Return one account of the administrator's clinic (audited ``user.read``).

    The record carries the password hash: callers show ``public_user`` fields only. Raises
    ``PermissionDenied`` (not an administrator), ``NotFound`` (no such account in the clinic).
    """
    with uow, audited(uow, actor, "user.read", "user", record_id=user_id):
        require_admin(actor)
        return _clinic_user(uow, actor, user_id)


def _clinic_user(uow: AbstractUnitOfWork, actor: Actor, user_id: str) -> User:
    user = uow.users.get(user_id)
    return found(user if user is not None and user.clinic_id == actor.clinic_id else None, "user", user_id)


def _is_active_admin(user: User) -> bool:
    return user.active and user.role == Role.ADMIN.value


def update_user(
    uow: AbstractUnitOfWork, actor: Actor, user_id: str, *, role: str | None = None, active: bool | None = None,
    reason: str | None = None, licence: Mapping[str, Any] | None = None,
    qualifications: Sequence[Mapping[str, Any]] | None = None,
) -> User:
    """Change an account's role, whether it may sign in, its licence or qualifications (administrators only).

    Returns the account. ``licence`` (``number``, ``authority``, ``expires`` as an ISO date, each
    optional) replaces the stored licence whole; ``{}`` clears it. ``qualifications`` (each ``text``,
    optional ``issuer`` and ``year``) replaces the list whole; ``[]`` clears it. None leaves either as is.

    The change counts from the account's next request (the API checks the stored user on each).
    ``reason``, when given, is kept in the audit entry beside what changed. Raises
    ``PermissionDenied``, ``NotFound`` (no such account in the clinic), ``InputError`` (``role`` not
    admin, clinician or reception; nothing to change; ``reason`` longer than ``REASON_MAX`` or over
    more than one line; a licence or qualification part too long, over more than one line, not a real
    date or year, naming it, e.g. ``licence.expires`` or ``qualifications[1].text``), ``Conflict`` when the change would leave the clinic with no active
    administrator (an administrator demoting or deactivating themselves, or the last other one): make
    another user administrator first.
    """
    with uow, audited(uow, actor, "user.update", "user", record_id=user_id) as note:
        require_admin(actor)
        if role is None and active is None and licence is None and qualifications is None:
            raise InputError("body", "give role, active, licence or qualifications")
        credentials = parse(CredentialsInput, {"licence": licence, "qualifications": qualifications})
        if role is not None and role not in ROLES:
            raise InputError("role", f"unknown role {role!r}", ROLES)
        reason = (reason or "").strip() or None
        if reason is not None and (len(reason) > REASON_MAX or "\n" in reason or "\r" in reason):
            raise InputError("reason", "is too long or over more than one line", f"one line of at most {REASON_MAX} characters")
        user = _clinic_user(uow, actor, user_id)
        was_admin = _is_active_admin(user)
        changes = []
        if role is not None and role != user.role:
            changes.append(f"role {user.role} -> {role}")
            user.role = role
        if active is not None and active != user.active:
            changes.append(f"active {str(user.active).lower()} -> {str(active).lower()}")
            user.active = active
        changes += _set_credentials(user, credentials)
        if was_admin and not _is_active_admin(user) and not any(
                _is_active_admin(other) for other in uow.users.list(actor.clinic_id) if other.id != user.id):
            who = "yourself" if user.id == actor.user_id else "the clinic's last active administrator"
            raise Conflict(f"cannot demote or deactivate {who}: the clinic would have no active administrator; "
                           "make another user administrator first")
        note.detail = "; ".join(changes) or "no change"
        if reason is not None:
            note.detail += f"; reason: {reason}"
        uow.users.update(user)
        return user


def _set_credentials(user: User, given: CredentialsInput) -> list[str]:
    """Store the given licence and qualifications on ``user``; return what changed, for the audit entry."""
    changes = []
    if given.licence is not None:
        licence = (given.licence.number, given.licence.authority, given.licence.expires)
        if licence != (user.licence_number, user.licence_authority, user.licence_expires):
            changes.append("licence set" if any(part is not None for part in licence) else "licence cleared")
            user.licence_number, user.licence_authority, user.licence_expires = licence
    if given.qualifications is not None:
        chosen = [Qualification(text=item.text, issuer=item.issuer, year=item.year) for item in given.qualifications]
        if chosen != user.qualifications:
            changes.append(f"qualifications {len(user.qualifications)} -> {len(chosen)}")
            user.qualifications = chosen
    return changes


def reset_password(
    uow: AbstractUnitOfWork, actor: Actor, user_id: str, hasher: PasswordHasher, *, password: str | None = None
) -> str:
    """Give the account a temporary password it must change at its next sign-in (administrators only).

    ``password`` is the temporary password, or None for a random one (16 URL-safe characters).
    Returns it, so that the caller can hand it over once; it is never stored or logged. Forgets the
    account's failed logins (ends a lockout). Raises ``PermissionDenied``, ``NotFound``, ``InputError``
    (``password`` refused by the policy).
    """
    with uow, audited(uow, actor, "user.password_reset", "user", record_id=user_id):
        require_admin(actor)
        user = _clinic_user(uow, actor, user_id)
        temporary = password if password is not None else secrets.token_urlsafe(12)
        check_new_password(temporary, user.email)
        user.password_hash = hasher.hash(temporary)
        user.must_change_password = True
        user.password_changed_at = uow.clock()
        uow.users.update(user)
        uow.login_failures.forget(account_key(user.email))
        return temporary
