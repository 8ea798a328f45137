"""The progress page in a real browser: opened from the chart, a chart per instrument, a new point after a
reassessment is recorded (through the JSON API), no serious accessibility violation, 1280 px and 768 px."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_steps import Server, serious_violations, sign_in
from playwright.sync_api import Page, Playwright, expect

from web_clinic import EMAILS, PASSWORD

RINGS = "#trend-nrs svg g[data-series=reassessment] circle"


def open_progress(page: Page, server: Server, patient_id: str) -> str:
    """Open the patient's chart, follow its link to the progress page; return the plan's id."""
    page.goto(f"{server.url}/clinic/patients/{patient_id}")
    page.get_by_role("link", name="Progress charts").click()
    page.wait_for_url(re.compile(r"/clinic/plans/[0-9a-f]{32}/progress$"))
    return page.url.rsplit("/", 2)[-2]


def test_the_progress_page_shows_a_chart_per_measure_with_its_baseline_and_band(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    open_progress(page, server, server.red_flag_patient_id)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress")
    charts = page.locator("svg.trend-chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    nrs = page.locator("#trend-nrs svg")
    expect(nrs).to_have_attribute("role", "img")
    expect(nrs.locator("path[data-baseline]")).to_have_count(1)
    expect(nrs.locator("rect[data-mcid-band]")).to_have_count(1)
    # The numbers as a table, one click (or Enter) away.
    summary = page.locator("#trend-nrs summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#trend-nrs details table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("Baseline")


def test_a_reassessment_recorded_through_the_api_adds_a_point(page: Page, server: Server,
                                                               playwright: Playwright) -> None:
    patient_id = server.patient_ids[-1]
    sign_in(page, server, "clinician")
    plan_id = open_progress(page, server, patient_id)
    before = page.locator(RINGS).evaluate_all("rings => rings.map(r => r.dataset.session)")
    measured = page.locator("svg.trend-chart [data-session][data-value]").evaluate_all(
        "marks => marks.map(m => Number(m.dataset.session))")
    session = max(measured, default=0) + 1
    api = playwright.request.new_context(base_url=server.url)
    try:
        login = api.post("/auth/login", data={"email": EMAILS["clinician"], "password": PASSWORD})
        assert login.ok, login.text()
        recorded = api.post(f"/patients/{patient_id}/reassessments",
                            headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                            data={"assessed_on": datetime.now(UTC).date().isoformat(), "plan_id": plan_id,
                                  "session_number": session, "answers": {"nrs": {"nrs": 2}}})
        assert recorded.status == 201, recorded.text()
    finally:
        api.dispose()
    page.reload()
    expect(page.locator(RINGS)).to_have_count(len(before) + 1)
    added = page.locator(f'{RINGS}[data-session="{session}"]')
    expect(added).to_have_attribute("data-value", "2")
    expect(added.locator("title")).to_contain_text(f"session {session}")


def test_the_progress_page_has_no_serious_accessibility_violation(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    open_progress(page, server, server.red_flag_patient_id)
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [1280, 768])
def test_the_progress_page_fits_the_screen(page: Page, server: Server, width: int, tmp_path: Path) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, server, "clinician")
    open_progress(page, server, server.red_flag_patient_id)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    boxes = page.locator("svg.trend-chart").evaluate_all(
        "charts => charts.map(c => { const b = c.getBoundingClientRect(); return [b.left, b.right, b.width]; })")
    # One chart a row, drawn at least at its own size (640 units: the 11-13 px text stays legible).
    assert all(left >= 0 and right <= width and chart_width >= 640 for left, right, chart_width in boxes)
    assert len({round(left) for left, _, _ in boxes}) == 1
    page.screenshot(path=str(tmp_path / f"progress-{width}.png"), full_page=True)
