"""Use cases of clinics and accounts: create a clinic, create a user, check a login.

Passwords are hashed by the ``PasswordHasher`` passed in (argon2id in production) and never stored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from acupath.errors import Conflict, InputError
from acupath.services.access import require_admin
from acupath.services.actor import Actor, Role
from acupath.services.audit import audited
from acupath.services.paging import check_page
from acupath.services.passwords import PasswordHasher
from acupath.services.patients import new_id
from acupath.services.records import AuditEntry, Clinic, Outcome, Page, User
from acupath.services.unit_of_work import AbstractUnitOfWork
from acupath.services.validation import parse

MIN_PASSWORD = 10


class UserInput(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=1, max_length=200)
    role: Literal["admin", "clinician", "reception"]


def create_clinic(uow: AbstractUnitOfWork, name: str) -> Clinic:
    """Create a clinic (the command line does this when setting up). Raises ``InputError`` for no name."""
    if not name or not name.strip():
        raise InputError("name", "a clinic needs a name")
    with uow:
        clinic = Clinic(id=new_id(), name=name.strip(), created_at=uow.clock())
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

    Returns the user. Raises ``PermissionDenied``, ``InputError`` (bad email or role, password shorter
    than 10 characters), ``Conflict`` (email taken), ``NotFound`` (no such clinic).
    """
    with uow, audited(uow, actor, "user.create", "user") as note:
        require_admin(actor)
        form = parse(UserInput, {"email": email, "name": name, "role": role})
        if len(password) < MIN_PASSWORD:
            raise InputError("password", f"must have at least {MIN_PASSWORD} characters")
        if uow.clinics.get(actor.clinic_id) is None:
            raise InputError("clinic_id", f"no clinic {actor.clinic_id!r}")
        address = form.email.lower()
        if uow.users.get_by_email(address) is not None:
            raise Conflict(f"a user with email {address} exists already")
        user = User(id=new_id(), clinic_id=actor.clinic_id, email=address, name=form.name, role=form.role,
                    password_hash=hasher.hash(password), created_at=uow.clock())
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
            "created_at": user.created_at.isoformat()}


def authenticate(
    uow: AbstractUnitOfWork, email: str, password: str, hasher: PasswordHasher, remote_address: str = "unknown"
) -> Actor | None:
    """Check a login. Returns the ``Actor`` to act as, or None (unknown email, wrong password, inactive).

    Every attempt is audited; the hash is upgraded when its parameters are outdated.
    """
    with uow:
        user = uow.users.get_by_email(email.strip().lower())
        ok = user is not None and user.active and hasher.verify(user.password_hash, password)
        if ok and user is not None and hasher.needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
            uow.users.update(user)
        uow.audit.add(AuditEntry(
            at=uow.clock(), clinic_id=user.clinic_id if user else None, user_id=user.id if user else email[:254],
            action="user.login", record_type="user", record_id=user.id if user else None,
            remote_address=remote_address, outcome=Outcome.OK if ok else Outcome.FAILED,
        ))
        uow.commit()
        if not ok or user is None:
            return None
        return Actor(user_id=user.id, clinic_id=user.clinic_id, role=Role(user.role), remote_address=remote_address)
