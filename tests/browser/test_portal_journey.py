"""A patient on a phone (360 px): the clinician's invitation link, a password refused then set, the plan
in plain language, sessions, the record, sign-out. Every portal page fits 360 px and passes axe-core."""

from __future__ import annotations

import os
import re
from pathlib import Path

from browser_steps import Server, serious_violations, sign_in
from playwright.sync_api import Browser, Page, expect

#: Screenshots go here when set (to look at the pages), else to the test's temporary directory.
SHOTS = os.environ.get("ACUPATH_SCREENSHOTS")
PHONE = {"width": 360, "height": 740}
PASSWORD = "tide lantern harbour 91"


def invitation_link(page: Page, server: Server, patient_id: str) -> str:
    """As the signed-in clinician, invite the patient from their chart; return the link shown."""
    page.goto(f"{server.url}/clinic/patients/{patient_id}")
    page.get_by_role("button", name=re.compile("Invite to the portal|Send a new invitation link")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portal invitation for")
    expect(page.get_by_role("img", name=re.compile("QR code of the portal invitation"))).to_be_visible()
    return page.get_by_label("Link").input_value()


def _not_invited(page: Page, server: Server, patient_id: str) -> bool:
    page.goto(f"{server.url}/clinic/patients/{patient_id}")
    return "Not invited yet" in page.content()


def fits(page: Page) -> None:
    """Assert that the page needs no sideways scrolling at its width and has no serious axe violation."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
    assert serious_violations(page) == []


def test_a_patient_sets_up_the_portal_on_a_phone_and_reads_their_plan(
        browser: Browser, server: Server, tmp_path: Path) -> None:
    shots = Path(SHOTS) if SHOTS else tmp_path
    staff = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(staff, server, "clinician")
    # A patient of the demo clinic the portal has not seen yet (the demo set one up and invited one).
    patient_id = next(pid for pid in server.patient_ids[::-1] if _not_invited(staff, server, pid))
    link = invitation_link(staff, server, patient_id)
    assert link.startswith(f"{server.url}/portal/link?token=")

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Set up your patient portal")
    fits(phone)
    phone.screenshot(path=str(shots / "portal-link-360.png"), full_page=True)
    phone.get_by_label("Email address").fill("phone.patient@example.org")
    phone.get_by_label("Create a password").fill("password1234")
    phone.get_by_role("button", name="Save password and sign in").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Password: is a commonly used password")
    expect(summary).to_be_focused()
    expect(phone.get_by_label("Email address")).to_have_value("phone.patient@example.org")
    fits(phone)
    phone.get_by_label("Create a password").fill(PASSWORD)
    phone.get_by_role("button", name="Save password and sign in").click()

    phone.wait_for_url(f"{server.url}/portal")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello ")
    expect(phone.get_by_role("heading", name="Your plan, phase by phase")).to_be_visible()
    expect(phone.get_by_text("What it is for:").first).to_be_visible()
    expect(phone.get_by_role("heading", name="What a session is like")).to_be_visible()
    fits(phone)
    phone.screenshot(path=str(shots / "portal-home-360.png"), full_page=True)
    for name, heading in (("Sessions", "Your upcoming sessions"), ("Handouts", "Your handouts"),
                          ("Your record", "Your record")):
        phone.get_by_role("navigation", name="Portal").get_by_role("link", name=name).click()
        expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
        fits(phone)
    phone.get_by_role("link", name="See who looked at your record").click()
    expect(phone.get_by_role("table")).to_contain_text("Invited you to the portal")
    fits(phone)

    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("status")).to_have_text("You have signed out.")
    fits(phone)
    phone.goto(f"{server.url}/portal")
    expect(phone).to_have_url(f"{server.url}/portal/sign-in")
    phone.goto(link)  # the invitation was used
    expect(phone.get_by_role("heading", level=1)).to_have_text("This link does not work")

    phone.goto(f"{server.url}/portal/sign-in")
    phone.get_by_label("Email address").fill("phone.patient@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(f"{server.url}/portal")
