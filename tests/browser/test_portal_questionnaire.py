"""Issue 14's "done when": a patient on a 360 px phone fills in a PHQ-9 with item 9 = 1 on the portal and is
shown the crisis contacts at once; the clinician's today list then shows the urgent task, first."""

from __future__ import annotations

from datetime import date

from browser_steps import Server, serious_violations, sign_in
from playwright.sync_api import Browser, Page, expect

from acupath.services import patient_records, patients
from acupath.services.actor import Actor, Role
from acupath.services.portal import invitations
from acupath.services.records.clinical import PlanStatus

PHONE = {"width": 360, "height": 740}


def _active_plan(server: Server):
    clinician = Actor(user_id="browser-tests", clinic_id=server.clinic_id, role=Role.CLINICIAN)
    for patient in patients.list_patients(server.uow_factory(), clinician, limit=50).items:
        for plan in patient_records.list_plans(server.uow_factory(), clinician, patient.id).items:
            if plan.status == PlanStatus.ACTIVE.value and plan.plan["phases"][0]["starts"] <= date.today().isoformat():
                return patient, plan
    raise AssertionError("the demo clinic has no active plan that has started")


def test_a_patient_on_a_phone_answers_item_9_and_the_clinician_sees_the_urgent_task(
        server: Server, page: Page, browser: Browser) -> None:
    patient, plan = _active_plan(server)
    # The clinician assigns the PHQ-9 from the plan's questionnaires page (desktop).
    sign_in(page, server, "clinician")
    page.goto(f"{server.url}/clinic/plans/{plan.id}/questionnaires")
    page.get_by_label("Questionnaire", exact=True).select_option("phq9")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The questionnaire is assigned")
    clinician = Actor(user_id="browser-tests", clinic_id=server.clinic_id, role=Role.CLINICIAN)
    link = invitations.invite_patient(server.uow_factory(), clinician, patient.id).token

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.goto(f"{server.url}/portal/link?token={link}")
    mobile.get_by_label("Email address").fill("questionnaire.phone@example.org")
    mobile.get_by_label("Create a password").fill("harbour tide lantern 42")
    mobile.get_by_role("button", name="Save password and sign in").click()
    mobile.get_by_role("link", name="Questionnaires").click()
    # Each card keeps its text off its border (the list's item style took its side padding).
    assert mobile.locator("li.portal-card").first.evaluate("card => getComputedStyle(card).paddingLeft") != "0px"
    mobile.get_by_role("link", name="Start Patient Health Questionnaire-9").click()
    for number in range(1, 9):
        expect(mobile.get_by_text(f"Question {number} of 10")).to_be_visible()
        mobile.get_by_label("Several days").check()
        mobile.get_by_role("button", name="Save and continue").click()
    expect(mobile.get_by_role("heading", name="Thoughts that you would be better off dead", exact=False)).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    assert serious_violations(mobile) == []
    mobile.get_by_label("Several days").check()
    mobile.get_by_role("button", name="Save and continue").click()
    # At once, before the questionnaire is finished: the crisis contacts.
    expect(mobile.get_by_role("heading", name="Help is there for you now")).to_be_visible()
    expect(mobile.get_by_role("link", name="Call 116 123")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(mobile) == []
    mobile.get_by_role("link", name="Continue the questionnaire").click()
    mobile.get_by_label("Not difficult at all").check()
    mobile.get_by_role("button", name="Save and continue").click()
    expect(mobile.get_by_role("heading", name="Check your answers")).to_be_visible()
    mobile.get_by_role("button", name="Send my answers").click()
    expect(mobile.get_by_role("heading", name="Your answers are sent")).to_be_visible()
    phone.close()

    # The clinician's today list: the urgent task first, with its word and icon, opening the patient.
    page.goto(f"{server.url}/clinic/today")
    urgent = page.locator("section.urgent-tasks")
    expect(urgent.get_by_role("heading", name="Urgent tasks")).to_be_visible()
    row = urgent.get_by_role("row").filter(has_text=f"{patient.family_name}, {patient.given_name}")
    expect(row).to_contain_text("Urgent")
    expect(row).to_contain_text("PHQ9 question 9")
    expect(row.locator("svg.icon")).to_have_count(1)
    row.get_by_role("link", name="Open the task").click()
    expect(page.get_by_text("Several days", exact=False).first).to_be_visible()
    page.get_by_label("What you did").fill("Phoned her at 14:10; safety plan agreed, GP seeing her today.")
    page.get_by_role("button", name="Resolve the task").click()
    expect(page.get_by_role("status")).to_contain_text("The urgent task is resolved")

