"""Patients on the portal in the web tests: invite one as the demo clinician, follow the link, sign in."""

from __future__ import annotations

from typing import Any

from web_world import Browser, Site, csrf_token

from acupath.services import patients
from acupath.services.actor import Actor, Role
from acupath.services.portal import invitations
from web_clinic import EMAILS

#: A password the policy accepts, used by every portal test patient.
PATIENT_PASSWORD = "harbour tide lantern 42"


def clinician(site: Site, persona: str = "clinician") -> Actor:
    """Return the ``Actor`` of a staff persona of ``web_clinic``."""
    with site.uow_factory() as uow:
        user = uow.users.get_by_email(EMAILS[persona])
    return Actor(user_id=user.id, clinic_id=user.clinic_id, role=Role(user.role), remote_address="test")


def demo_patients(site: Site, count: int) -> list[Any]:
    """Return ``count`` patients of the demo clinic (the first of its patient list)."""
    listed = patients.list_patients(site.uow_factory(), clinician(site))
    return list(listed.items[:count])


def invite(site: Site, patient_id: str) -> str:
    """Invite the demo clinic's patient as its clinician; return the link's path (``/portal/link?token=``)."""
    invitation = invitations.invite_patient(site.uow_factory(), clinician(site), patient_id)
    return f"/portal/link?token={invitation.token}"


def set_up(site: Site, patient_id: str, email: str, password: str = PATIENT_PASSWORD) -> Browser:
    """Invite the patient, set their email and password from the link; return their signed-in browser."""
    browser = Browser(site.client())
    link = invite(site, patient_id)
    page = browser.get(link)
    assert page.status_code == 200, page.text
    token = link.split("=", 1)[1]
    done = browser.client.post("/portal/link/password", data={
        "csrf_token": csrf_token(page.text), "token": token, "email": email, "password": password},
        follow_redirects=False)
    assert done.status_code == 303, done.text
    return browser


def portal_sign_in(site: Site, email: str, password: str = PATIENT_PASSWORD) -> Browser:
    """Return a new browser signed in to the portal with email and password."""
    browser = Browser(site.client())
    done = browser.post_form("/portal/sign-in", "/portal/sign-in", {"email": email, "password": password})
    assert done.status_code == 303, done.text
    return browser
