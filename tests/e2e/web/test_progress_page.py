"""The progress page: a chart per instrument with its baseline and MCID band, checkpoints and alerts, the
numbers as tables; linked from the chart and the plan; who may see it (reception refused, another
clinic 404); a reassessment recorded through the services adds a point."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from test_plan_page import demo_plans
from web_world import Site

from acupath.services import clinics, intakes, patients, plans, progress, sessions
from acupath.services.actor import Actor, Role
from acupath.services.records import PlanRecord
from acupath.web.locales import REFRESH
from example_records import example_intake

SVG = "{http://www.w3.org/2000/svg}"
CHART = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" role="img"[\s\S]*?</svg>')


def clinician_of(site: Site) -> Actor:
    """The demo clinic's clinician, as the services see them."""
    return Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)


def charts_of(html: str) -> dict[str, ET.Element]:
    """Return every progress chart of a page by its instrument."""
    found = {}
    for text in CHART.findall(html):
        root = ET.fromstring(text)
        if root.get("data-instrument"):
            found[root.get("data-instrument")] = root
    return found


def reassessed_plan(site: Site, test: Callable[[PlanRecord, Any], Any] = lambda plan, report: True) -> PlanRecord:
    """Return the first demo plan with a reassessment that passes ``test`` (the plan and its progress)."""
    for plan in demo_plans(site):
        if any(s["reassess"] for s in plan.plan["sessions"]):
            report = progress.get_progress(site.uow_factory(), clinician_of(site), plan.id, site.app.state.acupath.kb)
            if report.checkpoints and test(plan, report):
                return plan
    raise AssertionError("the demo has no such plan")


def test_the_chart_and_the_plan_page_link_to_the_progress_page(site: Site) -> None:
    clinician = site.as_("clinician")
    plan = demo_plans(site)[0]
    chart = clinician.get(f"/clinic/patients/{plan.patient_id}").text
    assert f'href="/clinic/plans/{plan.id}/progress"' in chart
    assert f'href="/clinic/plans/{plan.id}/progress"' in clinician.get(f"/clinic/plans/{plan.id}").text
    page = clinician.get(f"/clinic/plans/{plan.id}/progress")
    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/progress.css">' in page.text
    assert clinician.get("/static/css/progress.css").status_code == 200
    headings = re.findall(r"<h2 id=\"[a-z-]+\">([^<]+)</h2>", page.text)
    assert headings[:3] == ["Alerts", "Measures over the sessions", "Checkpoints"]  # the charts first


def test_every_instrument_of_the_baseline_has_a_chart_with_its_baseline_marked(site: Site) -> None:
    plan = reassessed_plan(site)
    page = site.as_("clinician").get(f"/clinic/plans/{plan.id}/progress").text
    charts = charts_of(page)
    baseline = plan.plan["baseline"]
    assert set(baseline) <= set(charts)
    for instrument, value in baseline.items():
        marker = charts[instrument].find(f".//{SVG}path[@data-baseline]")
        assert marker is not None and float(marker.get("data-baseline")) == pytest.approx(value, abs=0.01)
        title = charts[instrument].find(f"{SVG}title")
        desc = charts[instrument].find(f"{SVG}desc")
        assert charts[instrument].get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert desc.text.startswith(f"Baseline {value:g} at intake.")


def test_each_chart_has_its_numbers_as_a_table_and_the_mcid_with_its_source(site: Site) -> None:
    plan = reassessed_plan(site)
    kb = site.app.state.acupath.kb
    page = site.as_("clinician").get(f"/clinic/plans/{plan.id}/progress").text
    course = sessions.list_sessions(site.uow_factory(), clinician_of(site), plan.id, limit=200).items
    for instrument in plan.plan["baseline"]:
        article = page[page.index(f'<article class="trend" id="trend-{instrument}"'):]
        article = article[:article.index("</article>")]
        table = article[article.index("<details>"):article.index("</details>")]
        rows = re.findall(r"<tr><td>(\d+)</td>", table)
        root = charts_of(article)[instrument]
        markers = [m for m in root.iter() if m.get("data-session") and m.get("data-value") and m.tag != f"{SVG}g"]
        assert len(rows) == len(markers) + 1  # and the baseline's row
        mcid = next((m for m in kb.instruments[instrument].mcid if m.scale is None), None)
        caption = unescape(article[article.index("<figcaption>"):article.index("</figcaption>")])
        if mcid is None:
            assert "No MCID for this instrument" in caption
            assert root.find(f".//{SVG}rect[@data-mcid-band]") is None
        else:
            assert f"source {mcid.source}" in re.sub(r"<[^>]+>", "", caption)
            assert root.find(f".//{SVG}rect[@data-mcid-band]") is not None
    nrs = charts_of(page)["nrs"]
    before = nrs.findall(f".//{SVG}g[@data-series='before']/{SVG}rect")
    assert len(before) == sum(1 for s in course if s.pain_before is not None)


def test_the_checkpoints_show_responder_status_and_each_instruments_change(site: Site) -> None:
    plan = reassessed_plan(site)
    report = progress.get_progress(site.uow_factory(), clinician_of(site), plan.id, site.app.state.acupath.kb)
    page = unescape(site.as_("clinician").get(f"/clinic/plans/{plan.id}/progress").text)
    for status in report.checkpoints:
        row = page[page.index(f'<tr id="checkpoint-{status.id}">'):]
        row = row[:row.index("</tr>")]
        word = ("Worse by an MCID" if status.worsened else "Responding" if status.responder
                else "Not responding" if status.responder is False else "Not known")
        assert word in row
        for change in status.changes:
            assert f"{change.instrument.upper()} {change.baseline:g} → {round(change.followup, 2):g}" in row
    svg = charts_of(page)["nrs"]
    marks = {g.get("data-checkpoint"): g.get("data-status") for g in svg.iter(f"{SVG}g") if g.get("data-checkpoint")}
    assert set(marks) == {c["id"] for c in plan.plan["checkpoints"]}


def test_a_checkpoint_not_reached_yet_says_so_on_the_table_and_the_charts(site: Site) -> None:
    plan = reassessed_plan(site, lambda plan, report: len(report.checkpoints) < len(plan.plan["checkpoints"]))
    page = unescape(site.as_("clinician").get(f"/clinic/plans/{plan.id}/progress").text)
    reached = {s.id for s in progress.get_progress(site.uow_factory(), clinician_of(site), plan.id,
                                                   site.app.state.acupath.kb).checkpoints}
    ahead = [c for c in plan.plan["checkpoints"] if c["id"] not in reached]
    for checkpoint in ahead:
        row = page[page.index(f'<tr id="checkpoint-{checkpoint["id"]}">'):]
        assert "Not reached yet" in row[:row.index("</tr>")]
        for svg in charts_of(page).values():
            group = next(g for g in svg.iter(f"{SVG}g") if g.get("data-checkpoint") == checkpoint["id"])
            assert group.get("data-status") == "ahead"



def test_an_alert_is_shown_with_its_message_and_sources(site: Site) -> None:
    plan = reassessed_plan(site, lambda plan, report: report.alerts)
    report = progress.get_progress(site.uow_factory(), clinician_of(site), plan.id, site.app.state.acupath.kb)
    page = unescape(site.as_("clinician").get(f"/clinic/plans/{plan.id}/progress").text)
    alerts = page[page.index('id="alerts-title"'):page.index('id="charts-title"')]
    for alert in report.alerts:
        assert alert.message in alerts and f"<code class=\"code\">{alert.code}</code>" in alerts
        for key in alert.citations:
            assert f"<cite>{key}</cite>" in page  # in the sources, with its text


def test_a_reassessment_recorded_through_the_services_adds_a_point(site: Site) -> None:
    plan = reassessed_plan(site)
    clinician = site.as_("clinician")
    before = charts_of(clinician.get(f"/clinic/plans/{plan.id}/progress").text)
    instrument = next(i for i in plan.plan["baseline"] if i != "nrs")
    kb = site.app.state.acupath.kb
    answers = {item.key: _lowest(kb, instrument, item) for item in kb.instruments[instrument].items if item.scored}
    given = sessions.list_sessions(site.uow_factory(), clinician_of(site), plan.id, limit=200).items
    last = given[-1]
    progress.record_reassessment(site.uow_factory(), clinician_of(site), plan.patient_id, {
        "assessed_on": last.session_date.isoformat(), "plan_id": plan.id, "session_number": last.number + 1,
        "answers": {instrument: answers}}, kb, today=date(2026, 12, 1))
    after = charts_of(clinician.get(f"/clinic/plans/{plan.id}/progress").text)

    def points(root: ET.Element) -> list[tuple[str, str]]:
        return [(m.get("data-session"), m.get("data-value"))
                for m in root.findall(f".//{SVG}g[@data-series='reassessment']/{SVG}circle")]

    added = set(points(after[instrument])) - set(points(before[instrument]))
    assert len(added) == 1 and added.pop()[0] == str(last.number + 1)
    assert points(after["nrs"]) == points(before["nrs"])


def _lowest(kb: Any, instrument: str, item: Any) -> Any:
    """Return the item's answer that scores least: any valid answer, so that the reassessment is scored."""
    if item.kind == "number":
        return item.range.min
    options = kb.instruments[instrument].option_sets[item.options]
    return min(options, key=lambda o: o.points).answer


def test_a_plan_with_nothing_measured_yet_shows_the_baseline_and_says_a_trend_needs_two(site: Site) -> None:
    actor, kb = clinician_of(site), site.app.state.acupath.kb
    patient = patients.register_patient(site.uow_factory(), actor, {
        "given_name": "Progress", "family_name": "Tester", "birth_date": "1970-05-06", "sex": "male"})
    intake = intakes.record_intake(site.uow_factory(), actor, patient.id,
                                   example_intake("chronic_low_back_pain"), kb)
    plan = plans.create_plan(site.uow_factory(), actor, intake.id, kb, today=date(2026, 12, 1))
    page = site.as_("clinician").get(f"/clinic/plans/{plan.id}/progress").text
    assert "No session or reassessment recorded yet: each chart shows the baseline only." in page
    assert "No alerts" in page and "Not reached yet" in page
    charts = charts_of(page)
    assert set(charts) == set(plan.plan["baseline"])
    for root in charts.values():
        assert root.get("data-empty") == "true"
        assert [t.text for t in root.iter(f"{SVG}text") if t.get("data-empty-note") is not None] == [
            "One measure so far: a trend needs two."]
        assert root.find(f".//{SVG}path[@data-baseline]") is not None

def test_reception_is_refused_the_progress_page(site: Site) -> None:
    plan = demo_plans(site)[0]
    answer = site.as_("reception").get(f"/clinic/plans/{plan.id}/progress")
    assert answer.status_code == 403 and "Not available to your role" in answer.text
    assert "trend-chart" not in answer.text and "Checkpoints" not in answer.text


def test_a_clinician_of_another_clinic_gets_404_for_the_progress_page(site: Site) -> None:
    plan = demo_plans(site)[0]
    answer = site.as_("outsider").get(f"/clinic/plans/{plan.id}/progress")
    assert answer.status_code == 404 and "Page not found" in answer.text
    assert "trend-chart" not in answer.text


@pytest.mark.parametrize("path", ["/clinic/plans/nope/progress", "/clinic/plans/" + "0" * 32 + "/progress"])
def test_an_unknown_plan_has_no_progress_page(site: Site, path: str) -> None:
    answer = site.as_("clinician").get(path)
    assert answer.status_code == 404 and "Page not found" in answer.text


def test_signed_out_the_progress_page_leads_to_sign_in_and_back(site: Site) -> None:
    plan = demo_plans(site)[0]
    answer = site.client().get(f"/clinic/plans/{plan.id}/progress", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/sign-in?next=%2Fclinic%2Fplans%2F{plan.id}%2Fprogress"


def test_the_progress_page_carries_no_inline_script_or_style(site: Site) -> None:
    page = site.as_("clinician").get(f"/clinic/plans/{reassessed_plan(site).id}/progress")
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\ssrc=)", page.text)
    assert " style=" not in page.text and "<style" not in page.text


def test_the_charts_write_numbers_and_dates_in_the_clinics_locale(site: Site) -> None:
    plan = reassessed_plan(site)
    admin = Actor(user_id="locale-test", clinic_id=site.demo["clinic_id"], role=Role.ADMIN)
    api_state, web = site.app.state.acupath, site.app.state.acupath_web
    start = api_state.clock()
    clinics.set_locale(site.uow_factory(), admin, "de-DE")
    try:
        api_state.clock = lambda: start + REFRESH + timedelta(seconds=1)
        page = site.as_("clinician").get(f"/clinic/plans/{plan.id}/progress").text
    finally:
        clinics.set_locale(site.uow_factory(), admin, "en-GB")
        api_state.clock = lambda: start
        web.locales.clear()
    charts = charts_of(page).values()
    latest = [root.find(f"{SVG}desc").text for root in charts if "Latest" in root.find(f"{SVG}desc").text]
    assert latest and all(re.search(r"\(\d{2}\.\d{2}\.\d{4}\)", desc) for desc in latest)  # de-DE's day
    for root in charts:
        labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        assert not [label for label in labels if re.search(r"\d\.\d", label)]
    table = page[page.index("<details>"):page.index("</details>")]
    assert re.search(r'<td class="nowrap">\d{2}\.\d{2}\.\d{4}</td>', table)
