"""The patient's rights over their record: who read it (their access log), and a copy of all of it.

``/portal/record`` offers both; ``/portal/record/access`` pages the access log (newest first, staff by
name and role); ``/portal/record.json`` downloads the whole record as one JSON file
(``services.portal.record_export``) and ``/portal/record.pdf`` as a printable PDF
(``reports.documents.own_record_pdf``).
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from acupath.reports.documents import MEDIA_TYPE, own_record_pdf
from acupath.services.portal import own_record, record_export
from acupath.web.audit_actions import action_words
from acupath.web.pages import web_state
from acupath.web.portal.pages import PortalRoute, render_portal
from acupath.web.portal.visitor import PortalVisitorDep
from acupath.web.visitor import unit_of_work

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)

@router.get("/record")
async def record(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the page of the patient's rights: the access log and the download."""
    who = await run_in_threadpool(own_record.portal_patient, unit_of_work(request), visitor.patient)
    return render_portal(request, "portal/record.html", {"who": who, "nav": "record", "record_pdf": "/portal/record.pdf"})


@router.get("/record/access")
async def access(request: Request, visitor: PortalVisitorDep,
                 cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Return one page of who read or changed the patient's record, newest first."""
    page = await run_in_threadpool(own_record.access_log, unit_of_work(request), visitor.patient, cursor)
    rows = [{"entry": entry, "what": action_words(entry.action)} for entry in page.items]
    return render_portal(request, "portal/access.html", {"page": page, "rows": rows, "nav": "record",
                                                         "first": cursor is None})


@router.get("/record.json")
async def download(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the patient's whole record as a JSON file to save."""
    document = await run_in_threadpool(record_export.export_record, unit_of_work(request), visitor.patient)
    body = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(body, media_type="application/json", headers={
        "content-disposition": 'attachment; filename="my-health-record.json"'})


@router.get("/record.pdf")
async def download_pdf(request: Request, visitor: PortalVisitorDep) -> Response:
    """Return the patient's whole record as a PDF file (the clinic's ``record`` document)."""
    state = web_state(request)
    document = await run_in_threadpool(own_record_pdf, unit_of_work(request), visitor.patient, state.kb,
                                       today=state.clock().date())
    return Response(document.pdf, media_type=MEDIA_TYPE,
                    headers={"content-disposition": f'attachment; filename="{document.filename}"'})
