"""The documents that leave the clinic, as PDF: plan, progress, NCD 30.3.3, referral, superbill, record.

``document_pdf(uow, actor, patient_id, kind, kb)`` is what the web pages, the API and the CLI call: it
gathers the document's contents through ``services.documents.gather`` (one audited read, the role rules)
and renders them; ``own_record_pdf(uow, patient, kb)`` is the patient portal's download of the whole
record for a signed-in ``PatientActor``. ``render(data, kb)`` is the pure part: ``DocumentData`` to PDF
bytes through a Jinja2 template (``templates/<kind>.html`` over ``base.html``) and WeasyPrint
(``pdf.write_pdf``: A4, a running header with the clinic and the patient, "Page X of Y", dates in the
clinic's locale, charts as inline SVG).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from acupath.reports.documents.html import document_html
from acupath.reports.documents.pdf import write_pdf
from acupath.services import documents
from acupath.services.actor import Actor
from acupath.services.documents.records import DocumentData
from acupath.services.patient_actor import PatientActor
from acupath.services.unit_of_work import AbstractUnitOfWork

#: The media type every document is served as.
MEDIA_TYPE = "application/pdf"


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered document: its kind, a file name without patient names, and the PDF's bytes."""

    kind: str
    filename: str
    pdf: bytes


def filename(data: DocumentData) -> str:
    """Return ``acupath-<kind>-<MRN or the id's first 8 characters>-<date>.pdf``: no name, so a file list
    or a proxy's log line shows no patient's name."""
    patient = data.header.patient
    label = "".join(c if c.isalnum() or c in "-_" else "-" for c in (patient.mrn or patient.id[:8]))
    return f"acupath-{data.kind}-{label}-{data.header.prepared_on.isoformat()}.pdf"


def render(data: DocumentData, kb: Any) -> RenderedDocument:
    """Return the PDF of ``data``. Raises nothing for data the services gathered."""
    return RenderedDocument(kind=data.kind, filename=filename(data), pdf=write_pdf(document_html(data, kb)))


def document_pdf(uow: AbstractUnitOfWork, actor: Actor, patient_id: str, kind: str, kb: Any,
                 *, today: date | None = None) -> RenderedDocument:
    """Return the document ``kind`` of the clinic's patient as PDF (audited as ``report.render``).

    Raises what ``services.documents.gather`` raises: ``InputError`` (unknown ``kind``),
    ``PermissionDenied``, ``NotFound``, ``Conflict`` (the document cannot be made; the message says why).
    """
    return render(documents.gather(uow, actor, patient_id, kind, kb, today=today), kb)


def own_record_pdf(uow: AbstractUnitOfWork, patient: PatientActor, kb: Any, *, today: date | None = None
                   ) -> RenderedDocument:
    """Return the signed-in patient's whole record as PDF (the portal's download; audited as their read).

    Raises ``NotFound`` when the patient is no longer in their clinic.
    """
    return render(documents.gather_own_record(uow, patient, kb, today=today), kb)
