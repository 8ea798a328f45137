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
from acupath.services.audit_export import utc
from acupath.services.paging import (
    COUNT_CAP,
    KeysetPage,
    check_limit,
    decode_cursor,
    keyset_page,
    unknown_cursor,
)
from acupath.services.records import AuditEntry, AuditQuery
from acupath.services.unit_of_work import AbstractUnitOfWork


def search_audit(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    patient_id: str | None = None,
    user_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
    total: bool = False,
) -> KeysetPage[AuditEntry]:
    """Return one page of the clinic's audit entries, newest first, matching every filter given.

    ``since`` is inclusive, ``until`` exclusive; ``cursor`` is a previous page's ``next_cursor``;
    ``total`` asks for the count (exact up to ``COUNT_CAP``). Raises ``PermissionDenied`` (not an
    administrator), ``InputError`` (``limit`` out of range, ``until`` not after ``since``, a bad
    ``cursor``).
    """
    with uow, audited(uow, actor, "audit.search", "audit_log", patient_id=patient_id) as note:
        require_admin(actor)
        query = AuditQuery(patient_id=patient_id, user_id=user_id, action=action, since=utc(since, "since"),
                           until=utc(until, "until"))
        check_limit(limit)
        after = entry_position(decode_cursor("audit", cursor))
        if query.since is not None and query.until is not None and query.until <= query.since:
            raise InputError("until", "must be after since")
        note.detail = (f"patient_id={patient_id!r} user_id={user_id!r} action={action!r} since={since} "
                       f"until={until} cursor={'yes' if cursor else 'no'} limit={limit}")
        rows = uow.audit.search(actor.clinic_id, query, after, limit + 1)
        counted = uow.audit.count(actor.clinic_id, query, COUNT_CAP) if total else None
        return keyset_page("audit", rows, limit, position_of_entry, counted)


def position_of_entry(entry: AuditEntry) -> str:
    """Return an entry's cursor position: its time and id, the log's order (its (clinic_id, at, id) index).

    Shared with the patient's access log (``services.portal.own_record``), which pages the same log.
    """
    return f"{entry.at.astimezone(UTC).strftime('%Y%m%dT%H%M%S.%f')}|{entry.id}"


def entry_position(text: str | None) -> tuple[datetime, int] | None:
    """Return the time and id a cursor's position holds. Raises ``InputError`` naming ``cursor``."""
    if text is None:
        return None
    at, _, entry_id = text.partition("|")
    try:
        position = datetime.strptime(at, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), int(entry_id)
    except ValueError:
        raise unknown_cursor("audit") from None
    if not 0 < position[1] < 2**63:  # an id the log's BIGINT can hold
        raise unknown_cursor("audit")
    return position
