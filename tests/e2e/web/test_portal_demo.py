"""The demo clinic's portal (``acupath demo``): a patient who set a password, and a pending invitation."""

from __future__ import annotations

from portal_world import portal_sign_in
from web_world import Browser, Site

from web_clinic import PASSWORD


def test_the_demo_patient_signs_in_with_the_printed_login(site: Site) -> None:
    portal = site.demo["portal"]
    assert portal["email"] == "olivia.nguyen@patient.demo" and portal["password"] == PASSWORD
    home = portal_sign_in(site, portal["email"], portal["password"]).get("/portal")
    assert home.status_code == 200 and "Hello Olivia" in home.text


def test_the_demo_has_one_pending_invitation_printed_as_a_link(site: Site) -> None:
    link = site.demo["portal"]["invitation"]
    assert link.startswith("http://127.0.0.1:8000/portal/link?token=")
    path = link.removeprefix("http://127.0.0.1:8000")
    page = Browser(site.client()).get(path)
    # The web tests build the demo 27 weeks before their today, so its 7-day link has expired here;
    # the page says so rather than failing.
    assert page.status_code == 404 and "This link does not work" in page.text
