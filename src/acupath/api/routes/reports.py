"""A patient's documents as PDF (clinicians and admins): ``GET /patients/{id}/reports/{kind}.pdf``.

``kind`` is one of ``services.documents.KINDS``; an unknown one is 422 naming ``kind``, another
clinic's patient 404, reception 403, and a document that cannot be made for this patient (no plan, no
session, no red flag for a referral, a plan NCD 30.3.3 does not cover) 409 with the reason. Every
rendering is audited (``report.render``). The PDF is sent as an attachment with a file name that holds
no patient name, and never cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from acupath.api.deps import SignedInDep
from acupath.reports.documents import MEDIA_TYPE, document_pdf

router = APIRouter(tags=["documents"])


@router.get("/patients/{patient_id}/reports/{kind}.pdf", summary="A patient's document as PDF",
            response_class=Response,
            responses={200: {"content": {MEDIA_TYPE: {}}, "description": "The PDF."},
                       409: {"description": "The document cannot be made for this patient (the detail says why)."}})
def get_report(signed: SignedInDep, patient_id: str, kind: str) -> Response:
    """Return the document ``kind`` (plan, progress, ncd, referral, superbill, record) of the patient as PDF."""
    rendered = document_pdf(signed.uow, signed.actor, patient_id, kind, signed.kb)
    return Response(rendered.pdf, media_type=MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"',
                             "Cache-Control": "no-store"})
