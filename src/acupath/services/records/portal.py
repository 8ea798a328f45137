"""The patient portal's records: a patient's account, the one-time links that open it, its sign-ins.

A portal account belongs to one patient of one clinic (at most one account per patient). Its
``email`` is what the patient signs in with (unique across every clinic's portal accounts: one sign-in
page serves them all); it and ``password_hash`` stay None until the patient sets a password from an
invitation. Links and sign-ins are kept by the SHA-256 of their token only: the token itself exists in
the link or cookie the patient holds, never in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkPurpose(StrEnum):
    """What a one-time link is for.

    ``invitation``: made by a clinician; the patient sets a password with it, or signs in once without
    one. ``sign_in``: asked for by the patient from the sign-in page and sent by email; signs in once.
    """

    INVITATION = "invitation"
    SIGN_IN = "sign_in"


@dataclass(kw_only=True)
class PortalAccount:
    """A patient's portal account. ``active`` False: the clinic revoked access (no sign-in counts)."""

    id: str
    clinic_id: str
    patient_id: str
    email: str | None = None
    password_hash: str | None = None
    active: bool = True
    created_at: datetime
    created_by: str
    password_changed_at: datetime | None = None
    last_sign_in_at: datetime | None = None


@dataclass(kw_only=True)
class PortalLink:
    """A single-use link into the portal, kept by its token's hash.

    Counts while ``used_at`` and ``revoked_at`` are None and ``expires_at`` is in the future; a new
    invitation revokes the patient's earlier unused links (``revoked_at``), as does revoking access.
    ``created_by`` is the clinician's user id (``"patient:<id>"`` for a link the patient asked for).
    """

    id: str
    clinic_id: str
    patient_id: str
    account_id: str
    token_hash: str
    purpose: LinkPurpose
    created_at: datetime
    created_by: str
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def counts_at(self, now: datetime) -> bool:
        """Return True when the link may still be used at ``now`` (unused, not revoked, not expired)."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


@dataclass(kw_only=True)
class PortalSignIn:
    """One signed-in browser of a patient, kept by its cookie token's hash until sign-out or expiry."""

    token_hash: str
    account_id: str
    clinic_id: str
    patient_id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class PortalSignInNow:
    """A sign-in as stored now, with its account's state (``PortalSignIns.find``)."""

    sign_in: PortalSignIn
    account_active: bool
    password_changed_at: datetime | None
