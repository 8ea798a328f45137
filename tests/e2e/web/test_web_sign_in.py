"""Signing in and out through the pages, and the CSRF token every form must carry."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from web_world import Browser, Site

from acupath.web.routes import ROUTERS
from web_clinic import EMAILS, PASSWORD


def test_the_root_sends_a_visitor_to_sign_in_and_a_signed_in_user_to_todays_list(site: Site) -> None:
    assert site.client().get("/", follow_redirects=False).headers["location"] == "/sign-in"
    clinician = site.as_("clinician")
    assert clinician.get("/").headers["location"] == "/clinic/today"


def test_a_page_asked_for_while_signed_out_comes_back_after_signing_in(site: Site) -> None:
    client = site.client()
    asked = client.get("/clinic/patients?q=Lee", follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == "/sign-in?next=%2Fclinic%2Fpatients%3Fq%3DLee"
    signed = Browser(client).post_form("/sign-in", asked.headers["location"], {
        "email": EMAILS["clinician"], "password": PASSWORD, "next": "/clinic/patients?q=Lee"})
    assert signed.headers["location"] == "/clinic/patients?q=Lee"


def test_sign_in_never_sends_anyone_to_another_site(site: Site) -> None:
    signed = Browser(site.client()).post_form("/sign-in", "/sign-in", {
        "email": EMAILS["clinician"], "password": PASSWORD, "next": "//evil.example/clinic/x"})
    assert signed.headers["location"] == "/clinic/today"


def test_a_wrong_password_shows_the_form_again_with_the_email_kept_and_one_message(site: Site) -> None:
    client = site.client()
    wrong = Browser(client).post_form("/sign-in", "/sign-in", {"email": EMAILS["clinician"],
                                                               "password": "not the password"})
    assert wrong.status_code == 400
    assert 'href="#email">The email or password is wrong' in wrong.text
    assert f'value="{EMAILS["clinician"]}"' in wrong.text
    assert "acupath_session" not in client.cookies


def test_an_empty_sign_in_form_names_both_fields(site: Site) -> None:
    empty = Browser(site.client()).post_form("/sign-in", "/sign-in", {"email": "", "password": ""})
    assert empty.status_code == 400
    assert 'href="#email">Enter your email address' in empty.text
    assert 'href="#password">Enter your password' in empty.text


def test_the_session_cookie_is_http_only_lax_and_secure(site: Site) -> None:
    signed = Browser(site.client()).post_form("/sign-in", "/sign-in", {"email": EMAILS["clinician"],
                                                                       "password": PASSWORD})
    cookie = next(c for c in signed.headers.get_list("set-cookie") if c.startswith("acupath_session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie


def test_forms_without_their_csrf_token_are_refused(site: Site) -> None:
    client = site.client()
    client.get("/sign-in")  # the CSRF cookie is set, but the form below does not carry its token
    refused = client.post("/sign-in", data={"email": EMAILS["clinician"], "password": PASSWORD})
    assert refused.status_code == 403
    assert "acupath_session" not in client.cookies
    clinician = site.as_("clinician")
    forged = clinician.client.post("/clinic/patients/new", data={
        "csrf_token": "0" * 64, "given_name": "Forged", "family_name": "Post", "birth_date": "1970-01-01",
        "sex": "female"}, follow_redirects=False)
    assert forged.status_code == 403
    assert "No patient matches" in clinician.get("/clinic/patients?q=Forged").text
    assert clinician.client.post("/sign-out", data={}, follow_redirects=False).status_code == 403


def test_signing_out_ends_the_session_at_once(site: Site) -> None:
    clinician = site.as_("clinician")
    cookie = clinician.client.cookies["acupath_session"]
    out = clinician.post_form("/sign-out", "/clinic/today", {})
    assert out.headers["location"] == "/sign-in?signed_out=1"
    replay = site.client()
    replay.cookies.set("acupath_session", cookie)
    reused = replay.get("/clinic/today", follow_redirects=False)
    assert reused.status_code == 303 and reused.headers["location"].startswith("/sign-in")


def test_a_control_character_in_the_email_is_a_form_error_not_a_500(site: Site) -> None:
    answer = Browser(site.client()).post_form("/sign-in", "/sign-in", {"email": "lee\x00@harbour.demo",
                                                                       "password": PASSWORD})
    assert answer.status_code == 400
    assert '<a href="#email">Email: remove the control character' in answer.text


def test_the_sign_in_page_sends_a_signed_in_user_on(site: Site) -> None:
    assert site.as_("clinician").get("/sign-in").headers["location"] == "/clinic/today"


def test_every_page_but_sign_in_sends_a_visitor_who_is_not_signed_in_to_sign_in(site: Site) -> None:
    public = {"/", "/sign-in"}
    pages = [(method, route.path) for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)
             for method in sorted(route.methods or ()) if route.path not in public]
    assert len(pages) >= 6
    client = site.client()
    client.get("/sign-in")  # a CSRF cookie, so that a refusal is about the login, not the token
    for method, path in pages:
        concrete = re.sub(r"\{[^}]+\}", "f" * 32, path)
        if method == "GET":
            answer = client.get(concrete, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in"), path
        else:
            answer = client.request(method, concrete, follow_redirects=False)
            assert answer.status_code in (303, 403), path
            assert answer.status_code == 403 or answer.headers["location"].startswith("/sign-in"), path


def test_an_htmx_request_without_a_login_is_told_to_load_the_sign_in_page(site: Site) -> None:
    answer = site.client().get("/clinic/patients?q=Lee", headers={"HX-Request": "true"}, follow_redirects=False)
    assert answer.status_code == 200
    assert answer.headers["hx-redirect"] == "/sign-in?next=%2Fclinic%2Fpatients%3Fq%3DLee"


def refused_pages(site: Site, clinic_id: str | None) -> list[tuple[str, str]]:
    """Return (route, reason) of the audit's refused-login entries of ``clinic_id`` (None: of no clinic)."""
    uow = site.uow_factory()
    with uow:
        entries = uow.audit.list(clinic_id, limit=100_000)
    return [(e.record_id or "", e.detail) for e in entries if e.action == "request.refused"]


def test_a_page_refused_for_its_login_is_audited_like_the_apis_401s(site: Site) -> None:
    clinician = site.as_("clinician")
    cookie = clinician.client.cookies["acupath_session"]
    clinician.post_form("/sign-out", "/clinic/today", {})
    before = len(refused_pages(site, site.demo["clinic_id"]))
    replay = site.client()
    replay.cookies.set("acupath_session", cookie)
    assert replay.get("/clinic/patients/" + "a" * 32, follow_redirects=False).status_code == 303
    revoked = refused_pages(site, site.demo["clinic_id"])[before:]
    assert revoked[0][0] == "GET /clinic/patients/{patient_id}" and "revoked" in revoked[0][1]
    forged = site.client()
    forged.cookies.set("acupath_session", "not-a-token")
    assert forged.get("/clinic/today", follow_redirects=False).status_code == 303
    assert refused_pages(site, None)[-1][0] == "GET /clinic/today"
