"""Use case of every authenticated request: does the token still count, and for whom, as stored now?

A login token is signed, so its claims (user, clinic, role) are the ones of the moment it was issued.
``check_sign_in`` asks the store in one query whether the token was revoked at logout, whether its
user is still active, which clinic and role the user has now, when the user's password was last set,
and when the token was last used; a deactivated user's token is refused at once, a role changed takes
effect on the next request, and a password changed or reset refuses every token issued before it (a
token taken by someone who knew the old password stops working when its owner changes it).

Idle tokens: a token unused for ``idle_timeout`` is refused even before it expires. Its last use is
written only when the stored one is ``SEEN_EVERY`` old or older, not on every request: a write per
request would put a write (on SQLite the database's one write lock) into every read, and a minute is
far finer than the half-hour timeout. The recorded use thus lags the real one by under a minute, so a
token is refused after between ``idle_timeout - SEEN_EVERY`` and ``idle_timeout`` without use.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from acupath.errors import NotAuthenticated
from acupath.services.actor import Actor, Role

if TYPE_CHECKING:
    from acupath.services.unit_of_work import AbstractUnitOfWork

#: How long a token may go unused before it is refused (the server's default; ``Settings`` may change it).
IDLE_TIMEOUT = timedelta(minutes=30)

#: How old the recorded last use of a token may get before a request records it again.
SEEN_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class AccountNow:
    """What the store holds now about a token and its user (``SignIns.account_now``).

    ``last_seen_at`` is None before the token's first recorded use; ``password_changed_at`` is None for
    an account whose password was never set after its creation.
    """

    clinic_id: str
    role: str
    active: bool
    revoked: bool
    last_seen_at: datetime | None
    password_changed_at: datetime | None


@dataclass(frozen=True)
class SignedToken:
    """What a genuine, unexpired token says: its id, its user, when it was issued and until when it holds."""

    token_id: str
    user_id: str
    issued_at: datetime
    expires_at: datetime


class SignIns(abc.ABC):
    """The store's view of signed-in tokens: their users as they are now, and each token's last use."""

    @abc.abstractmethod
    def account_now(self, token_id: str, user_id: str) -> AccountNow | None:
        """Return the user's clinic, role, status and password change, the token's revocation and last use,
        in one query.

        None when the user does not exist.
        """

    @abc.abstractmethod
    def mark_seen(self, token_id: str, user_id: str, at: datetime, expires_at: datetime) -> None:
        """Record ``at`` as the token's last use (kept until ``expires_at``), inserting or updating."""

    @abc.abstractmethod
    def purge(self, now: datetime) -> int:
        """Forget the last use of tokens that expired before ``now``; return how many."""


def check_sign_in(uow: AbstractUnitOfWork, token: SignedToken, remote_address: str, now: datetime,
                  idle_timeout: timedelta = IDLE_TIMEOUT) -> Actor:
    """Return the ``Actor`` the token acts as now: its user's clinic and role as stored at ``now``.

    Raises ``NotAuthenticated`` when the user no longer exists or is deactivated, the token was revoked
    at logout, was issued before the user's password was last changed or reset, or was not used for
    ``idle_timeout``. Records the token's use when the recorded one is ``SEEN_EVERY`` old (see the
    module docstring).
    """
    with uow:
        found = uow.sign_ins.account_now(token.token_id, token.user_id)
        if found is None:
            raise NotAuthenticated("the account no longer exists; log in again")
        if not found.active:
            raise NotAuthenticated("the account is deactivated; ask the clinic's administrator")
        if found.revoked:
            raise NotAuthenticated("the token was revoked at logout; log in again")
        if found.password_changed_at is not None and token.issued_at < found.password_changed_at:
            raise NotAuthenticated("the password was changed after this token was issued; log in again")
        last_seen = found.last_seen_at or token.issued_at
        if now - last_seen >= idle_timeout:
            raise NotAuthenticated(f"the token was not used for {int(idle_timeout.total_seconds() // 60)} "
                                   "minutes; log in again")
        if found.last_seen_at is None:
            uow.sign_ins.purge(now)  # once per token: the rows of tokens that expired meanwhile go
        if found.last_seen_at is None or now - found.last_seen_at >= SEEN_EVERY:
            uow.sign_ins.mark_seen(token.token_id, token.user_id, now, token.expires_at)
        # Committed even when nothing was written: a rollback would make psycopg forget the
        # statements it prepared on the connection (``storage.engine``).
        uow.commit()
    return Actor(user_id=token.user_id, clinic_id=found.clinic_id, role=Role(found.role),
                 remote_address=remote_address)
