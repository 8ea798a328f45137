"""Use case of the clinic's IT person: search the audit log ("who looked at this record, and when").

Only administrators may search, and only their own clinic's entries; the search itself is audited, so
looking at who looked leaves a trace too.
"""

from __future__ import annotations

from datetime import UTC, datetime

from acupath.errors import InputError
from acupath.services.access import require_admin
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.paging import check_page
from acupath.services.records import AuditEntry, AuditQuery, Page
from acupath.services.unit_of_work import AbstractUnitOfWork


def _utc(value: datetime | None) -> datetime | None:
    # A time without a zone is read as UTC, the zone the log is kept in.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def search_audit(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    patient_id: str | None = None,
    user_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[AuditEntry]:
    """Return one page of the clinic's audit entries, newest first, matching every filter given.

    ``since`` is inclusive, ``until`` exclusive. Raises ``PermissionDenied`` (not an administrator),
    ``InputError`` (offset or limit out of range, ``until`` not after ``since``).
    """
    query = AuditQuery(patient_id=patient_id, user_id=user_id, action=action, since=_utc(since), until=_utc(until))
    with uow, audited(uow, actor, "audit.search", "audit_log", patient_id=patient_id) as note:
        require_admin(actor)
        check_page(offset, limit)
        if query.since is not None and query.until is not None and query.until <= query.since:
            raise InputError("until", "must be after since")
        note.detail = (f"patient_id={patient_id!r} user_id={user_id!r} action={action!r} since={since} "
                       f"until={until} offset={offset} limit={limit}")
        items, total = uow.audit.search(actor.clinic_id, query, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)
