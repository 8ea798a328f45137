"""The plan page: findings and overrides, points, body chart, EA, components, phases, visits and cover,
evidence; who may see it (reception refused, another clinic 404)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from test_session_charting import TODAY as CHARTING_DAY
from test_session_charting import clinician as charting_actor
from test_session_charting import fresh_plan
from web_world import Site

from acupath.services import patient_records, patients, plans, sessions
from acupath.services.actor import Actor, Role
from acupath.services.records import PlanRecord
from acupath.web.locales import format_number
from example_records import example_session
from web_clinic import EMAILS

SECTIONS = ("Findings and overrides", "Points", "Body chart", "Electroacupuncture", "Components", "Phases",
            "Schedule and cover", "Evidence")


def demo_plans(site: Site) -> list[PlanRecord]:
    """Return every plan of the demo clinic, read through the services as a clinician."""
    with site.uow_factory() as uow:
        lee = uow.users.get_by_email(EMAILS["clinician"])
    clinician = Actor(user_id=lee.id, clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    return [plan for patient in patients.list_patients(site.uow_factory(), clinician, limit=100).items
            for plan in patient_records.list_plans(site.uow_factory(), clinician, patient.id).items]


def plan_where(site: Site, test: Callable[[dict[str, Any]], Any]) -> PlanRecord:
    """Return the first demo plan whose document passes ``test``."""
    found = [p for p in demo_plans(site) if test(p.plan)]
    assert found, "the demo has no such plan"
    return found[0]


def test_the_chart_links_to_its_active_plan_and_the_plan_page_has_every_section(site: Site) -> None:
    clinician = site.as_("clinician")
    plan = demo_plans(site)[0]
    chart = clinician.get(f"/clinic/patients/{plan.patient_id}").text
    linked = re.findall(r'href="/clinic/plans/([0-9a-f]{32})"', chart)
    assert len(linked) == 1
    page = clinician.get(f"/clinic/plans/{linked[0]}")
    assert page.status_code == 200
    headings = re.findall(r"<h2 id=\"[a-z-]+\">([^<]+)</h2>", page.text)
    assert headings == list(SECTIONS)
    assert f'href="/clinic/patients/{plan.patient_id}"' in page.text


def test_every_planned_point_is_in_the_table_and_on_the_body_chart(site: Site) -> None:
    plan = plan_where(site, lambda plan: plan["electroacupuncture"] and plan["points"])
    page = site.as_("clinician").get(f"/clinic/plans/{plan.id}").text
    codes = [p["code"] for p in plan.plan["points"]]
    assert re.findall(r'<tr id="point-([A-Z0-9.-]+)">', page) == codes
    charted = set(re.findall(r'<circle[^>]*data-code="([^"]+)"', page))
    assert charted == set(codes)
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page
    for point in plan.plan["points"]:
        row = page[page.index(f'<tr id="point-{point["code"]}">'):]
        row = row[:row.index("</tr>")]
        assert f"<td>{point['side']}</td>" in row and point["role"] in row
        for caution in point["cautions"]:
            assert caution in unescape(row)


def test_electroacupuncture_settings_show_frequency_intensity_and_every_pair(site: Site) -> None:
    plan = plan_where(site, lambda plan: plan["electroacupuncture"])
    page = site.as_("clinician").get(f"/clinic/plans/{plan.id}").text
    ea = plan.plan["electroacupuncture"]
    section = page[page.index('id="ea-title"'):page.index('id="components-title"')]
    assert f"{ea['frequency_hz']} Hz" in section
    low, high = (format_number(value, "en-GB") for value in ea["intensity_ma"])  # the demo clinic's locale
    assert f"{low}–{high} mA" in section
    for a, b, side in ea["pairs"]:
        assert f"{a}–{b} ({side})" in section


def test_a_plan_without_electroacupuncture_says_so(site: Site) -> None:
    plan = plan_where(site, lambda plan: not plan["electroacupuncture"])
    page = site.as_("clinician").get(f"/clinic/plans/{plan.id}").text
    assert "No electroacupuncture in this plan." in page


def test_components_phases_and_evidence_are_shown_with_triggers_dates_and_status(site: Site) -> None:
    plan = plan_where(site, lambda plan: plan["components"] and plan["evidence"])
    page = unescape(site.as_("clinician").get(f"/clinic/plans/{plan.id}").text)
    for component in plan.plan["components"]:
        assert component["title"] in page and f"<td>{component['trigger']}</td>" in page
    assert len(re.findall(r'id="phases-title"[\s\S]*?</table>', page)) == 1
    phases = re.search(r'id="phases-title"[\s\S]*?</table>', page).group(0)
    assert phases.count("<tr><th scope=\"row\">") == len(plan.plan["phases"])
    evidence = re.findall(r'<span class="status status-(\w+)">', page)
    assert evidence == [e["status"] for e in plan.plan["evidence"]]


def test_the_schedule_marks_each_visit_given_or_planned_with_its_reassessments(site: Site) -> None:
    plan = plan_where(site, lambda plan: any(s["reassess"] for s in plan["sessions"]))
    with site.uow_factory() as uow:
        lee = uow.users.get_by_email(EMAILS["clinician"])
    clinician = Actor(user_id=lee.id, clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    given = {s.number for s in sessions.list_sessions(site.uow_factory(), clinician, plan.id, limit=200).items}
    page = site.as_("clinician").get(f"/clinic/plans/{plan.id}").text
    schedule = page[page.index('<table class="list schedule">'):]
    schedule = schedule[:schedule.index("</table>")]
    rows = re.findall(r'<tr( class="given")?><th scope="row">(\d+)</th>', schedule)
    assert [int(n) for _, n in rows] == [s["number"] for s in plan.plan["sessions"]]
    assert {int(n) for marked, n in rows if marked} == given
    assert f"<dd>{len(given)} of {len(plan.plan['sessions'])}</dd>" in page
    first = next(s for s in plan.plan["sessions"] if s["reassess"])
    assert ", ".join(i.upper() for i in first["reassess"]) in schedule


def test_red_flags_come_first_with_a_severity_word_and_an_override_shows_who_when_and_why(site: Site) -> None:
    plan = plan_where(site, lambda plan: any(f["kind"] == "red_flag" for f in plan["findings"]))
    with site.uow_factory() as uow:
        lee = uow.users.get_by_email(EMAILS["clinician"])
    clinician = Actor(user_id=lee.id, clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    flag = next(f for f in plan.plan["findings"] if f["kind"] == "red_flag")
    reason = "Onset after fifty explained by a documented lifting injury; no other red flag on examination."
    amended = plans.amend_plan(site.uow_factory(), clinician, plan.id, site.app.state.acupath.kb,
                               expected_version=plan.version, overrides=[{"finding": flag["code"], "reason": reason}])
    page = site.as_("admin").get(f"/clinic/plans/{amended.id}").text  # someone else reads who overrode
    findings = page[page.index('id="findings-title"'):page.index('id="points-title"')]
    kinds = re.findall(r'<li class="finding finding-(\w+)">', findings)
    assert kinds[0] == "red_flag" and kinds == sorted(kinds, key=lambda k: k != "red_flag")
    assert "Red flag" in findings and f"Severity: {flag['severity']}" in findings
    override = findings[findings.index("Overrides of screening findings"):]
    assert f'<code class="code">{flag["code"]}</code>' in override and reason in unescape(override)
    # Who, by name and role, never a piece of the user id; on the chart too.
    who = f"{lee.name} ({lee.role})"
    assert who in override and lee.id[:8] not in page and f"(version {amended.version})" in override
    assert f"Overridden by {who}" in unescape(site.as_("admin").get(f"/clinic/patients/{plan.patient_id}").text)


def test_reception_is_refused_the_plan_and_sees_none_of_it(site: Site) -> None:
    plan = plan_where(site, lambda plan: plan["points"])
    answer = site.as_("reception").get(f"/clinic/plans/{plan.id}")
    assert answer.status_code == 403
    assert "Not available to your role" in answer.text
    for detail in ("Body chart", "Electroacupuncture", plan.plan["points"][0]["code"]):
        assert detail not in answer.text


def test_a_clinician_of_another_clinic_gets_404_for_the_plan(site: Site) -> None:
    plan = demo_plans(site)[0]
    answer = site.as_("outsider").get(f"/clinic/plans/{plan.id}")
    assert answer.status_code == 404 and "Page not found" in answer.text
    assert plan.plan["condition"].replace("_", " ").capitalize() not in answer.text


@pytest.mark.parametrize("path", ["/clinic/plans/nope", "/clinic/plans/" + "0" * 32])
def test_an_unknown_plan_is_the_404_page(site: Site, path: str) -> None:
    answer = site.as_("clinician").get(path)
    assert answer.status_code == 404 and "Page not found" in answer.text


def test_the_administrator_reads_the_plan_as_a_clinician_does(site: Site) -> None:
    plan = demo_plans(site)[0]
    assert site.as_("admin").get(f"/clinic/plans/{plan.id}").status_code == 200


def test_the_plan_page_carries_no_inline_script_or_style(site: Site) -> None:
    page = site.as_("clinician").get(f"/clinic/plans/{demo_plans(site)[0].id}")
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\ssrc=)", page.text)
    assert " style=" not in page.text and "<style" not in page.text


def test_a_visit_skipped_before_one_given_reads_not_given(site: Site) -> None:
    # A missed visit read "Planned" after later ones were given (walk-through).
    record = fresh_plan(site)
    actor, kb = charting_actor(site), site.app.state.acupath.kb
    for number, day in ((1, CHARTING_DAY - timedelta(days=10)), (3, CHARTING_DAY - timedelta(days=3))):
        sessions.record_session(site.uow_factory(), actor, record.id,
                                example_session(number=number, session_date=day.isoformat()), kb, today=CHARTING_DAY)
    page = site.as_("clinician").get(f"/clinic/plans/{record.id}").text
    body = page[page.index('<table class="list schedule">'):].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    last_cells = [" ".join(re.sub(r"<[^>]+>", " ", row.rsplit("<td>", 1)[1]).split()) for row in body.split("</tr>")[:-1]]
    assert last_cells[:4] == ["Given", "Not given", "Given", "Planned"]


def test_a_bleeding_risk_takes_bloodletting_off_the_points_and_says_no_deep_needling(site: Site) -> None:
    # The caution's own words: "no deep needling near large vessels, no bleeding or cupping".
    calm, thinned = fresh_plan(site), fresh_plan(site, safety={"anticoagulant": True})
    browser = site.as_("clinician")

    def depth_of(plan, code: str) -> str:
        page = browser.get(f"/clinic/plans/{plan.id}").text
        cell = page[page.index('class="depth-cell"', page.index(f'<tr id="point-{code}">')):]
        return unescape(cell[:cell.index("</td>")])

    assert "prick to bleed" in depth_of(calm, "BL40") and "No deep needling" not in depth_of(calm, "BL40")
    assert "prick to bleed" not in depth_of(thinned, "BL40")
    assert "No deep needling: Bleeding risk caution" in depth_of(thinned, "BL40")
