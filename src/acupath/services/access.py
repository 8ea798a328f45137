"""Who may do what: the role rules, checked inside the audited block so refusals are audited.

Clinic isolation needs no check here: repositories look records up by the actor's clinic, so another
clinic's id is ``NotFound`` (404, not 403) and its existence does not leak.
"""

from __future__ import annotations

from typing import TypeVar

from acupath.errors import NotFound, PermissionDenied
from acupath.services.actor import Actor, Role

T = TypeVar("T")


def require_clinical(actor: Actor) -> None:
    """Raise ``PermissionDenied`` unless the actor may read and write clinical notes."""
    if not actor.sees_clinical_notes:
        raise PermissionDenied(f"the {actor.role.value} role may not see or change clinical records")


def require_admin(actor: Actor) -> None:
    """Raise ``PermissionDenied`` unless the actor is the clinic's administrator."""
    if actor.role is not Role.ADMIN:
        raise PermissionDenied("only an administrator may manage users or read the audit log")


class MissingRecord(NotFound):
    """A record the actor's clinic does not hold (404): ``kind`` and ``record_id`` say which, so the
    audit can find whose it is (``services.audit``)."""

    def __init__(self, message: str, kind: str, record_id: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.record_id = record_id


def found(record: T | None, kind: str, record_id: str) -> T:
    """Return ``record``; raise ``MissingRecord`` (a ``NotFound``) naming the kind and id when it is None."""
    if record is None:
        raise MissingRecord(f"no {kind} {record_id!r} in this clinic", kind, record_id)
    return record


def found_of_patient(record: T | None, kind: str, record_id: str, patient_id: str) -> T:
    """Return ``record`` if it belongs to the patient ``patient_id``; raise ``MissingRecord`` otherwise."""
    if record is None or getattr(record, "patient_id", None) != patient_id:
        raise MissingRecord(f"no {kind} {record_id!r} of this patient", kind, record_id)
    return record
