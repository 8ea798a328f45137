"""The administrator's journey in a real browser: create an account (the password policy's refusal shown
inline first), deactivate it while its clinician has a form open in another browser, whose submit then
goes to the sign-in page with nothing saved; the administration pages pass axe-core and fit 768 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_steps import Server, serious_violations, sign_in
from playwright.sync_api import Browser, Page, expect

#: Screenshots go here when set (to look at the pages), else to the test's temporary directory.
SHOTS = os.environ.get("ACUPATH_SCREENSHOTS")
PASSWORD = "copper lantern meadow 7"


def create_account(page: Page, server: Server, name: str, email: str, role: str) -> None:
    """As the signed-in administrator, create the account through the form (a refused password first)."""
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label(role, exact=False).first.check()
    page.get_by_label("Initial password").fill("Summer2024!!")
    page.get_by_role("button", name="Create the account").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Initial password: is a commonly used password")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Name")).to_have_value(name)
    expect(page.get_by_label("Initial password")).to_have_value("")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Initial password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("status")).to_have_text(f"The account of {name} is created: they can sign in now.")


def sign_in_as(page: Page, server: Server, email: str) -> None:
    """Sign in with ``email`` and the accounts' ``PASSWORD`` through the form."""
    page.goto(f"{server.url}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_deactivates_a_clinician_whose_open_form_then_fails_to_save(
        page: Page, browser: Browser, server: Server) -> None:
    sign_in(page, server, "admin")
    email = "jo.leaving@harbour.demo"
    create_account(page, server, "Dr Jo Leaving", email, "Clinician")

    clinician_context = browser.new_context()
    try:
        clinician = clinician_context.new_page()
        sign_in_as(clinician, server, email)
        expect(clinician).to_have_url(f"{server.url}/clinic/today")
        clinician.get_by_role("link", name="Register a patient").click()
        clinician.get_by_label("Given name").fill("Unsaved")
        clinician.get_by_label("Family name").fill("Afterleaving")
        clinician.get_by_label("Date of birth").fill("1975-06-01")
        clinician.get_by_label("Female").check()

        row = page.get_by_role("row").filter(has_text=email)
        row.get_by_role("link", name="Deactivate Dr Jo Leaving").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate Dr Jo Leaving?")
        page.get_by_role("button", name="Deactivate the account").click()  # no reason yet
        expect(page.get_by_role("alert")).to_contain_text("Reason: say why the account is deactivated")
        page.get_by_label("Reason").fill("left the clinic today")
        page.get_by_role("button", name="Deactivate the account").click()
        expect(page.get_by_role("status")).to_contain_text("Dr Jo Leaving is deactivated")
        expect(page.get_by_role("row").filter(has_text=email)).to_contain_text("Deactivated")

        clinician.get_by_role("button", name="Register the patient").click()
        expect(clinician).to_have_url(f"{server.url}/sign-in")
        expect(clinician.get_by_role("heading", level=1)).to_have_text("Sign in")
        sign_in_as(clinician, server, email)
        expect(clinician.get_by_role("alert")).to_contain_text("The email or password is wrong")
    finally:
        clinician_context.close()

    page.goto(f"{server.url}/clinic/patients?q=Afterleaving")
    expect(page.get_by_role("heading", name="No patient matches “Afterleaving”")).to_be_visible()
    page.goto(f"{server.url}/clinic/admin/audit?action=user.update")
    expect(page.locator("table.audit tbody tr").first).to_contain_text("active true -> false; reason: left the clinic today")


def test_the_last_administrator_is_told_why_they_cannot_step_down(page: Page, server: Server) -> None:
    sign_in(page, server, "admin")
    page.goto(f"{server.url}/clinic/admin/users")
    row = page.get_by_role("row").filter(has_text="admin@harbour.demo")
    row.get_by_label("Role of Ada Admin").select_option("clinician")
    row.get_by_role("button", name="Change role of Ada Admin").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("cannot demote or deactivate yourself")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Role of Ada Admin")).to_be_focused()
    expect(page.get_by_label("Role of Ada Admin")).to_have_value("admin")


def test_clinicians_see_no_administration_link_and_get_the_403_page(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    answer = page.goto(f"{server.url}/clinic/admin/audit")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not available to your role")


def test_the_administration_pages_have_no_serious_accessibility_violation(page: Page, server: Server) -> None:
    sign_in(page, server, "admin")
    found = {}
    for path in ("/clinic/admin/users", "/clinic/admin/users/new", "/clinic/admin/audit",
                 "/clinic/admin/audit?since=2026-02-30", "/clinic/admin/clinic"):
        page.goto(server.url + path)
        found[path] = serious_violations(page)
    page.goto(f"{server.url}/clinic/admin/users")
    page.get_by_role("row").filter(has_text="rita@harbour.demo").get_by_role("link", name="Deactivate").click()
    page.get_by_role("button", name="Deactivate the account").click()  # the confirmation with its error
    found["deactivate with errors"] = serious_violations(page)
    page.goto(f"{server.url}/clinic/admin/users/new")
    page.get_by_role("button", name="Create the account").click()
    found["new account with errors"] = serious_violations(page)
    page.goto(f"{server.url}/clinic/admin/users")
    page.get_by_role("row").filter(has_text="lee@harbour.demo").get_by_role("link", name="Licence and qualifications").click()
    found["licence"] = serious_violations(page)
    page.get_by_label("Expiry date").fill("1800-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["licence with errors"] = serious_violations(page)
    assert {path: v for path, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [1280, 768])
def test_the_administration_pages_fit_the_screen(page: Page, server: Server, width: int, tmp_path: Path) -> None:
    shots = Path(SHOTS) if SHOTS else tmp_path
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, server, "admin")
    for name, path in (("users", "/clinic/admin/users"), ("audit", "/clinic/admin/audit"),
                       ("new-user", "/clinic/admin/users/new"), ("clinic", "/clinic/admin/clinic")):
        page.goto(server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
        page.screenshot(path=str(shots / f"admin-{name}-{width}.png"), full_page=False)
    page.goto(f"{server.url}/clinic/admin/users")
    page.get_by_role("row").filter(has_text="lee@harbour.demo").get_by_role("link", name="Licence and qualifications").click()
    expect(page.get_by_role("heading", name="Licence and qualifications of Dr Mei Lee")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(shots / f"admin-licence-{width}.png"), full_page=False)
    page.goto(f"{server.url}/clinic/admin/users")
    page.get_by_role("row").filter(has_text="rita@harbour.demo").get_by_role("link", name="Deactivate").click()
    page.get_by_role("button", name="Deactivate the account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(shots / f"admin-deactivate-{width}.png"), full_page=False)
    rows = page.locator("table.audit tbody tr")
    page.goto(f"{server.url}/clinic/admin/audit")
    expect(rows.first).to_be_visible()
    assert re.search(r"\d{2}:\d{2}:\d{2}", rows.first.inner_text())


def test_every_header_link_stays_on_a_phone_screen(page: Page, server: Server) -> None:
    # "Administration" ran off the right edge at 390 px, white text on the light page.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server, "admin")
    for path in ("/clinic/today", "/clinic/admin/users/new"):
        page.goto(server.url + path)
        right = page.locator("header nav a").evaluate_all("links => links.map(a => a.getBoundingClientRect().right)")
        assert right and max(right) <= 390, f"{path}: a header link ends at {max(right)} px"
