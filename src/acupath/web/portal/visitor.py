"""Who is on a portal page: the patient of the portal cookie, checked against the stored sign-in.

``PortalVisitorDep`` gives the ``PortalVisitor`` (its ``patient`` is the ``PatientActor`` every portal
service takes); without a sign-in that still counts, the page answers with the portal's sign-in page
(``PortalNotSignedIn``). The staff session cookie counts for nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from acupath.errors import NotAuthenticated
from acupath.services.patient_actor import PatientActor
from acupath.services.portal import own_record, signing_in
from acupath.web.pages import web_state
from acupath.web.state import WebState
from acupath.web.visitor import remote_address

#: The portal's cookie: the sign-in token, sent by the browser only under ``/portal``.
PORTAL_COOKIE = "acupath_portal"
PORTAL_PATH = "/portal"


class PortalNotSignedIn(Exception):
    """The request has no portal sign-in that counts: the page answers with the portal's sign-in page."""


@dataclass(frozen=True)
class PortalVisitor:
    """A signed-in patient on a portal page: the ``PatientActor`` and the cookie's token (for sign-out)."""

    patient: PatientActor
    token: str


def _locale(state: WebState, patient: PatientActor) -> str:
    # The clinic's locale, kept a minute as the clinic's pages keep it (``web.locales.REFRESH``).
    from acupath.web.locales import REFRESH

    now = state.clock()
    kept = state.locales.get(patient.clinic_id)
    if kept is not None and now - kept[1] < REFRESH:
        return kept[0]
    locale = own_record.clinic_locale(state.uow_factory(), patient)
    state.locales[patient.clinic_id] = (locale, now)
    return locale


def portal_visitor(request: Request) -> PortalVisitor:
    """Return the signed-in patient; raise ``PortalNotSignedIn`` when the portal cookie does not count.

    A plain ``def``: FastAPI runs it in its thread pool, as it asks the database (one unit of work).
    """
    state = web_state(request)
    token = request.cookies.get(PORTAL_COOKIE, "")
    try:
        patient = signing_in.check_sign_in(state.uow_factory(), token, remote_address(request), state.portal_times)
    except NotAuthenticated:
        raise PortalNotSignedIn from None
    found = PortalVisitor(patient=patient, token=token)
    request.state.portal_visitor = found
    request.state.locale = _locale(state, patient)
    return found


PortalVisitorDep = Annotated[PortalVisitor, Depends(portal_visitor)]
