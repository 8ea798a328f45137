"""The clinician's whole pathway in one browser session, as the issue's journey asks: record an intake,
override a caution with a reason, create the plan, chart three sessions (the second pre-filled from the
first), record an adverse event and a reassessment, and see the progress chart change at each step."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from browser_steps import Server, sign_in
from clinical_steps import answer, points_shown, record_session
from playwright.sync_api import Page, expect

WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BEFORE = "#trend-nrs svg g[data-series=before] rect[data-session]"
REASSESSED = "svg.trend-chart g[data-series=reassessment] [data-session]"


def record_intake_and_plan(page: Page, server: Server) -> str:
    """Record a low back pain intake starting today, override its bleeding caution, create the plan.

    Returns the plan page's URL.
    """
    today = datetime.now(UTC).date()
    page.goto(f"{server.url}/clinic/patients/{server.patient_ids[0]}")
    page.get_by_role("link", name="New intake").click()
    page.get_by_label("Condition").select_option("chronic_low_back_pain")
    page.get_by_role("button", name="Show its questionnaires").click()
    page.get_by_label("Pain now (NRS 0 to 10)").fill("7")
    page.get_by_label("Duration in weeks").fill("40")
    page.get_by_label("Sites").fill("lower_back")
    page.get_by_label("Anticoagulant").check()
    page.get_by_label("First visit").fill(today.isoformat())
    page.get_by_label(WEEKDAY_LABELS[today.weekday()], exact=True).check()
    page.get_by_label(WEEKDAY_LABELS[(today + timedelta(days=3)).weekday()], exact=True).check()
    for number, value in enumerate((3, 2, 3, 2, 2, 2, 2, 1, 2, 2), start=1):
        answer(page, "odi", f"q{number}", value)
    for number in range(1, 10):
        answer(page, "phq9", f"q{number}", 0)
    page.get_by_role("button", name="Record the intake and screen it").click()
    page.wait_for_url(re.compile(r"/clinic/intakes/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", name=re.compile("Bleeding risk caution"))).to_contain_text("Caution")
    page.get_by_label(re.compile("Override reason")).first.fill(
        "INR 2.4 today; shallow needling and firm pressure after withdrawal")
    page.get_by_role("button", name="Create plan").click()
    page.wait_for_url(re.compile(r"/clinic/plans/[0-9a-f]{32}$"))
    # The override is shown with the plan: who, why.
    expect(page.locator("main")).to_contain_text("INR 2.4 today")
    return page.url


def progress_marks(page: Page, plan_url: str, selector: str) -> list[str]:
    """Open the plan's progress page; return the session numbers of the marks ``selector`` finds."""
    page.goto(plan_url + "/progress")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress")
    return page.locator(selector).evaluate_all("marks => marks.map(m => m.dataset.session)")


def test_a_clinician_walks_the_whole_pathway_and_sees_the_progress_chart_change(page: Page,
                                                                                 server: Server) -> None:
    sign_in(page, server, "clinician")
    plan_url = record_intake_and_plan(page, server)
    assert progress_marks(page, plan_url, BEFORE) == []

    # Session 1 from the plan; session 2 carried forward from it, as given.
    page.goto(plan_url)
    page.get_by_role("link", name="Chart a session").click()
    first_points = points_shown(page)
    assert first_points, "the first session should carry the plan's points"
    page.get_by_label("Pain before (NRS 0 to 10)").fill("7")
    page.get_by_label("Pain after (NRS 0 to 10)").fill("5")
    page.get_by_label("Needle retention (minutes)").fill("25")
    assert record_session(page, plan_url) == 1
    assert progress_marks(page, plan_url, BEFORE) == ["1"]

    page.goto(plan_url)
    page.get_by_role("link", name="Chart a session").click()
    expect(page.locator("#carried")).to_contain_text("Carried forward from session 1")
    assert points_shown(page) == first_points
    expect(page.get_by_label("Needle retention (minutes)")).to_have_value("25")
    page.get_by_label("Pain before (NRS 0 to 10)").fill("6")
    page.get_by_label("An adverse event happened: record it next").check()
    page.get_by_role("button", name="Record session 2").click()
    page.wait_for_url(re.compile(r"/adverse-events/new\?session=[0-9a-f]{32}$"))
    page.get_by_label("What happened").fill("bruising")
    page.get_by_label("Mild").check()
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Record the adverse event").click()
    page.wait_for_url(plan_url + "?recorded=adverse-event")

    page.get_by_role("link", name="Chart a session").click()
    expect(page.locator("#carried")).to_contain_text("Carried forward from session 2")
    page.get_by_label("Pain before (NRS 0 to 10)").fill("4")
    assert record_session(page, plan_url) == 3
    assert progress_marks(page, plan_url, BEFORE) == ["1", "2", "3"]
    assert progress_marks(page, plan_url, REASSESSED) == []

    # The reassessment after session 3 adds its marks to the charts.
    page.goto(plan_url)
    page.get_by_role("link", name="Record a reassessment").click()
    for number, value in enumerate((2, 1, 2, 1, 1, 1, 1, 1, 1, 1), start=1):
        answer(page, "odi", f"q{number}", value)
    expect(page.locator("#score-odi")).to_contain_text("Total")
    page.get_by_role("button", name="Score and record the reassessment").click()
    page.wait_for_url(plan_url + "?recorded=reassessment")
    reassessed = progress_marks(page, plan_url, REASSESSED)
    assert reassessed and set(reassessed) == {"3"}, reassessed
    chart = page.locator("#trend-odi svg")
    expect(chart.locator("[data-series=reassessment] [data-session='3']")).to_have_attribute("data-value", "24")
