"""The patient portal's sign-in through the pages: invitation links, passwords, cookies, CSRF, sign-out."""

from __future__ import annotations

import pytest
from portal_world import PATIENT_PASSWORD, demo_patients, invite, portal_sign_in, set_up
from web_world import Browser, Site, csrf_token

FIRST = "first.patient@example.org"


@pytest.fixture(scope="module")
def first(site: Site) -> str:
    """The email of the first demo patient, set up on the portal (once per module and test worker)."""
    set_up(site, demo_patients(site, 1)[0].id, FIRST)
    return FIRST


def test_an_invitation_link_sets_the_password_and_opens_the_portal(site: Site) -> None:
    patient = demo_patients(site, 10)[9]
    browser = set_up(site, patient.id, "tenth.patient@example.org")
    home = browser.get("/portal")
    assert home.status_code == 200
    assert f"Hello {patient.given_name}" in home.text
    again = portal_sign_in(site, "Tenth.Patient@example.org")  # the email as typed, any case
    assert again.get("/portal").status_code == 200


def test_the_portal_cookie_is_http_only_secure_lax_and_sent_only_under_portal(site: Site) -> None:
    patient = demo_patients(site, 2)[1]
    browser = Browser(site.client())
    link = invite(site, patient.id)
    page = browser.get(link)
    done = browser.client.post("/portal/link/sign-in", data={"csrf_token": csrf_token(page.text),
                                                             "token": link.split("=", 1)[1]}, follow_redirects=False)
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("acupath_portal="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie and "Path=/portal" in cookie


def test_a_link_works_once(site: Site) -> None:
    patient = demo_patients(site, 3)[2]
    browser = Browser(site.client())
    link = invite(site, patient.id)
    page = browser.get(link)
    fields = {"csrf_token": csrf_token(page.text), "token": link.split("=", 1)[1]}
    assert browser.client.post("/portal/link/sign-in", data=fields, follow_redirects=False).status_code == 303
    other = Browser(site.client())
    assert other.get(link).status_code == 404
    assert "This link does not work" in other.get(link).text


def test_a_new_invitation_replaces_the_old_link(site: Site) -> None:
    patient = demo_patients(site, 4)[3]
    old = invite(site, patient.id)
    new = invite(site, patient.id)
    browser = Browser(site.client())
    assert browser.get(old).status_code == 404
    assert browser.get(new).status_code == 200


def test_a_weak_password_is_refused_naming_the_field_and_the_link_still_works(site: Site) -> None:
    patient = demo_patients(site, 5)[4]
    browser = Browser(site.client())
    link = invite(site, patient.id)
    page = browser.get(link)
    refused = browser.client.post("/portal/link/password", data={
        "csrf_token": csrf_token(page.text), "token": link.split("=", 1)[1], "email": "weak@example.org",
        "password": "short"}, follow_redirects=False)
    assert refused.status_code == 422
    assert 'href="#password">Password: must have at least 12 characters' in refused.text
    assert 'value="weak@example.org"' in refused.text
    assert browser.get(link).status_code == 200


def test_a_wrong_password_is_one_message_for_unknown_and_known_emails(site: Site, first: str) -> None:
    for email in (first, "nobody@example.org"):
        wrong = Browser(site.client()).post_form("/portal/sign-in", "/portal/sign-in",
                                                 {"email": email, "password": "not the password at all"})
        assert wrong.status_code == 400
        assert "The email or password is wrong" in wrong.text


def test_portal_forms_without_their_csrf_token_are_refused(site: Site, first: str) -> None:
    client = site.client()
    refused = client.post("/portal/sign-in", data={"email": first, "password": PATIENT_PASSWORD},
                          follow_redirects=False)
    assert refused.status_code == 403
    assert "acupath_portal" not in client.cookies


def test_signing_out_ends_the_sign_in_at_once(site: Site, first: str) -> None:
    browser = portal_sign_in(site, first)
    replay = site.client()  # a copy of the cookie, as a thief would hold it
    replay.cookies.set("acupath_portal", browser.client.cookies.get("acupath_portal"), path="/portal")
    assert replay.get("/portal", follow_redirects=False).status_code == 200
    out = browser.post_form("/portal/sign-out", "/portal", {})
    assert out.status_code == 303 and out.headers["location"] == "/portal/sign-in?signed_out=1"
    assert browser.get("/portal").headers["location"] == "/portal/sign-in"
    assert replay.get("/portal", follow_redirects=False).headers["location"] == "/portal/sign-in"


def test_the_staff_cookie_does_not_open_the_portal_nor_the_portal_cookie_a_clinic_page(site: Site, first: str) -> None:
    staff = site.as_("clinician")
    assert staff.get("/portal").headers["location"] == "/portal/sign-in"
    patient = portal_sign_in(site, first)
    assert patient.get("/clinic/today").headers["location"].startswith("/sign-in")
    assert patient.get("/patients").status_code == 401


def test_an_unknown_portal_page_is_the_portal_404(site: Site, first: str) -> None:
    patient = portal_sign_in(site, first)
    missing = patient.get("/portal/no-such-page")
    assert missing.status_code == 404 and "There is no such page in your portal" in missing.text
