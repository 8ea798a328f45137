"""The practice-evidence page: the responder table and charts of the demo clinic, the literature beside
them, small groups suppressed, form errors naming the field, reception refused, the clinic kept apart."""

from __future__ import annotations

import re
from html import unescape

import pytest
from web_world import Site

from acupath.analytics import CohortFilter, responder_table
from acupath.services.records import AuditQuery
from acupath.web.wording import words

ROW = re.compile(r"<tr><th scope=\"row\">([^<]+)</th>\s*<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>")


@pytest.fixture(scope="module")
def evidence_site(site: Site) -> Site:
    site.app.state.analytics_min_cell = 5  # the demo's small clinic: groups of 5 or more are shown
    return site


def test_the_table_shows_each_groups_courses_and_responders_as_the_cohort_counts_them(evidence_site: Site) -> None:
    page = evidence_site.as_("clinician").get("/clinic/analytics?by=ea")
    assert page.status_code == 200, page.text
    shown = {group: (int(n), int(r)) for group, n, r in ROW.findall(page.text)}
    with evidence_site.uow_factory() as uow:
        table = responder_table(uow.session, evidence_site.app.state.acupath.kb,
                                CohortFilter(clinic_id=evidence_site.demo["clinic_id"]), "ea", min_cell=5)
    expected = {words(r.group["ea"]): (r.n, r.responders) for r in table.itt if r.n is not None}  # "yes" is "Yes"
    assert shown == expected and expected
    assert "Responder rate by electroacupuncture (yes/no)" in page.text  # the chart's title
    assert page.text.count('<svg class="evidence-chart"') == 2  # rates with CI bars, time to response


def test_a_group_under_the_threshold_shows_no_count(evidence_site: Site) -> None:
    page = evidence_site.as_("admin").get("/clinic/analytics?by=condition&then=ea")
    assert page.status_code == 200
    assert "suppressed: fewer than 5 courses" in page.text
    assert not [n for _, n, _ in ROW.findall(page.text) if int(n) < 5]


def test_the_literature_for_the_condition_keeps_its_verification_status(evidence_site: Site) -> None:
    page = evidence_site.as_("clinician").get("/clinic/analytics?by=ea&condition=chronic_low_back_pain")
    text = unescape(page.text)
    assert page.status_code == 200
    assert "What the literature says" in text and "Contradicted" in text
    # A contradicted claim is shown by its correction only: the seed's figure never appears.
    assert "MD -0.51" not in text and "MD -0,51" not in text


@pytest.mark.parametrize(("query", "field", "words"), [
    ("by=colour", "by", "Group by: unknown facet"),
    ("by=ea&then=ea", "then", "And by: name one facet or two different ones"),
    ("by=ea&start=2026-02-30", "start", "Courses started from: expected a date"),
    ("by=ea&at_session=0", "at_session", "Response judged at session: expected a session number"),
])
def test_bad_input_is_a_form_error_naming_the_field(evidence_site: Site, query: str, field: str, words: str) -> None:
    page = evidence_site.as_("clinician").get(f"/clinic/analytics?{query}")
    assert page.status_code == 422
    assert words in unescape(page.text) and f'id="{field}-error"' in page.text


def test_reception_gets_the_403_page_and_the_refusal_is_audited(evidence_site: Site) -> None:
    assert evidence_site.as_("reception").get("/clinic/analytics?by=ea").status_code == 403
    with evidence_site.uow_factory() as uow:
        entries = uow.audit.search(evidence_site.demo["clinic_id"], AuditQuery(action="analytics.read"), None, 50)
    assert any(e.outcome.value != "ok" for e in entries)


def test_another_clinic_sees_none_of_the_demo_courses(evidence_site: Site) -> None:
    page = evidence_site.as_("outsider").get("/clinic/analytics?by=ea")
    assert page.status_code == 200
    assert "No treatment course matches these filters." in page.text
