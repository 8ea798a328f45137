"""Use cases of clinics and accounts: create a clinic; create, list, change and reset a user.

Passwords are hashed by the ``PasswordHasher`` passed in (argon2id in production) and never stored;
every new password meets ``password_policy``. Logging in is ``logins``. Every change is audited
(``user.create``, ``user.update``, ``user.password_reset``), refusals included.
"""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
from acupath.services.records import Clinic, Page, User
from acupath.services.records.people import DEFAULT_LOCALE
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse

ROLES = tuple(role.value for role in Role)
#: The longest reason an administrator may give for a change of an account (kept in its audit entry).
REASON_MAX = 500


class UserInput(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=1, max_length=200)
    role: Literal["admin", "clinician", "reception"]


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
            "last_sign_in_at": user.last_sign_in_at.isoformat() if user.last_sign_in_at else None}


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
    reason: str | None = None,
) -> User:
    """Change an account's role and/or whether it may sign in (administrators only). Returns the account.

    The change counts from the account's next request (the API checks the stored user on each).
    ``reason``, when given, is kept in the audit entry beside what changed. Raises
    ``PermissionDenied``, ``NotFound`` (no such account in the clinic), ``InputError`` (``role`` not
    admin, clinician or reception; nothing to change; ``reason`` longer than ``REASON_MAX`` or over
    more than one line), ``Conflict`` when the change would leave the clinic with no active
    administrator (an administrator demoting or deactivating themselves, or the last other one): make
    another user administrator first.
    """
    with uow, audited(uow, actor, "user.update", "user", record_id=user_id) as note:
        require_admin(actor)
        if role is None and active is None:
            raise InputError("body", "give role, active or both")
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
