"""The clinic settings page: administrators choose the locale by its examples, saved and audited at once;
an unknown locale is named and changes nothing; other roles get 403."""

from __future__ import annotations

import re

from web_world import Site

from acupath.services import audit_log, clinics
from acupath.services.actor import Actor, Role

PAGE = "/clinic/admin/clinic"
HEADING = re.compile(r'<h1>Today <span class="subtle">([^<]+)</span></h1>')


def _locale(site: Site) -> str:
    admin = Actor(user_id="clinic-page-test", clinic_id=site.demo["clinic_id"], role=Role.ADMIN)
    return clinics.clinic_settings(site.uow_factory(), admin).locale


def test_an_administrator_sees_each_locale_by_example_and_a_change_shows_at_once(site: Site) -> None:
    admin = site.as_("admin")
    page = admin.get(PAGE)
    assert page.status_code == 200
    assert "Harbour" in page.text and 'value="en-GB" checked' in page.text
    for locale in clinics.LOCALES:
        assert f'value="{locale}"' in page.text
    assert "1,234.5" in page.text and "1.234,5" in page.text  # en-GB and de-DE write the example apart
    # Each locale says the crisis line it brings by default, so a change of locale is not a silent one.
    assert "crisis line by default: Samaritans" in page.text and "crisis line by default: none" in page.text
    assert 'id="no-crisis-line"' not in page.text
    assert "Clinic settings</a>" in admin.get("/clinic/admin/users").text  # in the administration's menu
    try:
        saved = admin.post_form(PAGE, PAGE, {"locale": "de-DE"})
        assert saved.status_code == 303 and saved.headers["location"] == f"{PAGE}?saved=1"
        after = admin.get(saved.headers["location"]).text
        assert "Saved." in after
        # de-DE has no cited crisis line: the administrator is told that patients now see none.
        assert 'id="no-crisis-line"' in after and "only the general advice" in after
        assert _locale(site) == "de-DE"
        heading = HEADING.search(admin.get("/clinic/today").text)
        assert heading and re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", heading.group(1))  # not a minute later: now
        actor = Actor(user_id="clinic-page-test", clinic_id=site.demo["clinic_id"], role=Role.ADMIN)
        entries = audit_log.search_audit(site.uow_factory(), actor, action="clinic.update").items
        assert entries and entries[0].detail == "locale en-GB -> de-DE"
    finally:
        admin.post_form(PAGE, PAGE, {"locale": "en-GB"})
    assert _locale(site) == "en-GB"


def test_an_unknown_locale_is_named_and_nothing_changes(site: Site) -> None:
    admin = site.as_("admin")
    for chosen in ("xx-YY", ""):
        answer = admin.post_form(PAGE, PAGE, {"locale": chosen})
        assert answer.status_code == 422
        assert '<a href="#locale">' in answer.text
        assert "Dates and numbers: choose one of the ways listed (en-GB, en-US, de-DE, fr-FR)" in answer.text
        assert _locale(site) == "en-GB"


def test_clinicians_and_reception_get_403(site: Site) -> None:
    for persona in ("clinician", "reception"):
        browser = site.as_(persona)
        assert browser.get(PAGE).status_code == 403
        assert browser.post_form(PAGE, "/clinic/today", {"locale": "de-DE"}).status_code == 403
    assert _locale(site) == "en-GB"
