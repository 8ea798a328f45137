"""Use cases of logging in: check a login, and change one's own password with the current one.

Both check the password in three steps, so that no database connection is held while a hash is
computed (argon2id takes about 50 ms and the hasher lets only a few run at once): read the throttle
and the account in one unit of work, verify the password outside any, then record the outcome in a
second one. An unknown or deactivated account verifies against the hasher's dummy hash, so every
wrong login costs one verify, whoever it names. Every attempt is audited (``user.login``,
``user.password_change``): ``ok``, ``failed`` (wrong email or password), ``denied`` (throttled, or a
temporary password that must be changed first).
"""

from __future__ import annotations

from datetime import datetime

from acupath.errors import InputError, PasswordChangeRequired, TooManyAttempts
from acupath.services import login_throttle as throttle
from acupath.services.actor import Actor, Role
from acupath.services.login_throttle import LoginLimits
from acupath.services.password_policy import check_new_password
from acupath.services.passwords import PasswordHasher
from acupath.services.records import AuditEntry, Outcome, User
from acupath.services.unit_of_work import AbstractUnitOfWork

#: The default limits (5 failures an account, 30 an address, in 15 minutes); the API passes its settings'.
DEFAULT_LIMITS = LoginLimits()


def _entry(at: datetime, email: str, user: User | None, action: str, where: str, outcome: Outcome,
           detail: str = "") -> AuditEntry:
    # An unknown email is logged as typed (the account it tried), without a clinic.
    return AuditEntry(at=at, clinic_id=user.clinic_id if user else None, user_id=user.id if user else email[:254],
                      action=action, record_type="user", record_id=user.id if user else None,
                      remote_address=where, outcome=outcome, detail=detail)


def _checked_user(uow: AbstractUnitOfWork, email: str, password: str, hasher: PasswordHasher, where: str,
                  limits: LoginLimits, action: str) -> User | None:
    """Return the active account whose password this is, or None after recording the failure.

    Raises ``TooManyAttempts`` (audited ``denied``) while the account or the address is locked out,
    before any password is checked.
    """
    keys = throttle.keys_and_limits(email, where, limits)
    with uow:
        wait = throttle.seconds_locked(uow.login_failures, keys, uow.clock(), limits)
        user = uow.users.get_by_email(email)  # also when locked: the refusal goes to the account's clinic log
        if wait:
            uow.audit.add(_entry(uow.clock(), email, user, action, where, Outcome.DENIED,
                                 f"too many failed logins: locked for {wait} s"))
            uow.commit()
            raise TooManyAttempts(wait)
    verified = hasher.verify(user.password_hash if user is not None else hasher.dummy_hash(), password)
    if verified and user is not None and user.active:
        return user
    with uow:
        throttle.count_failure(uow.login_failures, keys, uow.clock(), limits)
        uow.audit.add(_entry(uow.clock(), email, user, action, where, Outcome.FAILED, "wrong email or password"))
        uow.commit()
    return None


def authenticate(
    uow: AbstractUnitOfWork,
    email: str,
    password: str,
    hasher: PasswordHasher,
    remote_address: str = "unknown",
    limits: LoginLimits = DEFAULT_LIMITS,
) -> Actor | None:
    """Check a login. Returns the ``Actor`` to act as, or None (unknown email, wrong password, inactive).

    A success forgets the account's failures, records when it happened (``last_sign_in_at``) and
    upgrades an outdated hash. Raises ``TooManyAttempts``
    while the account or address is locked out, and ``PasswordChangeRequired`` for a right temporary
    password (``reset_password``): the user must set their own first (``change_password``).
    """
    address = email.strip().lower()
    user = _checked_user(uow, address, password, hasher, remote_address, limits, "user.login")
    if user is None:
        return None
    rehashed = hasher.hash(password) if hasher.needs_rehash(user.password_hash) else None
    with uow:
        uow.login_failures.forget(throttle.account_key(address))
        if user.must_change_password:
            uow.audit.add(_entry(uow.clock(), address, user, "user.login", remote_address, Outcome.DENIED,
                                 "temporary password: a new one must be set first"))
            uow.commit()
            raise PasswordChangeRequired("the password was reset: set a new one with POST /auth/password "
                                         "(email, current_password, new_password), then log in")
        if rehashed is not None:
            user.password_hash = rehashed
            uow.users.update(user)
        uow.users.record_sign_in(user.id, uow.clock())
        uow.audit.add(_entry(uow.clock(), address, user, "user.login", remote_address, Outcome.OK))
        uow.commit()
    return Actor(user_id=user.id, clinic_id=user.clinic_id, role=Role(user.role), remote_address=remote_address)


def change_password(
    uow: AbstractUnitOfWork,
    email: str,
    current_password: str,
    new_password: str,
    hasher: PasswordHasher,
    remote_address: str = "unknown",
    limits: LoginLimits = DEFAULT_LIMITS,
) -> User | None:
    """Set a new password for the account, proven by its current (or temporary) one.

    Returns the account, or None when the email or current password is wrong (counted and throttled
    as a failed login). Clears ``must_change_password`` and sets ``password_changed_at``. Raises
    ``InputError`` on ``new_password`` (the policy of ``password_policy``; also when it is the current
    one), checked before the current password is; ``TooManyAttempts`` as ``authenticate``.
    """
    address = email.strip().lower()
    check_new_password(new_password, address, field="new_password")
    if new_password == current_password:
        raise InputError("new_password", "must differ from the current password")
    user = _checked_user(uow, address, current_password, hasher, remote_address, limits, "user.password_change")
    if user is None:
        return None
    new_hash = hasher.hash(new_password)
    with uow:
        stored = uow.users.get(user.id)
        if stored is None:  # deleted meanwhile: as an unknown account
            return None
        stored.password_hash = new_hash
        stored.must_change_password = False
        stored.password_changed_at = uow.clock()
        uow.users.update(stored)
        uow.login_failures.forget(throttle.account_key(address))
        uow.audit.add(_entry(uow.clock(), address, stored, "user.password_change", remote_address, Outcome.OK))
        uow.commit()
        return stored
