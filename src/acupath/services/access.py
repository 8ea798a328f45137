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


def found(record: T | None, kind: str, record_id: str) -> T:
    """Return ``record``; raise ``NotFound`` naming the kind and id when it is None."""
    if record is None:
        raise NotFound(f"no {kind} {record_id!r} in this clinic")
    return record


def found_of_patient(record: T | None, kind: str, record_id: str, patient_id: str) -> T:
    """Return ``record`` if it belongs to the patient ``patient_id``; raise ``NotFound`` otherwise."""
    if record is None or getattr(record, "patient_id", None) != patient_id:
        raise NotFound(f"no {kind} {record_id!r} of this patient")
    return record
