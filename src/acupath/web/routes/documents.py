"""A patient's documents as PDF from the pages: ``/clinic/patients/{id}/documents/{kind}.pdf``.

The chart, plan and progress pages link each document (``templates/documents/links.html``). The PDF
is made by ``reports.documents.document_pdf`` (the same as the API's and the CLI's, audited as
``report.render``) and sent as an attachment, never cached. Reception gets the 403 page, another
clinic's patient the 404 page, an unknown kind the 422 page; a document that cannot be made for this
patient (no plan, no session, no red flag for a referral, a plan NCD 30.3.3 does not cover) gets a 409
page that says why.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from acupath.errors import Conflict
from acupath.reports.documents import MEDIA_TYPE, document_pdf
from acupath.services import documents
from acupath.services.actor import Actor
from acupath.web.pages import PageRoute, error_page, web_state
from acupath.web.visitor import VisitorDep, unit_of_work

router = APIRouter(prefix="/clinic/patients", route_class=PageRoute, include_in_schema=False)


@router.get("/{patient_id}/documents/{kind}.pdf")
def document(request: Request, patient_id: str, kind: str, visitor: VisitorDep) -> Response:
    """Return the patient's document ``kind`` as a PDF attachment; the error pages otherwise."""
    state = web_state(request)
    try:  # dated by the pages' clock, as every page's "today" is
        rendered = document_pdf(unit_of_work(request), visitor.actor, patient_id, kind, state.kb,
                                today=state.clock().date())
    except Conflict as refusal:
        return error_page(request, 409, "This document cannot be made",
                          f"{str(refusal)[:1].upper()}{str(refusal)[1:]}. Go back to the patient's chart.")
    return Response(rendered.pdf, media_type=MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"',
                             "Cache-Control": "no-store"})


def refused_documents(request: Request, actor: Actor, patient_id: str) -> dict[str, str]:
    """Return the documents that cannot be made for the patient now, each with why: the pages link only
    the others (a link to a refusal downloaded an error page named ``referral.pdf``)."""
    return documents.unavailable(unit_of_work(request), actor, patient_id, web_state(request).kb)
