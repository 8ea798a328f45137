"""Use case of the clinic's auditor: take the clinic's audit log away as CSV or NDJSON.

Only administrators may export, only their own clinic's entries, and the export is itself audited
(``audit.export``) before the first line is read: the export holds every matching entry up to and
including its own, oldest first, read in batches of short transactions so that a long download
never holds a connection or a lock.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from acupath.errors import InputError
from acupath.services.access import require_admin
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.records import AuditEntry, AuditQuery
from acupath.services.unit_of_work import AbstractUnitOfWork

#: The formats an export is written in, and their media types.
FORMATS = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
#: The columns of an exported entry, in order (the CSV header).
COLUMNS = ("id", "at", "clinic_id", "actor_clinic_id", "user_id", "action", "record_type", "record_id",
           "patient_id", "remote_address", "outcome", "detail")
#: Entries read per transaction.
BATCH = 1000
#: A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def utc(value: datetime | None, field: str) -> datetime | None:
    """Return ``value`` in UTC (a time without a zone is read as UTC, the zone the log is kept in).

    Raises ``InputError`` naming ``field`` for a time that has no UTC equivalent (the end of time in a
    zone east of UTC).
    """
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise InputError(field, "is out of range", "a time between years 1 and 9999 in UTC") from None


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at.astimezone(UTC).isoformat(), "clinic_id": entry.clinic_id,
            "actor_clinic_id": entry.actor_clinic_id, "user_id": entry.user_id, "action": entry.action,
            "record_type": entry.record_type, "record_id": entry.record_id, "patient_id": entry.patient_id,
            "remote_address": entry.remote_address, "outcome": entry.outcome.value, "detail": entry.detail}


def csv_line(values: list[Any]) -> str:
    """Return one CSV line (RFC 4180 quoting, CRLF) of ``values``; a text cell a spreadsheet would run as a
    formula gets a leading apostrophe, and None is an empty cell."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(
        ["'" + v if isinstance(v, str) and v.startswith(_FORMULA_STARTS) else ("" if v is None else v)
         for v in values])
    return buffer.getvalue()


def format_entry(entry: AuditEntry, fmt: str) -> str:
    """Return the exported line of ``entry`` in ``fmt`` (``csv`` or ``ndjson``), ending in a line break."""
    fields = _fields(entry)
    if fmt == "csv":
        return csv_line([fields[name] for name in COLUMNS])
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_audit(
    uow: AbstractUnitOfWork,
    actor: Actor,
    fmt: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = BATCH,
) -> Iterator[str]:
    """Audit the export now, and return the lines of the clinic's entries from ``since`` (inclusive)
    to ``until`` (exclusive), oldest first: the CSV header first, then one line per entry.

    The lines are read lazily, in batches, each in its own transaction of ``uow``. Raises (at once,
    before any line) ``PermissionDenied`` (not an administrator) and ``InputError`` (``format`` not csv
    or ndjson, a time out of range, ``until`` not after ``since``).
    """
    with uow, audited(uow, actor, "audit.export", "audit_log") as note:
        require_admin(actor)
        if fmt not in FORMATS:
            raise InputError("format", f"unknown format {fmt!r}", list(FORMATS))
        query = AuditQuery(since=utc(since, "since"), until=utc(until, "until"))
        if query.since is not None and query.until is not None and query.until <= query.since:
            raise InputError("until", "must be after since")
        note.detail = f"format={fmt} since={query.since} until={query.until}"
    return _lines(uow, actor.clinic_id, query, note.entry_id or 0, fmt, batch)


def _lines(uow: AbstractUnitOfWork, clinic_id: str, query: AuditQuery, through_id: int, fmt: str,
           batch: int) -> Iterator[str]:
    if fmt == "csv":
        yield csv_line(list(COLUMNS))
    after = 0
    while True:
        with uow:
            entries = uow.audit.export_batch(clinic_id, query, after, through_id, batch)
        yield from (format_entry(entry, fmt) for entry in entries)
        if len(entries) < batch:
            return
        after = entries[-1].id or after
