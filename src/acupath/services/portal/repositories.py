"""What the patient portal's services need from storage: portal accounts, one-time links, sign-ins.

Abstract, as ``services.repositories`` is for the rest of the record; ``storage.repositories.portal``
implements them on SQLAlchemy and ``tests/unit/services/service_fakes.py`` in memory.
"""

from __future__ import annotations

import abc
from datetime import datetime

from acupath.services.records.portal import PortalAccount, PortalLink, PortalSignIn, PortalSignInNow


class PortalAccountRepository(abc.ABC):
    """Patients' portal accounts: one per patient, looked up by clinic, or by email at sign-in."""

    @abc.abstractmethod
    def add(self, account: PortalAccount) -> None:
        """Store a new account. Raises ``Conflict`` if the patient has one or the email is taken."""

    @abc.abstractmethod
    def get(self, clinic_id: str, account_id: str) -> PortalAccount | None:
        """Return the clinic's account, or None."""

    @abc.abstractmethod
    def for_patient(self, clinic_id: str, patient_id: str) -> PortalAccount | None:
        """Return the account of the clinic's patient, or None (none yet, or another clinic's patient)."""

    @abc.abstractmethod
    def by_email(self, email: str) -> PortalAccount | None:
        """Return the account that signs in with this (lower-cased) email, in any clinic, or None."""

    @abc.abstractmethod
    def update(self, account: PortalAccount) -> None:
        """Store the account's email, password hash, password change time and active flag.

        Never its ``last_sign_in_at`` (``record_sign_in``). Raises ``Conflict`` if the email is taken.
        """

    @abc.abstractmethod
    def record_sign_in(self, account_id: str, at: datetime) -> None:
        """Store that the account signed in at ``at``, and nothing else of it."""


class PortalLinkRepository(abc.ABC):
    """One-time links into the portal (invitations, emailed sign-in links), kept by their token's hash."""

    @abc.abstractmethod
    def add(self, link: PortalLink) -> None:
        """Store a new link."""

    @abc.abstractmethod
    def by_token_hash(self, token_hash: str) -> PortalLink | None:
        """Return the link with this token hash in any clinic (the link names its clinic), or None."""

    @abc.abstractmethod
    def use(self, link_id: str, at: datetime) -> bool:
        """Mark the link used at ``at`` if it is still unused and not revoked; return whether it was.

        One statement, so that of two requests racing with one link only one can use it.
        """

    @abc.abstractmethod
    def revoke_open(self, clinic_id: str, patient_id: str, at: datetime) -> int:
        """Revoke every unused, unrevoked link of the clinic's patient at ``at``; return how many."""

    @abc.abstractmethod
    def list_for_patient(self, clinic_id: str, patient_id: str) -> list[PortalLink]:
        """Return the clinic's patient's links, newest first."""


class PortalSignInRepository(abc.ABC):
    """Signed-in portal browsers, kept by the hash of their cookie's token."""

    @abc.abstractmethod
    def add(self, sign_in: PortalSignIn) -> None:
        """Store a new sign-in."""

    @abc.abstractmethod
    def find(self, token_hash: str) -> PortalSignInNow | None:
        """Return the sign-in with its account's active flag and password change time, or None."""

    @abc.abstractmethod
    def touch(self, token_hash: str, at: datetime) -> None:
        """Record ``at`` as the sign-in's last use."""

    @abc.abstractmethod
    def remove(self, token_hash: str) -> None:
        """Forget the sign-in (sign-out); forgetting one that is gone is harmless."""

    @abc.abstractmethod
    def remove_for_account(self, account_id: str, keep: str | None = None) -> int:
        """Forget every sign-in of the account but the one whose hash is ``keep``; return how many went."""

    @abc.abstractmethod
    def purge(self, now: datetime) -> int:
        """Forget sign-ins that expired before ``now``; return how many."""
