"""The clinician's intake journey in a real browser: fill a low back pain intake (ODI, PHQ-9), watch the
live ODI total change, submit, override the anticoagulant caution with a reason, create the plan; no
serious accessibility violation on the form or the screening page; the form fits 1280 and 768 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_steps import Server, serious_violations, sign_in
from clinical_steps import answer
from playwright.sync_api import Page, expect

ODI = (3, 1, 3, 2, 2, 2, 2, 1, 2, 2)
#: Screenshots go here when set (to look at the form), else to the test's temporary directory.
SHOTS = os.environ.get("ACUPATH_SCREENSHOTS")


def open_form(page: Page, server: Server) -> None:
    """Sign in as the clinician, open a patient's chart, follow "New intake", choose low back pain."""
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/patients/{server.patient_ids[0]}")
    page.get_by_role("link", name="New intake").click()
    page.get_by_label("Condition").select_option("chronic_low_back_pain")
    page.get_by_role("button", name="Show its questionnaires").click()
    expect(page.locator("fieldset#questionnaires\\.odi")).to_be_visible()


def test_an_intake_is_scored_live_screened_overridden_and_planned(page: Page, server: Server) -> None:
    open_form(page, server)
    assert serious_violations(page) == []
    page.get_by_label("Pain now (NRS 0 to 10)").fill("6")
    page.get_by_label("Duration in weeks").fill("30")
    page.get_by_label("Sites").fill("lower_back")
    page.get_by_label("Anticoagulant").check()
    page.get_by_label("First visit").fill("2026-12-01")
    page.get_by_label("Tue").check()
    page.get_by_label("Fri").check()
    live = page.locator("#score-odi")
    for number, value in enumerate(ODI[:-1], start=1):
        answer(page, "odi", f"q{number}", value)
    expect(live).to_contain_text("Total 40")  # 18 of 45 with one section left blank
    answer(page, "odi", "q10", 5)
    expect(live).to_contain_text("Total 46")  # 23 of 50
    answer(page, "odi", "q10", ODI[-1])
    expect(live).to_contain_text("Total 40")
    for number in range(1, 10):
        answer(page, "phq9", f"q{number}", 0)
    page.get_by_role("button", name="Record the intake and screen it").click()
    page.wait_for_url(re.compile(r"/clinic/intakes/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", name=re.compile("Bleeding risk caution"))).to_contain_text("Caution")
    assert serious_violations(page) == []
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "screening.png"), full_page=True)
    reason = page.get_by_label(re.compile("Override reason")).first
    reason.fill("ok")
    page.get_by_role("button", name="Create plan").click()
    expect(page.locator(".error-summary")).to_contain_text("Bleeding risk caution")
    page.get_by_label(re.compile("Override reason")).first.fill(
        "INR in range today; superficial needling only and firm pressure after withdrawal")
    page.get_by_role("button", name="Create plan").click()
    page.wait_for_url(re.compile(r"/clinic/plans/[0-9a-f]{32}$"))


@pytest.mark.parametrize("width", [1280, 768])
def test_the_intake_form_fits_the_screen(page: Page, server: Server, width: int, tmp_path: Path) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    open_form(page, server)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the form scrolls sideways by {overflow} px at {width} px"
    shots = Path(SHOTS or tmp_path)
    page.screenshot(path=str(shots / f"intake-form-{width}.png"), full_page=False)
    page.locator("fieldset#questionnaires\\.odi").screenshot(path=str(shots / f"intake-odi-{width}.png"))
