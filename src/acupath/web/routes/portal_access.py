"""The clinic's side of the patient portal on the chart: invite a patient, show the link, revoke access.

``POST /clinic/patients/{id}/portal/invite`` makes a new single-use link (``services.portal.
invitations``) and answers with a page showing it once, as a QR code (inline SVG, ``reports.qr_code``)
and as a URL to read out or copy; with SMTP configured (``ACUPATH_SMTP_*``) and "email it" ticked, it
is also sent to the patient's email. The token is in that page only: it is never stored, logged or put
in a redirect. ``POST .../portal/revoke`` closes the patient's access at once. Clinicians and
administrators only (the services refuse reception).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from acupath.reports.qr_code import qr_svg
from acupath.services.portal import invitations
from acupath.services.portal.mail import invitation_message
from acupath.web.locales import format_when
from acupath.web.pages import PageRoute, render, web_state
from acupath.web.visitor import CsrfFormDep, VisitorDep, unit_of_work

log = logging.getLogger(__name__)

router = APIRouter(prefix="/clinic/patients", route_class=PageRoute, include_in_schema=False)


def portal_base(request: Request) -> str:
    """Return the address patients open the portal at: ``ACUPATH_PORTAL_URL``, else this request's."""
    configured = web_state(request).portal_url
    return configured or str(request.base_url).rstrip("/")


@router.post("/{patient_id}/portal/invite")
async def invite(request: Request, patient_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Invite the patient: the page showing the new link as a QR code and a URL (and whether it was emailed)."""
    state = web_state(request)
    invitation = await run_in_threadpool(invitations.invite_patient, unit_of_work(request), visitor.actor,
                                         patient_id, state.portal_times)
    url = f"{portal_base(request)}/portal/link?token={invitation.token}"
    emailed: bool | None = None
    patient = invitation.patient
    if form.get("email") == "yes" and state.link_sender is not None and patient.email:
        locale = getattr(request.state, "locale", None)
        message = invitation_message(patient.email, patient.given_name, invitation.clinic_name,
                                     url, format_when(invitation.expires_at, locale))
        try:
            await run_in_threadpool(state.link_sender.send, message)
            emailed = True
        except OSError as exc:  # smtplib's errors are OSErrors; no address or patient data in the log
            log.warning("a portal invitation could not be emailed (%s)", type(exc).__name__)
            emailed = False
    return render(request, "patients/portal_invitation.html", {
        "patient": patient, "url": url, "expires_at": invitation.expires_at, "emailed": emailed,
        "qr": qr_svg(url, f"QR code of the portal invitation for {patient.given_name} {patient.family_name}")})


@router.post("/{patient_id}/portal/revoke")
async def revoke(request: Request, patient_id: str, form: CsrfFormDep, visitor: VisitorDep) -> Response:
    """Revoke the patient's portal access; back to the chart, which says so."""
    await run_in_threadpool(invitations.revoke_access, unit_of_work(request), visitor.actor, patient_id)
    return RedirectResponse(f"/clinic/patients/{patient_id}?portal=revoked#portal-title", status_code=303)
