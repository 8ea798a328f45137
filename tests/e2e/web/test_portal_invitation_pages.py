"""The clinic's side of the portal on the chart: invite (QR code and link, optionally emailed), the
portal's state, revoking access; who may."""

from __future__ import annotations

import dataclasses
import re

import pytest
from portal_world import clinician as staff
from portal_world import demo_patients, portal_sign_in, set_up
from web_world import Browser, Site, csrf_token

from acupath.services import patients as patient_service
from acupath.services.portal.mail import LinkMessage, LinkSender


class KeptMail(LinkSender):
    """A sender that keeps what it is asked to send (the SMTP sender is tested on its own)."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[LinkMessage] = []
        self.fail = fail

    def send(self, message: LinkMessage) -> None:
        if self.fail:
            raise ConnectionRefusedError("no SMTP server")
        self.sent.append(message)


def _invite(browser: Browser, patient_id: str, **fields: str):
    chart = f"/clinic/patients/{patient_id}"
    return browser.post_form(f"{chart}/portal/invite", chart, fields)


def _link(page_text: str) -> str:
    found = re.search(r'value="(https://testserver/portal/link\?token=[^"]+)"', page_text)
    assert found, "the invitation page shows no link"
    return found.group(1).removeprefix("https://testserver")


def test_the_chart_offers_the_invitation_and_the_invitation_shows_a_qr_code_and_the_link(site: Site) -> None:
    patient = demo_patients(site, 6)[5]
    clinician = site.as_("clinician")
    chart = clinician.get(f"/clinic/patients/{patient.id}")
    assert "Patient portal" in chart.text and "Invite to the portal" in chart.text
    shown = _invite(clinician, patient.id)
    assert shown.status_code == 200
    assert '<svg role="img" viewBox=' in shown.text and 'class="qr-code"' in shown.text and "<title>QR code of the portal invitation" in shown.text
    link = _link(shown.text)
    assert Browser(site.client()).get(link).status_code == 200
    chart = clinician.get(f"/clinic/patients/{patient.id}")
    assert "An invitation link is open until" in chart.text and "Send a new invitation link" in chart.text


def test_reception_may_not_invite_and_another_clinic_finds_no_such_patient(site: Site) -> None:
    patient = demo_patients(site, 6)[5]
    assert _invite(site.as_("reception"), patient.id).status_code == 403
    assert _invite(site.as_("outsider"), patient.id).status_code == 404


def test_revoking_access_signs_the_patient_out_and_the_chart_says_so(site: Site) -> None:
    patient = demo_patients(site, 7)[6]
    set_up(site, patient.id, "revoked.patient@example.org")
    signed_in = portal_sign_in(site, "revoked.patient@example.org")
    clinician = site.as_("clinician")
    chart = f"/clinic/patients/{patient.id}"
    revoked = clinician.post_form(f"{chart}/portal/revoke", chart, {})
    assert revoked.status_code == 303
    assert "Portal access is revoked" in clinician.get(revoked.headers["location"]).text
    assert signed_in.get("/portal").headers["location"] == "/portal/sign-in"
    refused = Browser(site.client()).post_form("/portal/sign-in", "/portal/sign-in", {
        "email": "revoked.patient@example.org", "password": "harbour tide lantern 42"})
    assert refused.status_code == 400


@pytest.mark.parametrize("fail", [False, True])
def test_with_smtp_the_link_can_be_emailed_and_a_failure_is_said(site: Site, fail: bool) -> None:
    patient = demo_patients(site, 8)[7]
    if not patient.email:
        patient = patient_service.update_patient(site.uow_factory(), staff(site), patient.id,
                                                 {"email": "mail.patient@example.org"}, patient.version)
    mail = KeptMail(fail=fail)
    state = site.app.state.acupath_web
    site.app.state.acupath_web = dataclasses.replace(state, link_sender=mail)
    try:
        clinician = site.as_("clinician")
        chart = clinician.get(f"/clinic/patients/{patient.id}")
        assert f"Also email the link to {patient.email}" in chart.text
        shown = clinician.client.post(f"/clinic/patients/{patient.id}/portal/invite", data={
            "csrf_token": csrf_token(chart.text), "email": "yes"}, follow_redirects=False)
    finally:
        site.app.state.acupath_web = state
    assert shown.status_code == 200
    if fail:
        assert "The email could not be sent" in shown.text and mail.sent == []
    else:
        assert f"The link was emailed to {patient.email}" in shown.text
        [message] = mail.sent
        assert message.to == patient.email and _link(shown.text) in message.body
        assert "Harbour Integrative Pain Clinic" in message.subject


def test_with_smtp_a_patient_can_ask_for_a_sign_in_link_and_the_answer_never_tells_who_has_an_account(
        site: Site) -> None:
    patient = demo_patients(site, 9)[8]
    set_up(site, patient.id, "link.by.mail@example.org")
    assert Browser(site.client()).get("/portal/email-link").status_code == 404  # no SMTP configured
    mail = KeptMail()
    state = site.app.state.acupath_web
    site.app.state.acupath_web = dataclasses.replace(state, link_sender=mail)
    try:
        assert "Email me a sign-in link" in Browser(site.client()).get("/portal/sign-in").text
        known = Browser(site.client()).post_form("/portal/email-link", "/portal/email-link",
                                                 {"email": "Link.By.Mail@example.org"})
        unknown = Browser(site.client()).post_form("/portal/email-link", "/portal/email-link",
                                                   {"email": "nobody.here@example.org"})
    finally:
        site.app.state.acupath_web = state
    assert known.status_code == unknown.status_code == 200
    assert "a sign-in link is on its way" in known.text and "a sign-in link is on its way" in unknown.text
    [message] = mail.sent
    assert message.to == "link.by.mail@example.org"
    link = re.search(r"https://testserver(/portal/link\?token=\S+)", message.body).group(1)
    browser = Browser(site.client())
    page = browser.get(link)
    assert page.status_code == 200 and "This link signs you in once" in page.text
    done = browser.client.post("/portal/link/sign-in", data={"csrf_token": csrf_token(page.text),
                                                             "token": link.split("=", 1)[1]}, follow_redirects=False)
    assert done.status_code == 303 and browser.get("/portal").status_code == 200
