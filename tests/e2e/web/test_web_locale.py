"""Pages write dates and numbers in the clinic's locale, set by its administrator, within a minute."""

from __future__ import annotations

import re
from datetime import timedelta

from web_world import Site

from acupath.services import clinics
from acupath.services.actor import Actor, Role
from acupath.web.locales import REFRESH

CHART_LINK = re.compile(r'href="/clinic/patients/([0-9a-f]{32})"')
HEADING = re.compile(r'<h1>Today <span class="subtle">([^<]+)</span></h1>')


def _today_heading(site: Site, persona: str) -> str:
    found = HEADING.search(site.as_(persona).get("/clinic/today").text)
    assert found, "today's page has no dated heading"
    return found.group(1)


def test_a_locale_set_by_the_clinic_shows_on_its_pages_within_a_minute_and_not_on_another_clinics(
        site: Site) -> None:
    assert _today_heading(site, "clinician") == "1 Dec 2026"  # en-GB, the default
    admin = Actor(user_id="locale-test", clinic_id=site.demo["clinic_id"], role=Role.ADMIN)
    clinics.set_locale(site.uow_factory(), admin, "de-DE")
    assert _today_heading(site, "clinician") == "1 Dec 2026"  # kept for up to a minute
    api_state = site.app.state.acupath
    start = api_state.clock()
    try:
        api_state.clock = lambda: start + REFRESH + timedelta(seconds=1)
        assert _today_heading(site, "clinician") == "01.12.2026"
        assert _today_heading(site, "reception") == "01.12.2026"
        assert _today_heading(site, "outsider") == "1 Dec 2026"  # the other clinic keeps en-GB
        clinician = site.as_("clinician")
        chart = clinician.get(f"/clinic/patients/{CHART_LINK.findall(clinician.get('/clinic/patients').text)[0]}")
        birth = re.search(r"<dt>Date of birth</dt><dd>([^<]+)</dd>", chart.text)
        assert birth and re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", birth.group(1))
    finally:
        api_state.clock = lambda: start
        clinics.set_locale(site.uow_factory(), admin, "en-GB")
