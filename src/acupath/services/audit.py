"""Every read and write of patient data leaves an audit entry, including refused attempts.

A service runs its work inside ``audited(...)``: on success the entry (outcome ``ok``) is added in the
same transaction as the write and committed with it; on an ``AcupathError`` the work is rolled back and
the refusal alone is committed (outcome ``denied``, ``not_found``, ``conflict``, ``blocked``,
``invalid``) before the error goes on to the caller.

A refusal is written with the patient it was about even when the service stopped before reading the
record (a receptionist refused an intake): the record the request named is looked up for the audit
only (``AuditLog.owner_of``). When that record belongs to another clinic, the refusal is written twice:
once in the asking user's clinic's log, exactly as a probe of an id that exists nowhere (``not_found``,
nothing about the other clinic's patient), and once in the owning clinic's log (``denied``, with its
patient id, the asking user and their clinic in ``actor_clinic_id``). Two entries, not one row with two
clinic ids, because each clinic's log stays exactly the rows of its ``clinic_id`` (one index range to
list, search and export), the owner's auditor sees the probe of their patient without a join, and the
prober's clinic learns nothing about the owner's records, not even that the id exists.

``record_refused_token`` writes the entry of a request refused for its login token (401).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

from acupath.errors import (
    AcupathError,
    Conflict,
    InputError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SafetyBlock,
)
from acupath.services.access import MissingRecord
from acupath.services.actor import Actor
from acupath.services.patient_actor import PatientActor
from acupath.services.records import AuditEntry, Outcome
from acupath.services.unit_of_work import AbstractUnitOfWork

_OUTCOMES: tuple[tuple[type[AcupathError], Outcome], ...] = (
    (PermissionDenied, Outcome.DENIED),
    (NotAuthenticated, Outcome.UNAUTHENTICATED),  # a login token revoked at logout
    (NotFound, Outcome.NOT_FOUND),
    (Conflict, Outcome.CONFLICT),
    (SafetyBlock, Outcome.BLOCKED),
    (InputError, Outcome.INVALID),
)


def outcome_of(error: AcupathError) -> Outcome:
    """Return the audit outcome that ``error`` stands for."""
    for kind, outcome in _OUTCOMES:
        if isinstance(error, kind):
            return outcome
    return Outcome.FAILED


@dataclass
class AuditNote:
    """What the running service has learnt about the record it touches (ids become known late)."""

    record_id: str | None = None
    patient_id: str | None = None
    detail: str = ""
    #: The id of the entry written for a success (after the block).
    entry_id: int | None = None


def _entry(uow: AbstractUnitOfWork, actor: Actor | PatientActor, action: str, record_type: str, note: AuditNote,
           outcome: Outcome, detail: str) -> AuditEntry:
    return AuditEntry(
        at=uow.clock(),
        clinic_id=actor.clinic_id,
        actor_clinic_id=actor.clinic_id,
        user_id=actor.user_id,
        action=action,
        record_type=record_type,
        record_id=note.record_id,
        patient_id=note.patient_id,
        remote_address=actor.remote_address,
        outcome=outcome,
        detail=detail[:500],
    )


def _subject(error: AcupathError, record_type: str, note: AuditNote,
             about: tuple[str, str] | None) -> tuple[str, str] | None:
    # The record the refusal was about: the one not found, else the one the request named.
    if isinstance(error, MissingRecord):
        return error.kind, error.record_id
    if about is not None:
        return about
    if note.record_id is not None:
        return record_type, note.record_id
    return ("patient", note.patient_id) if note.patient_id is not None else None


def refusal_entries(uow: AbstractUnitOfWork, actor: Actor | PatientActor, action: str, record_type: str, note: AuditNote,
                    error: AcupathError, about: tuple[str, str] | None = None) -> list[AuditEntry]:
    """Return the audit entries of the refusal ``error``: the actor's, and the owning clinic's when the
    record the request named is another clinic's (see the module docstring). Raises nothing of its own."""
    entry = _entry(uow, actor, action, record_type, note, outcome_of(error), str(error))
    subject = _subject(error, record_type, note, about)
    if subject is None or (entry.patient_id is not None and not isinstance(error, MissingRecord)):
        return [entry]
    owner = uow.audit.owner_of(*subject)
    if owner is None:
        return [entry]
    if owner.clinic_id == actor.clinic_id:
        entry.patient_id = entry.patient_id or owner.patient_id
        return [entry]
    kind, record_id = subject
    probe = replace(entry, clinic_id=owner.clinic_id, record_type=kind, record_id=record_id,
                    patient_id=owner.patient_id, outcome=Outcome.DENIED,
                    detail=f"asked for by a user of another clinic (actor_clinic_id), "
                           f"who was answered {entry.outcome.value}")
    return [entry, probe]


@contextlib.contextmanager
def audited(
    uow: AbstractUnitOfWork,
    actor: Actor | PatientActor,
    action: str,
    record_type: str,
    record_id: str | None = None,
    patient_id: str | None = None,
    *,
    about: tuple[str, str] | None = None,
) -> Iterator[AuditNote]:
    """Run the block as one audited transaction and commit it (see the module docstring).

    ``about`` is the (kind, id) of an existing record the request names when it is not the record
    written (the plan a session is recorded on), so that a refusal finds its patient and owner. Yields
    an ``AuditNote`` the block fills in. Raises whatever the block raised, after auditing it.
    """
    note = AuditNote(record_id=record_id, patient_id=patient_id)
    try:
        yield note
        entry = _entry(uow, actor, action, record_type, note, Outcome.OK, note.detail)
        uow.audit.add(entry)
        note.entry_id = entry.id
        # A store may hold writes back until the commit, so a duplicate can surface here too.
        uow.commit()
    except AcupathError as error:
        uow.rollback()
        for entry in refusal_entries(uow, actor, action, record_type, note, error, about):
            uow.audit.add(entry)
        uow.commit()
        raise
    except Exception as error:
        uow.rollback()
        # Best effort: the store itself may be what failed, and that error is the one to report.
        with contextlib.suppress(Exception):
            uow.audit.add(_entry(uow, actor, action, record_type, note, Outcome.FAILED, type(error).__name__))
            uow.commit()
        raise


#: The action of an entry for a request refused for its login token; its record is the route.
REFUSED_TOKEN_ACTION = "request.refused"


def record_refused_token(uow: AbstractUnitOfWork, *, route: str, reason: str, remote_address: str,
                         clinic_id: str | None = None, user_id: str | None = None) -> AuditEntry:
    """Append and commit the entry of a request refused 401 for its login token; return it.

    ``route`` is the method and path template (``GET /plans/{plan_id}/progress``: no ids, no query),
    ``reason`` a fixed phrase (missing, forged, malformed, expired, revoked, user inactive: never the
    token). ``clinic_id`` and ``user_id`` come from a genuine token only (expired or revoked), so the
    entry is in that clinic's log; a forged or missing token's entry belongs to no clinic. Raises what
    the store raises.
    """
    entry = AuditEntry(at=uow.clock(), clinic_id=clinic_id, actor_clinic_id=clinic_id,
                       user_id=(user_id or "unknown")[:254], action=REFUSED_TOKEN_ACTION, record_type="route",
                       record_id=route[:64], remote_address=remote_address, outcome=Outcome.UNAUTHENTICATED,
                       detail=reason[:500])
    with uow:
        uow.audit.add(entry)
        uow.commit()
    return entry
