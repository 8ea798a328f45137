"""The clinic's audit log for its administrators: search it a page at a time, export it as CSV or NDJSON.

The search is ``services.audit_log.search_audit`` (newest first, keyset pages: "Older entries" carries
the page's ``next_cursor`` and the filters), the export ``services.audit_export.export_audit``, both
as the API's ``/audit`` routes call them; each is audited by its service. The form's dates are days
of the log's own time zone, UTC: "from" is inclusive from its midnight, "to" inclusive to the end of
its day. Clinicians and reception get the 403 page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response, StreamingResponse

from acupath.errors import InputError
from acupath.services import audit_export, audit_log, users
from acupath.services.paging import MAX_PAGE
from acupath.services.records import AuditQuery
from acupath.web.audit_actions import KNOWN_ACTIONS
from acupath.web.forms import Problem, problem_of, refused_characters
from acupath.web.pages import PageRoute, render
from acupath.web.visitor import Visitor, VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/admin/audit", route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50
#: The search form's fields as labelled on the page.
LABELS = {"since": "From (UTC)", "until": "To (UTC, inclusive)", "user": "User", "action": "Action",
          "patient": "Patient id"}
#: The longest value each text filter takes (the API's bounds of the same filters).
LONGEST = {"since": 10, "until": 10, "user": 254, "action": 64, "patient": 64}
#: The days a search may name: the API's ``ClinicTime`` range (``api.bounds``), as whole days.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def _day(values: dict[str, str], name: str, problems: list[Problem]) -> date | None:
    """Return the day typed in ``name`` (None when empty); add a problem naming the field when it is not one."""
    text = values[name].strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        problems.append(Problem(name, f"{LABELS[name]}: enter a real date, day, month and year (allowed: "
                                      f"{FIRST_DAY:%d %b %Y} to {LAST_DAY:%d %b %Y})"))
        return None
    return day


def _search(values: dict[str, str]) -> tuple[AuditQuery, list[Problem]]:
    """Return the service's query of the typed form and its problems (each naming its field).

    A day is a UTC day: ``since`` from its midnight, ``until`` to the midnight after it (exclusive).
    """
    problems = refused_characters(values, LABELS)
    problems += [Problem(name, f"{LABELS[name]}: at most {most} characters")
                 for name, most in LONGEST.items() if len(values[name]) > most]
    if problems:
        return AuditQuery(), problems
    since, until = _day(values, "since", problems), _day(values, "until", problems)
    if since and until and until < since:
        problems.append(Problem("until", f"{LABELS['until']}: must be on or after the From date"))
    return AuditQuery(since=datetime.combine(since, time(), UTC) if since else None,
                      until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
                      # Action codes are lower case: "Plan.Amend" typed finds plan.amend.
                      user_id=values["user"].strip() or None, action=values["action"].strip().lower() or None,
                      patient_id=values["patient"].strip() or None), problems


def _audit_page(request: Request, visitor: Visitor, values: dict[str, str], cursor: str | None,
                refused: list[Problem]) -> Response:
    """Return the audit page: the form as typed, one page of matching entries, or the problems (422)."""
    accounts = users.list_users(unit_of_work(request), visitor.actor, limit=MAX_PAGE).items
    search, problems = _search(values)
    problems += refused
    page = None
    if not problems:
        try:
            page = audit_log.search_audit(unit_of_work(request), visitor.actor, patient_id=search.patient_id,
                                          user_id=search.user_id, action=search.action, since=search.since,
                                          until=search.until, cursor=cursor or None, limit=PAGE_SIZE)
        except InputError as exc:
            problems.append(problem_of(exc, "The list's position" if exc.field == "cursor" else LABELS.get(exc.field)))
    entries = [(entry, entry.at.astimezone(UTC)) for entry in page.items] if page else []
    return render(request, "admin/audit.html", {
        "values": values, "problems": problems, "labels": LABELS, "page": page, "entries": entries,
        "since_day": search.since.date() if search.since else None,
        "until_day": (search.until - timedelta(days=1)).date() if search.until else None,
        "names": {account.id: account.name for account in accounts}, "accounts": accounts,
        "clinic_id": visitor.actor.clinic_id, "known_actions": KNOWN_ACTIONS, "nav": "admin"},
        422 if problems else 200)


@router.get("")
def audit_page(
    request: Request, visitor: VisitorDep,
    since: str = "", until: str = "", user: str = "", action: str = "", patient: str = "",
    cursor: str | None = None,
) -> Response:
    """Return one page of the clinic's audit entries matching the filters, newest first.

    Raises ``PermissionDenied`` (the 403 page) unless the visitor is an administrator; bad filters are
    form errors naming the field (422).
    """
    values = {"since": since, "until": until, "user": user, "action": action, "patient": patient}
    return _audit_page(request, visitor, values, cursor, [])


@router.get("/export")
def export(request: Request, visitor: VisitorDep, since: str = "", until: str = "",
           fmt: Annotated[str, Query(alias="format")] = "csv") -> Response:
    """Stream the clinic's entries from ``since`` to ``until`` (days, UTC, both inclusive), oldest first.

    The export is audited before its first line (``services.audit_export``). Raises ``PermissionDenied``
    unless an administrator; a bad day or format is the audit page with the problem named (422).
    """
    values = {"since": since, "until": until, "user": "", "action": "", "patient": ""}
    search, problems = _search(values)
    if not problems:
        try:
            lines = audit_export.export_audit(unit_of_work(request), visitor.actor, fmt[:20], since=search.since,
                                              until=search.until)
        except InputError as exc:
            problems.append(problem_of(exc, "Export format" if exc.field == "format" else LABELS.get(exc.field)))
    if problems:
        return _audit_page(request, visitor, values, None, problems)
    name = f"audit-{visitor.actor.clinic_id}.{fmt}"
    # A plain iterator: Starlette reads it in its thread pool, so the batches' reads stay off the event loop.
    return StreamingResponse(lines, media_type=audit_export.FORMATS[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      "Cache-Control": "no-store"})
