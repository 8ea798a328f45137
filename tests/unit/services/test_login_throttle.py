"""Throttled logins: lockout per account and per address, Retry-After, unlock by time, equal cost.

The clock is the unit of work's and is moved by the tests (no sleeping); ``PlainHasher`` records every
hash it verifies against, so the cost of a login is counted in verifies, not timed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from service_fakes import Clock, FakeUnitOfWork, PlainHasher

from acupath.errors import TooManyAttempts
from acupath.services import Actor, authenticate, change_password, create_user
from acupath.services.login_throttle import LoginLimits
from acupath.services.records import Outcome

PASSWORD = "correct horse battery"
LIMITS = LoginLimits(account_failures=5, address_failures=8, window=timedelta(minutes=15))


@pytest.fixture
def clock(uow: FakeUnitOfWork) -> Clock:
    ticking = Clock()
    uow.clock = ticking
    for name in ("lee", "patel"):
        create_user(uow, Actor.system("harbour"), email=f"{name}@harbour.example", name=name, role="clinician",
                    password=PASSWORD, hasher=PlainHasher())
    return ticking


def _login(uow: FakeUnitOfWork, email: str, password: str, address: str = "10.0.0.1",
           hasher: PlainHasher | None = None) -> Actor | None:
    return authenticate(uow, email, password, hasher or PlainHasher(), address, LIMITS)


def _fail(uow: FakeUnitOfWork, clock: Clock, times: int, email: str = "lee@harbour.example",
          address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert _login(uow, email, "wrong password!", address) is None
        clock.advance(minutes=1)


def test_an_account_is_locked_after_its_limit_of_failures_without_checking_the_password(
        uow: FakeUnitOfWork, clock: Clock) -> None:
    _fail(uow, clock, 4, address="10.0.0.9")
    assert _login(uow, "lee@harbour.example", PASSWORD, address="10.0.0.9") is not None  # 4 failures: still open
    _fail(uow, clock, 5)
    hasher = PlainHasher()
    with pytest.raises(TooManyAttempts) as refused:
        _login(uow, "lee@harbour.example", PASSWORD, hasher=hasher)
    assert hasher.verified == []  # refused before any hash is verified
    # The first of the five failures was 5 minutes ago: it leaves the 15-minute window in 10 minutes.
    assert refused.value.retry_after == 10 * 60
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.remote_address) == ("user.login", Outcome.DENIED, "10.0.0.1")


def test_the_lockout_ends_by_itself_when_the_failures_leave_the_window(uow: FakeUnitOfWork, clock: Clock) -> None:
    _fail(uow, clock, 5)
    clock.advance(minutes=9, seconds=59)
    with pytest.raises(TooManyAttempts) as refused:
        _login(uow, "lee@harbour.example", PASSWORD)
    assert refused.value.retry_after == 1
    clock.advance(seconds=1)
    assert _login(uow, "lee@harbour.example", PASSWORD) is not None


def test_another_account_from_elsewhere_is_not_locked_by_one_account(uow: FakeUnitOfWork, clock: Clock) -> None:
    _fail(uow, clock, 5)
    assert _login(uow, "patel@harbour.example", PASSWORD, address="10.0.0.2") is not None


def test_a_successful_login_forgets_the_account_failures(uow: FakeUnitOfWork, clock: Clock) -> None:
    _fail(uow, clock, 4)
    assert _login(uow, "lee@harbour.example", PASSWORD, address="10.0.0.7") is not None
    _fail(uow, clock, 4, address="10.0.0.7")
    assert _login(uow, "lee@harbour.example", PASSWORD, address="10.0.0.7") is not None


def test_an_address_is_locked_after_failures_across_accounts(uow: FakeUnitOfWork, clock: Clock) -> None:
    for number in range(8):  # eight different accounts, known and unknown, one failure each
        email = "lee@harbour.example" if number == 0 else f"guess{number}@harbour.example"
        _fail(uow, clock, 1, email=email, address="10.6.6.6")
    with pytest.raises(TooManyAttempts):
        _login(uow, "patel@harbour.example", PASSWORD, address="10.6.6.6")
    assert _login(uow, "patel@harbour.example", PASSWORD, address="10.0.0.2") is not None


def test_unknown_known_and_deactivated_accounts_each_cost_one_verify(uow: FakeUnitOfWork, clock: Clock) -> None:
    lee = next(u for u in uow.stored("users") if u.email == "lee@harbour.example")
    patel = next(u for u in uow.stored("users") if u.email == "patel@harbour.example")
    with uow:
        patel.active = False
        uow.users.update(patel)
        uow.commit()
    hasher = PlainHasher()
    for email in ("lee@harbour.example", "nobody@harbour.example", "patel@harbour.example"):
        assert _login(uow, email, "wrong password!", hasher=hasher) is None
    assert _login(uow, "patel@harbour.example", PASSWORD, hasher=hasher) is None  # right password, deactivated
    assert hasher.verified == [lee.password_hash, hasher.dummy_hash(), patel.password_hash, patel.password_hash]


def test_failures_are_audited_with_the_address_and_the_email_tried(uow: FakeUnitOfWork, clock: Clock) -> None:
    _fail(uow, clock, 1, email="Nobody@Harbour.example", address="10.4.4.4")
    entry = uow.audit_entries()[-1]
    assert (entry.user_id, entry.clinic_id, entry.outcome, entry.remote_address) == (
        "nobody@harbour.example", None, Outcome.FAILED, "10.4.4.4")


def test_a_password_change_with_a_wrong_current_password_counts_as_a_failed_login(
        uow: FakeUnitOfWork, clock: Clock) -> None:
    for _ in range(5):
        assert change_password(uow, "lee@harbour.example", "wrong password!", "a brand new clinic phrase",
                               PlainHasher(), "10.0.0.1", LIMITS) is None
    with pytest.raises(TooManyAttempts):
        _login(uow, "lee@harbour.example", PASSWORD)
