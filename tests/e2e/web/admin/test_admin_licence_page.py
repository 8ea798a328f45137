"""The administrators' licence and qualifications form: filled from the account, saved, refused naming the box."""

from __future__ import annotations

import html
from datetime import date

from admin_world import USERS, account
from web_world import Site

from web_clinic import EMAILS


def _form(site: Site, email: str) -> str:
    return f"{USERS}/{account(site, email).id}/licence"


def test_the_form_shows_the_stored_licence_and_saves_a_change(site: Site) -> None:
    admin = site.as_("admin")
    path = _form(site, EMAILS["clinician"])
    page = admin.get(path)
    assert page.status_code == 200
    assert 'value="SYNTHETIC-AC-10482"' in page.text and 'value="2027-12-31"' in page.text
    assert 'id="q1-text" name="q1-text" type="text" value="Dipl. Ac. (NCCAOM)"' in html.unescape(page.text)
    saved = admin.post_form(path, path, {"number": "SYNTHETIC-AC-10482", "authority": "Demo State Acupuncture "
                                         "Board (synthetic)", "expires": "2029-12-31",
                                         "q0-text": "L.Ac.", "q0-issuer": "", "q0-year": "",
                                         "q1-text": "", "q1-issuer": "", "q1-year": "",
                                         "q2-text": "PhD Acupuncture", "q2-issuer": "Demo University (synthetic)",
                                         "q2-year": "2020", "q3-text": "", "q3-issuer": "", "q3-year": ""})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/clinic/admin/users?done=licence")
    stored = account(site, EMAILS["clinician"])
    assert stored.licence_expires == date(2029, 12, 31)
    assert [(q.text, q.year) for q in stored.qualifications] == [("L.Ac.", None), ("PhD Acupuncture", 2020)]
    assert "The licence and qualifications of Dr Mei Lee are saved." in admin.get(saved.headers["location"]).text


def test_a_bad_box_is_named_and_nothing_is_saved(site: Site) -> None:
    admin = site.as_("admin")
    path = _form(site, EMAILS["clinician"])
    before = account(site, EMAILS["clinician"])
    for fields, box in (({"expires": "2027-02-30"}, "expires"), ({"number": "x" * 65}, "number"),
                        ({"q0-text": "L.Ac.", "q1-text": "", "q1-issuer": "NCCAOM", "q1-year": ""}, "q1-text"),
                        ({"q0-text": "L.Ac.", "q0-year": "1492"}, "q0-year"),
                        ({"q0-text": "L.Ac.", "q0-issuer": "NCC\x07AOM"}, "q0-issuer")):
        answer = admin.post_form(path, path, fields)
        assert answer.status_code == 422, answer.text
        assert f'<a href="#{box}">' in answer.text and 'aria-invalid="true"' in answer.text
        assert f"#{box}\">{box}" not in answer.text  # each box named by its label, not its id
    after = account(site, EMAILS["clinician"])
    assert (after.licence_expires, after.qualifications) == (before.licence_expires, before.qualifications)


def test_only_administrators_of_the_clinic_reach_the_form(site: Site) -> None:
    path = _form(site, EMAILS["clinician"])
    assert site.as_("clinician").get(path).status_code == 403
    assert site.as_("admin").get(_form(site, EMAILS["outsider"])).status_code == 404
    forged = site.as_("admin").client.post(path, data={"number": "FORGED"}, follow_redirects=False)
    assert forged.status_code == 403
    assert account(site, EMAILS["clinician"]).licence_number != "FORGED"
