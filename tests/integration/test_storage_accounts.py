"""Accounts on both databases: failed logins throttle by key and time, and a reset password is stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine

from acupath.errors import PasswordChangeRequired, TooManyAttempts
from acupath.security.passwords import Argon2idHasher
from acupath.services import Actor, authenticate, change_password, create_user
from acupath.services.login_throttle import LoginLimits
from acupath.services.users import reset_password, update_user

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def test_failures_are_read_newest_first_within_the_window_and_forgotten(engine: Engine) -> None:
    key, other = f"account:{uuid.uuid4().hex}@x.example", f"address:{uuid.uuid4().hex}"
    with fresh_uow(engine) as uow:
        for minutes in (0, 5, 10, 20):
            uow.login_failures.add(key, T0 + timedelta(minutes=minutes))
        uow.login_failures.add(other, T0)
        uow.commit()
    with fresh_uow(engine) as uow:
        recent = uow.login_failures.recent(key, T0 + timedelta(minutes=5), limit=5)
        assert recent == [T0 + timedelta(minutes=20), T0 + timedelta(minutes=10)]  # after the start, exclusive
        assert uow.login_failures.recent(key, T0 - timedelta(minutes=1), limit=2) == recent
        assert uow.login_failures.forget_before(T0 + timedelta(minutes=5)) >= 3  # both keys' old rows
        uow.login_failures.forget(key)
        uow.commit()
    with fresh_uow(engine) as uow:
        assert uow.login_failures.recent(key, T0 - timedelta(days=1), limit=5) == []
        assert uow.login_failures.recent(other, T0 - timedelta(days=1), limit=5) == []


def test_a_lockout_holds_in_the_database_and_a_reset_ends_it(engine: Engine, staff: Staff) -> None:
    hasher = Argon2idHasher()
    email = f"lee-{uuid.uuid4().hex[:8]}@harbour.example"
    user = create_user(fresh_uow(engine), Actor.system(staff.clinic_id), email=email, name="Lee", role="clinician",
                       password=PASSWORD, hasher=hasher)
    limits = LoginLimits(account_failures=2, address_failures=100, window=timedelta(minutes=15))
    address = f"10.{uuid.uuid4().int % 250}.0.1"
    for _ in range(2):
        assert authenticate(fresh_uow(engine), email, "wrong password!", hasher, address, limits) is None
    with pytest.raises(TooManyAttempts) as refused:
        authenticate(fresh_uow(engine), email, PASSWORD, hasher, address, limits)
    assert 0 < refused.value.retry_after <= 15 * 60
    temporary = reset_password(fresh_uow(engine), Actor.system(staff.clinic_id), user.id, hasher)
    with pytest.raises(PasswordChangeRequired):
        authenticate(fresh_uow(engine), email, temporary, hasher, address, limits)
    assert change_password(fresh_uow(engine), email, temporary, "a new phrase of my own", hasher, address,
                           limits) is not None
    actor = authenticate(fresh_uow(engine), email, "a new phrase of my own", hasher, address, limits)
    assert actor is not None and actor.user_id == user.id
    with fresh_uow(engine) as uow:
        stored = uow.users.get(user.id)
        assert stored is not None and not stored.must_change_password and stored.password_changed_at is not None


def test_role_and_access_changes_are_stored(engine: Engine, staff: Staff) -> None:
    hasher = Argon2idHasher()
    system = Actor.system(staff.clinic_id)
    admin = create_user(fresh_uow(engine), system, email=f"ada-{uuid.uuid4().hex[:8]}@harbour.example", name="Ada",
                        role="admin", password=PASSWORD, hasher=hasher)
    lee = create_user(fresh_uow(engine), system, email=f"lee-{uuid.uuid4().hex[:8]}@harbour.example", name="Lee",
                      role="clinician", password=PASSWORD, hasher=hasher)
    ada = Actor(admin.id, staff.clinic_id, "admin", "10.0.0.4")
    update_user(fresh_uow(engine), ada, lee.id, role="reception", active=False)
    with fresh_uow(engine) as uow:
        stored = uow.users.get(lee.id)
        assert stored is not None and (stored.role, stored.active) == ("reception", False)


def test_a_sign_in_is_recorded_alone_keeping_a_deactivation_and_an_update_keeps_it(
        engine: Engine, staff: Staff) -> None:
    email = f"kim-{uuid.uuid4().hex[:8]}@harbour.example"
    user = create_user(fresh_uow(engine), Actor.system(staff.clinic_id), email=email, name="Kim", role="clinician",
                       password=PASSWORD, hasher=Argon2idHasher())
    with fresh_uow(engine) as uow:
        stale = uow.users.get(user.id)  # as a login reads it before its password check
    assert stale is not None and stale.last_sign_in_at is None
    update_user(fresh_uow(engine), Actor.system(staff.clinic_id), user.id, active=False)
    with fresh_uow(engine) as uow:
        uow.users.record_sign_in(user.id, T0)
        uow.commit()
    with fresh_uow(engine) as uow:
        stale.name, stale.active = "Kim Renamed", False
        uow.users.update(stale)  # a copy read before the sign-in was recorded: its empty last sign-in is not stored
        uow.commit()
    with fresh_uow(engine) as uow:
        stored = uow.users.get(user.id)
    assert stored is not None
    assert (stored.last_sign_in_at, stored.active, stored.name) == (T0, False, "Kim Renamed")


def test_a_successful_login_records_when_and_a_failed_one_does_not(engine: Engine, staff: Staff) -> None:
    hasher = Argon2idHasher()
    email = f"joy-{uuid.uuid4().hex[:8]}@harbour.example"
    user = create_user(fresh_uow(engine), Actor.system(staff.clinic_id), email=email, name="Joy", role="clinician",
                       password=PASSWORD, hasher=hasher)
    assert authenticate(fresh_uow(engine), email, "wrong password!", hasher) is None
    with fresh_uow(engine) as uow:
        assert uow.users.get(user.id).last_sign_in_at is None  # type: ignore[union-attr]
    before = datetime.now(UTC)
    assert authenticate(fresh_uow(engine), email, PASSWORD, hasher) is not None
    with fresh_uow(engine) as uow:
        signed = uow.users.get(user.id).last_sign_in_at  # type: ignore[union-attr]
    assert signed is not None and before - timedelta(seconds=1) <= signed <= datetime.now(UTC)
