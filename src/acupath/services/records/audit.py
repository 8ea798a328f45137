"""The audit log: who did what to which record, when, from where, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    """How an audited attempt ended."""

    OK = "ok"
    DENIED = "denied"  # role may not do this (403), or another clinic's user asked for this clinic's record
    UNAUTHENTICATED = "unauthenticated"  # no usable login token: missing, forged, expired, revoked (401)
    NOT_FOUND = "not_found"  # no such record in the actor's clinic (404)
    CONFLICT = "conflict"  # stale version or duplicate (409)
    BLOCKED = "blocked"  # safety finding in force (409)
    INVALID = "invalid"  # bad input (422)
    FAILED = "failed"  # anything else (for example a wrong password)


@dataclass(kw_only=True)
class AuditEntry:
    """One audited read or write. ``id`` is given by the log when stored (None before).

    ``clinic_id`` is whose log the entry is in; ``actor_clinic_id`` the acting user's clinic (None when
    unknown: a forged or unreadable token). They differ for another clinic's probe of this clinic's
    records, which is written once in each clinic's log (``services.audit``).
    """

    id: int | None = None
    at: datetime
    clinic_id: str | None
    actor_clinic_id: str | None = None
    user_id: str
    action: str  # e.g. "patient.read", "plan.amend"
    record_type: str  # e.g. "patient", "plan"
    record_id: str | None
    patient_id: str | None = None
    remote_address: str
    outcome: Outcome
    detail: str = ""


@dataclass(kw_only=True)
class AuditQuery:
    """Which entries of a clinic to find: each given field must match; ``since`` inclusive, ``until`` exclusive.

    ``staff_only``: leave out what patients did on the portal (``user_id`` ``patient:<id>``), as a
    patient's own access log does.
    """

    patient_id: str | None = None
    user_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    staff_only: bool = False


@dataclass(frozen=True)
class RecordOwner:
    """Whose record an id is, whatever the asking clinic: its clinic and its patient (None for a user)."""

    clinic_id: str
    patient_id: str | None
