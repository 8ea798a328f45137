"""Every read and write of patient data leaves an audit entry, including refused attempts.

A service runs its work inside ``audited(...)``: on success the entry (outcome ``ok``) is added in the
same transaction as the write and committed with it; on an ``AcupathError`` the work is rolled back and
the refusal alone is committed (outcome ``denied``, ``not_found``, ``conflict``, ``blocked``,
``invalid``) before the error goes on to the caller.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from acupath.errors import (
    AcupathError,
    Conflict,
    InputError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SafetyBlock,
)
from acupath.services.actor import Actor
from acupath.services.records import AuditEntry, Outcome
from acupath.services.unit_of_work import AbstractUnitOfWork

_OUTCOMES: tuple[tuple[type[AcupathError], Outcome], ...] = (
    (PermissionDenied, Outcome.DENIED),
    (NotAuthenticated, Outcome.DENIED),  # a login token revoked at logout
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


def _entry(uow: AbstractUnitOfWork, actor: Actor, action: str, record_type: str, note: AuditNote,
           outcome: Outcome, detail: str) -> AuditEntry:
    return AuditEntry(
        at=uow.clock(),
        clinic_id=actor.clinic_id,
        user_id=actor.user_id,
        action=action,
        record_type=record_type,
        record_id=note.record_id,
        patient_id=note.patient_id,
        remote_address=actor.remote_address,
        outcome=outcome,
        detail=detail[:500],
    )


@contextlib.contextmanager
def audited(
    uow: AbstractUnitOfWork,
    actor: Actor,
    action: str,
    record_type: str,
    record_id: str | None = None,
    patient_id: str | None = None,
) -> Iterator[AuditNote]:
    """Run the block as one audited transaction and commit it (see the module docstring).

    Yields an ``AuditNote`` the block fills in. Raises whatever the block raised, after auditing it.
    """
    note = AuditNote(record_id=record_id, patient_id=patient_id)
    try:
        yield note
        uow.audit.add(_entry(uow, actor, action, record_type, note, Outcome.OK, note.detail))
        # A store may hold writes back until the commit, so a duplicate can surface here too.
        uow.commit()
    except AcupathError as error:
        uow.rollback()
        uow.audit.add(_entry(uow, actor, action, record_type, note, outcome_of(error), str(error)))
        uow.commit()
        raise
    except Exception as error:
        uow.rollback()
        # Best effort: the store itself may be what failed, and that error is the one to report.
        with contextlib.suppress(Exception):
            uow.audit.add(_entry(uow, actor, action, record_type, note, Outcome.FAILED, type(error).__name__))
            uow.commit()
        raise
