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
from acupath.web.pages import web_state
from acupath.web.portal.pages import PortalRoute, render_portal
from acupath.web.portal.visitor import PortalVisitorDep
from acupath.web.visitor import unit_of_work

router = APIRouter(prefix="/portal", route_class=PortalRoute, include_in_schema=False)

#: What each audited action means, as the access log tells the patient.
ACTIONS = {
    "patient.read": "Opened your details", "patient.update": "Changed your details",
    "patient.register": "Registered you", "patient.list": "Listed patients",
    "intake.read": "Read your intake", "intake.record": "Recorded your intake",
    "screening.read": "Read your safety screening", "screening.create": "Screened your intake for safety",
    "plan.read": "Read your plan", "plan.create": "Made your plan", "plan.amend": "Changed your plan",
    "session.record": "Recorded a session", "session.amend": "Corrected a session",
    "session.draft": "Prepared a session", "adverse_event.record": "Recorded a side effect",
    "adverse_event.amend": "Corrected a side effect", "reassessment.record": "Recorded your questionnaires",
    "reassessment.amend": "Corrected your questionnaires", "progress.read": "Read your progress",
    "schedule.read": "Read your appointments", "clinic_day.read": "Looked at the day's list",
    "portal.invite": "Invited you to the portal", "portal.revoke": "Closed your portal access",
    "portal.status": "Looked at your portal access", "audit.search": "Looked at who read your record",
    "audit.export": "Exported the clinic's access log",
    # The lists, reports and portal actions, each in words too: "report: render (refused)" said nothing.
    "intake.list": "Read your intakes", "plan.list": "Read your plans", "plan.history": "Read your plan's history",
    "session.list": "Read your sessions", "adverse_event.list": "Read your side effects",
    "reassessment.list": "Read your questionnaires", "report.render": "Made a document of your record (PDF)",
    "report.list": "Checked which documents of your record can be made",
    "homework.start": "Gave you homework", "homework.read": "Read how your homework is going",
    "questionnaire.assign": "Asked you to fill in a questionnaire",
    "questionnaire.cancel": "Withdrew a questionnaire", "questionnaire.list": "Read your questionnaires",
    "urgent_task.list": "Looked at the safety answers to follow up",
    "urgent_task.read": "Read your safety answer", "urgent_task.resolve": "Followed up your safety answer",
    "fhir.read": "Read your record for another system (FHIR)", "fhir.import": "Imported your record (FHIR)",
    "fhir.export.start": "Exported the clinic's records (FHIR)",
    "portal.sign_in": "Signed in to the portal", "portal.password_set": "Set the portal password",
    "portal.patient_read": "Opened the portal", "portal.plan_read": "Read your plan on the portal",
    "portal.homework.read": "Looked at your homework", "portal.questionnaire.list": "Looked at your questionnaires",
    "portal.questionnaire.read": "Opened a questionnaire", "portal.questionnaire.answer": "Answered a question",
    "portal.questionnaire.complete": "Sent a questionnaire", "portal.access_log_read": "Looked at who read your record",
    "portal.record_export": "Downloaded your record",
}


def action_words(action: str) -> str:
    """Return what ``action`` means in plain words (the action itself when it is not listed)."""
    return ACTIONS.get(action, action.replace("_", " ").replace(".", ": "))


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
