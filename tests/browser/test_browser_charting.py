"""Charting in a real browser: the clinician charts three sessions under a demo plan, each pre-filled from
the one before (what was changed is what comes back), records an adverse event after the second and a
reassessment with a live questionnaire total; no serious accessibility violation on the three forms,
every control reached with the Tab key, and the form fits 1280 and a 768 px tablet."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_steps import Server, serious_violations, sign_in
from clinical_steps import points_shown, record_session
from playwright.sync_api import Page, expect

#: Screenshots go here when set (to look at the form), else to the test's temporary directory.
SHOTS = os.environ.get("ACUPATH_SCREENSHOTS")


def open_charting(page: Page, server: Server) -> str:
    """From a demo patient's chart whose plan allows charting, follow "Chart a session"; return the plan URL."""
    for patient_id in reversed(server.patient_ids):
        if patient_id == server.red_flag_patient_id:
            continue
        page.goto(f"{server.url}/clinic/patients/{patient_id}")
        link = page.get_by_role("link", name="Chart a session")
        if not link.count():
            continue
        link.click()
        page.wait_for_url(re.compile(r"/clinic/plans/[0-9a-f]{32}/sessions/new$"))
        if not page.locator(".referral-block").count():
            return page.url.removesuffix("/sessions/new")
    raise AssertionError("the demo clinic should hold an active plan without a referral")


def test_three_sessions_an_adverse_event_and_a_reassessment(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    plan_url = open_charting(page, server)
    assert serious_violations(page) == []
    expect(page.locator("#carried")).to_contain_text("Carried forward from session")

    # First: leave out the last point no electrode is clipped to; change retention and pain.
    first_points = points_shown(page)
    assert first_points, "the form should carry the plan's or the last session's points"
    wired = set(page.locator("table.charting-pairs input.code-input").evaluate_all("boxes => boxes.map(b => b.value)"))
    left_out = max(i for i, (code, _) in enumerate(first_points) if code not in wired)
    page.get_by_label(f"Needled, row {left_out + 1}", exact=True).uncheck()
    page.get_by_label("Needle retention (minutes)").fill("31")
    page.get_by_label("Pain before (NRS 0 to 10)").fill("6")
    page.get_by_label("Pain after (NRS 0 to 10)").fill("4")
    first = record_session(page, plan_url)

    # Second: pre-filled from the first, as given; an adverse event follows it.
    page.get_by_role("link", name="Chart a session").click()
    expect(page.locator("#carried")).to_contain_text(f"Carried forward from session {first}")
    assert points_shown(page) == first_points[:left_out] + first_points[left_out + 1:]
    expect(page.get_by_label("Needle retention (minutes)")).to_have_value("31")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Chart session {first + 1}")
    page.get_by_label("Pain before (NRS 0 to 10)").fill("5")
    page.get_by_label("An adverse event happened: record it next").check()
    page.get_by_role("button", name=f"Record session {first + 1}").click()
    page.wait_for_url(re.compile(r"/adverse-events/new\?session=[0-9a-f]{32}$"))
    expect(page.get_by_label("Session it followed")).to_have_value(re.compile(r"[0-9a-f]{32}"))
    assert serious_violations(page) == []
    page.get_by_label("What happened").fill("bruising")
    page.get_by_label("Mild").check()
    page.get_by_label("Resolved").check()
    page.get_by_role("button", name="Record the adverse event").click()
    page.wait_for_url(plan_url + "?recorded=adverse-event")
    expect(page.get_by_role("status")).to_have_text("The adverse event is recorded.")

    # Third, then the reassessment with its live total.
    page.get_by_role("link", name="Chart a session").click()
    expect(page.locator("#carried")).to_contain_text(f"Carried forward from session {first + 1}")
    assert record_session(page, plan_url) == first + 2
    page.get_by_role("link", name="Record a reassessment").click()
    assert serious_violations(page) == []
    pain = page.locator("#questionnaires\\.nrs\\.nrs")  # a number box, its total live too
    pain.fill("4")
    pain.blur()
    expect(page.locator("#score-nrs")).to_contain_text("Total 4")
    questionnaire = page.locator("fieldset.questionnaire:has(fieldset.item)").first
    instrument = questionnaire.get_attribute("id").removeprefix("questionnaires.")
    for item in questionnaire.locator("fieldset.item").all():
        item.locator("input[type=radio]").first.check()
    expect(page.locator(f"#score-{instrument}")).to_contain_text("Total")
    page.get_by_role("button", name="Score and record the reassessment").click()
    page.wait_for_url(plan_url + "?recorded=reassessment")
    expect(page.get_by_role("status")).to_have_text("The reassessment is recorded and scored.")
    page.goto(plan_url + "/sessions/new")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Chart session {first + 3}")


def test_every_charting_control_is_reached_with_the_keyboard_and_shows_its_focus(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    open_charting(page, server)
    page.locator(".crumbs a").last.focus()  # the plan's link, just before the form
    reached: list[str] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            return [e.id || e.getAttribute('name') || e.textContent.trim(), getComputedStyle(e).outlineStyle,
                    e.matches(':focus'), e.type]; }""")
        reached.append(focused[0])
        # A date box's last stop is Chromium's own calendar button inside it, with the browser's focus ring.
        assert focused[1] != "none" or (focused[3] == "date" and not focused[2]), f"{focused} shows no focus"
        if focused[0].startswith("Record session"):
            break
    for control in ("session_date", "style", "rationale", "points.0.given", "points.0.code", "points.0.side",
                    "retention_minutes", "pain_before", "pain_after", "notes", "overrides.0.finding",
                    "adverse_event_next"):
        assert control in reached, f"{control} is not reached with Tab"
    assert reached[-1].startswith("Record session")


@pytest.mark.parametrize("width", [1280, 768])
def test_the_charting_form_fits_the_screen(page: Page, server: Server, width: int, tmp_path: Path) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, server, "clinician")
    open_charting(page, server)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the form scrolls sideways by {overflow} px at {width} px"
    for box in page.locator("table.charting-points input.code-input").all()[:3]:
        found = box.bounding_box()
        assert found is not None and found["width"] >= 48, "a point's box is too narrow to type in"
    page.screenshot(path=str(Path(SHOTS or tmp_path) / f"charting-{width}.png"), full_page=True)
