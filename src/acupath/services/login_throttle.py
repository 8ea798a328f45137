"""Throttling of logins: per account and per address, with a lockout that ends by itself.

Every failed login (wrong password, unknown or deactivated account) is stored twice in the table of
login failures, keyed by the account's email (``account:…``) and by the client's address
(``address:…``). A login is refused before any password is checked (``TooManyAttempts``, HTTP 429
with ``Retry-After``) while a key holds its limit of failures within the window: by default 5 for an
account and 30 for an address in 15 minutes. The window slides: the lockout ends when the oldest of
those failures is ``window`` old, with no one to unlock it. A successful login forgets the account's
failures (not the address's, or one valid account would reset a guessing address).

Why a table of its own and not the audit log, which records every failure too: the check runs on
every login before the hash, and counting in the audit log would need two indexes there (by email and
by address, with time) on a table that only grows and that other work chains and pages; a row per
failure, deleted once out of the window, keeps the check to two index range reads of at most
``limit`` rows each. It lives in the database, not in the process, so the limits hold across
``--workers 2`` and across servers on one database (the app keeps no state of its own). Rows are
appended, never updated, so concurrent failures need no locking: two racing failures can at worst
both pass a check at ``limit - 1``, which concurrency bounds.
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginLimits:
    """How many failures lock an account or an address, and for how long they count (and lock)."""

    account_failures: int = 5
    address_failures: int = 30
    window: timedelta = timedelta(minutes=15)


class LoginFailures(abc.ABC):
    """Failed logins by key (``account:<email>``, ``address:<ip>``), shared by every worker."""

    @abc.abstractmethod
    def add(self, key: str, at: datetime) -> None:
        """Store one failure of ``key`` at ``at``."""

    @abc.abstractmethod
    def recent(self, key: str, since: datetime, limit: int) -> list[datetime]:
        """Return the times of ``key``'s failures after ``since``, newest first, at most ``limit``."""

    @abc.abstractmethod
    def forget(self, key: str) -> None:
        """Delete every failure of ``key`` (a successful login, a password reset)."""

    @abc.abstractmethod
    def forget_before(self, before: datetime) -> int:
        """Delete every failure older than ``before``, of any key; return how many went."""


def account_key(email: str) -> str:
    """Return the throttle key of the account with ``email`` (lower-cased, stripped)."""
    return "account:" + email.strip().lower()


def address_key(remote_address: str) -> str:
    """Return the throttle key of the client address ``remote_address``."""
    return "address:" + remote_address


def keys_and_limits(email: str, remote_address: str, limits: LoginLimits) -> list[tuple[str, int]]:
    """Return the keys a login from ``remote_address`` as ``email`` counts against, with their limits."""
    return [(account_key(email), limits.account_failures), (address_key(remote_address), limits.address_failures)]


def seconds_locked(failures: LoginFailures, keys: list[tuple[str, int]], now: datetime, limits: LoginLimits) -> int:
    """Return how many whole seconds logins stay refused for these keys at ``now`` (0: not locked).

    A key is locked while it holds ``limit`` failures within the window; it opens when the oldest of
    them leaves the window.
    """
    wait = 0.0
    for key, limit in keys:
        times = failures.recent(key, now - limits.window, limit)
        if len(times) >= limit:
            wait = max(wait, (times[limit - 1] + limits.window - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def count_failure(failures: LoginFailures, keys: list[tuple[str, int]], now: datetime, limits: LoginLimits) -> None:
    """Store a failure at ``now`` for every key, and forget failures that left the window."""
    failures.forget_before(now - limits.window)
    for key, _ in keys:
        failures.add(key, now)
