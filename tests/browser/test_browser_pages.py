"""The pages in a real browser: sign in and out, the reception's journey, the chart, CSRF, clinics kept
apart, nothing loaded from elsewhere, accessibility (axe-core) and the keyboard."""

from __future__ import annotations

import re

from browser_steps import Server, serious_violations, sign_in
from playwright.sync_api import Page, expect

from web_clinic import EMAILS, PASSWORD


def test_signing_in_and_out(page: Page, server: Server) -> None:
    page.goto(server.url + "/")
    expect(page).to_have_url(f"{server.url}/sign-in")
    sign_in(page, server, "clinician")
    expect(page).to_have_url(f"{server.url}/clinic/today")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in\?signed_out=1$"))
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    page.goto(server.url + "/clinic/today")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))


def test_reception_registers_a_patient(page: Page, server: Server) -> None:
    sign_in(page, server, "reception")
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Given name").fill("Mereana")
    page.get_by_label("Family name").fill("Journey")
    page.get_by_label("Date of birth").fill("2150-03-01")
    page.get_by_label("Female").check()
    page.get_by_label("Medical record number (MRN) (optional)").fill("WEB-J-1")
    page.get_by_role("button", name="Register the patient").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Date of birth: must not be in the future")
    expect(summary).to_be_focused()  # read first by a screen reader (static/js/acupath.js)
    expect(page.get_by_label("Given name")).to_have_value("Mereana")
    expect(page.get_by_label("Medical record number (MRN) (optional)")).to_have_value("WEB-J-1")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Date of birth")).to_be_focused()
    page.get_by_label("Date of birth").fill("1984-03-01")
    page.get_by_role("button", name="Register the patient").click()
    expect(page.get_by_role("status")).to_have_text("The patient is registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey, Mereana")
    expect(page.get_by_text("Findings", exact=True)).to_have_count(0)  # reception: no clinical record
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_label("Find a patient by name or MRN").fill("WEB-J-1")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Journey, Mereana")).to_be_visible()


def test_the_chart_shows_the_findings_red_flags_first(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/patients/{server.red_flag_patient_id}")
    findings = page.locator(".findings > li")
    expect(findings.first).to_contain_text("Red flag")
    expect(page.get_by_role("heading", name="Now")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ of \d+ sessions given"))).to_be_visible()


def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/patients/new")
    page.locator('#main input[name="csrf_token"]').evaluate("input => input.remove()")
    page.get_by_label("Given name").fill("No")
    page.get_by_label("Family name").fill("Token")
    page.get_by_label("Date of birth").fill("1970-01-01")
    page.get_by_label("Male", exact=True).check()
    page.get_by_role("button", name="Register the patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form was not accepted")
    page.goto(f"{server.url}/clinic/patients?q=Token")
    expect(page.get_by_role("link", name="Token, No")).to_have_count(0)


def test_a_clinician_of_another_clinic_gets_404_on_every_page(page: Page, server: Server) -> None:
    sign_in(page, server, "outsider")
    for patient_id in server.patient_ids:
        answer = page.goto(f"{server.url}/clinic/patients/{patient_id}")
        assert answer is not None and answer.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    page.goto(f"{server.url}/clinic/patients")
    expect(page.get_by_role("heading", name="No patients yet")).to_be_visible()


def test_no_page_loads_anything_from_outside_the_server_or_breaks_its_policy(page: Page, server: Server) -> None:
    asked: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    sign_in(page, server, "clinician")
    for path in ("/clinic/today", "/clinic/patients", "/clinic/patients/new",
                 f"/clinic/patients/{server.red_flag_patient_id}"):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
    assert any(url.endswith("/static/vendor/htmx/htmx.min.js") for url in asked)
    page.goto(server.url + "/clinic/patients")
    page.get_by_label("Find a patient by name or MRN").press_sequentially("HB-10002", delay=20)
    expect(page.locator("table.list tbody tr")).to_have_count(1)  # htmx ran under the page's policy
    outside = [url for url in asked if not url.startswith(server.url + "/") and not url.startswith("data:")]
    assert outside == []
    assert [text for text in console if "Content Security Policy" in text] == []
    # The page names its icon: every page logged a 404 for /favicon.ico in the console.
    assert any(url.endswith("/static/favicon.svg") for url in asked) and not any("favicon.ico" in u for u in asked)
    assert [text for text in console if "404" in text] == []


def test_every_page_has_no_serious_accessibility_violation(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/sign-in")
    found = {"/sign-in": serious_violations(page)}
    sign_in(page, server, "clinician")
    for path in ("/clinic/today", "/clinic/patients", "/clinic/patients/new",
                 f"/clinic/patients/{server.red_flag_patient_id}", f"/clinic/patients/{server.red_flag_patient_id}/details",
                 "/clinic/patients/nope"):
        page.goto(server.url + path)
        found[path] = serious_violations(page)
    page.goto(f"{server.url}/clinic/patients/new")
    page.get_by_role("button", name="Register the patient").click()  # the form with its errors
    found["register with errors"] = serious_violations(page)
    assert {path: v for path, v in found.items() if v} == {}


def test_the_sign_in_form_works_with_the_keyboard_alone(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/sign-in")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(EMAILS["clinician"])
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server.url}/clinic/today")


def test_the_patient_list_narrows_as_the_search_is_typed(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/patients")
    rows = page.locator("table.list tbody tr")
    everyone = rows.count()
    assert everyone > 1
    page.get_by_label("Find a patient by name or MRN").press_sequentially("HB-10001", delay=20)
    expect(rows).to_have_count(1)  # htmx swapped the results in without a submit
    expect(page).to_have_url(re.compile(r"/clinic/patients\?q=HB-10001$"))


def test_a_search_after_the_session_ended_goes_to_the_sign_in_page(page: Page, server: Server) -> None:
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/patients")
    page.context.clear_cookies()
    page.get_by_label("Find a patient by name or MRN").press_sequentially("HB-10001", delay=20)
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fclinic%2Fpatients"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
