"""Registering, finding and reading patients through the pages; what each role sees; the day's list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from test_session_charting import TODAY as CHARTING_DAY
from test_session_charting import clinician as charting_actor
from test_session_charting import fresh_plan
from web_world import Site, noon

from acupath.services import amendments, patient_records, patients, plans, sessions
from acupath.services.actor import Actor, Role

CHART_LINK = re.compile(r'href="/clinic/patients/([0-9a-f]{32})"')


def first_patient_id(site: Site) -> str:
    """Return the id of the first patient of the demo clinic's list."""
    return CHART_LINK.findall(site.as_("clinician").get("/clinic/patients").text)[0]


def test_registering_with_problems_names_every_field_and_keeps_what_was_typed(site: Site) -> None:
    reception = site.as_("reception")
    answer = reception.post_form("/clinic/patients/new", "/clinic/patients/new", {
        "given_name": "", "family_name": "Ngata", "birth_date": "1975-02-30", "sex": "", "mrn": "HB-7",
        "phone": "+64 21 000", "email": "aroha@"})
    assert answer.status_code == 422
    summary = re.findall(r'<li><a href="#([a-z_]+)">', answer.text)
    assert summary == ["given_name", "birth_date", "sex", "email"]
    assert '<a href="#email">Email: enter an email address, like name@example.org</a>' in answer.text
    assert 'id="birth_date-error"' in answer.text and 'aria-invalid="true"' in answer.text
    for typed in ('value="Ngata"', 'value="1975-02-30"', 'value="HB-7"', 'value="+64 21 000"', 'value="aroha@"'):
        assert typed in answer.text


def test_a_birth_date_in_the_future_is_a_form_error_from_the_service(site: Site) -> None:
    reception = site.as_("reception")
    answer = reception.post_form("/clinic/patients/new", "/clinic/patients/new", {
        "given_name": "Ana", "family_name": "Later", "birth_date": "2150-01-01", "sex": "female"})
    assert answer.status_code == 422
    assert '<a href="#birth_date">Date of birth: must not be in the future' in answer.text


def test_a_future_birth_date_is_named_with_the_other_problems_not_after_them(site: Site) -> None:
    # It was found by the service only, after the form's other problems were mended: one more round.
    clinician = Actor(user_id="test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    patient = patients.register_patient(site.uow_factory(), clinician, {
        "given_name": "Ana", "family_name": "Now", "birth_date": "1980-05-06", "sex": "female"})
    for path in ("/clinic/patients/new", f"/clinic/patients/{patient.id}/details"):
        answer = site.as_("reception").post_form(path, path, {"given_name": "", "family_name": "Later",
                                                              "birth_date": "2150-01-01", "sex": "female"})
        assert answer.status_code == 422
        assert re.findall(r'<li><a href="#([a-z_]+)">', answer.text) == ["given_name", "birth_date"]


def test_a_phone_that_is_no_number_is_named_with_an_example(site: Site) -> None:
    answer = site.as_("reception").post_form("/clinic/patients/new", "/clinic/patients/new", {
        "given_name": "Ana", "family_name": "Words", "birth_date": "1980-05-06", "sex": "female",
        "phone": "call me maybe"})
    assert answer.status_code == 422 and '<a href="#phone">Phone: enter a phone number in digits' in answer.text
    assert 'value="call me maybe"' in answer.text


def test_a_used_mrn_is_a_form_error_naming_the_mrn(site: Site) -> None:
    reception = site.as_("reception")
    fields = {"given_name": "Kiri", "family_name": "Twice", "birth_date": "1980-05-05", "sex": "female",
              "mrn": "WEB-DUP-1"}
    assert reception.post_form("/clinic/patients/new", "/clinic/patients/new", fields).status_code == 303
    again = reception.post_form("/clinic/patients/new", "/clinic/patients/new", fields)
    assert again.status_code == 422
    assert '<a href="#mrn">' in again.text


def test_reception_registers_a_patient_and_finds_them_by_name(site: Site) -> None:
    reception = site.as_("reception")
    done = reception.post_form("/clinic/patients/new", "/clinic/patients/new", {
        "given_name": "Huia", "family_name": "Registered", "birth_date": "1990-07-14", "sex": "female"})
    assert done.status_code == 303
    chart = reception.get(done.headers["location"])
    assert "Registered, Huia" in chart.text and "14 Jul 1990" in chart.text
    found = reception.get("/clinic/patients?q=Registered")
    assert done.headers["location"].split("?")[0] in found.text


def test_reception_sees_demographics_and_schedule_but_no_clinical_record(site: Site) -> None:
    patient_id = first_patient_id(site)
    seen = site.as_("reception").get(f"/clinic/patients/{patient_id}")
    assert seen.status_code == 200
    assert "Schedule" in seen.text and "Date of birth" in seen.text
    for clinical in ("Findings", "Adverse events", "Reassessments", "Plan history", "Responder status"):
        assert clinical not in seen.text


def test_reception_sees_when_the_patient_is_due_next(site: Site) -> None:
    # The front desk saw only the sessions given, never the next visit the plan has dated.
    clinician = Actor(user_id="test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    patient_id = first_patient_id(site)
    plan = patient_records.list_plans(site.uow_factory(), clinician, patient_id).items[-1]
    given = {s.number for s in sessions.list_sessions(site.uow_factory(), clinician, plan.id, limit=200).items}
    due = [v for v in plan.plan["sessions"] if v["number"] not in given and v["date"] >= "2026-12-01"]
    seen = site.as_("reception").get(f"/clinic/patients/{patient_id}").text
    assert "<caption>Next visits planned</caption>" in seen
    first = date.fromisoformat(due[0]["date"])
    assert f"<tr><td>{due[0]['number']}</td><td class=\"nowrap\">{first.strftime('%A')} {first.day} " in seen


def test_the_clinician_sees_the_chart_with_findings_plan_position_and_sessions(site: Site) -> None:
    patient_id = first_patient_id(site)
    chart = site.as_("clinician").get(f"/clinic/patients/{patient_id}")
    assert chart.status_code == 200
    for section in ("Findings", "Sessions", "Adverse events", "Reassessments", "Plan history"):
        assert f">{section}</h2>" in chart.text
    assert re.search(r"\d+ of \d+ sessions given", chart.text)
    # The latest status is judged on the latest measures, a session's pain NRS included, in the words the
    # progress page and the report use (``outcomes.verdict``).
    assert re.search(r"Responder status: (Too early to judge|(Responding|Not responding|Not known) at session \d+)",
                     chart.text)
    # Each score then its band after a colon: a band with its own note read "PCS 36 (... (75th percentile))".
    scores = chart.text.split('id="reassessments-title"')[1].split("</table>")[0]
    assert re.search(r"<td>[A-Z0-9 ]+ \d+(\.\d+)?: [a-z]", scores) and "))" not in scores


def test_a_clinician_of_another_clinic_gets_404_on_every_page_of_the_patient(site: Site) -> None:
    patient_id = first_patient_id(site)
    outsider = site.as_("outsider")
    assert outsider.get(f"/clinic/patients/{patient_id}").status_code == 404
    listed = outsider.get("/clinic/patients")
    assert patient_id not in listed.text
    assert patient_id not in outsider.get("/clinic/today").text


@pytest.mark.parametrize("path", ["/clinic/patients/nope", "/clinic/patients/" + "f" * 32])
def test_an_unknown_patient_is_the_404_page(site: Site, path: str) -> None:
    answer = site.as_("clinician").get(path)
    assert answer.status_code == 404
    assert "Page not found" in answer.text


def test_a_cursor_not_given_out_by_the_list_is_a_form_error_not_a_500(site: Site) -> None:
    answer = site.as_("clinician").get("/clinic/patients?cursor=bm90LWEtY3Vyc29y")
    assert answer.status_code == 200
    assert 'href="#cursor"' in answer.text


def test_todays_list_shows_each_patient_due_with_the_visit_and_badges_in_words(site: Site) -> None:
    clinician = Actor(user_id="test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    listed = patients.list_patients(site.uow_factory(), clinician, limit=50).items
    plan = patient_records.list_plans(site.uow_factory(), clinician, listed[0].id).items[-1]
    visit = next(s for s in plan.plan["sessions"] if date.fromisoformat(s["date"]) > date(2026, 12, 1))
    api_state = site.app.state.acupath
    api_state.clock = lambda: noon(date.fromisoformat(visit["date"]))
    try:
        page = site.as_("clinician").get("/clinic/today").text
    finally:
        api_state.clock = lambda: noon(date(2026, 12, 1))
    row = page[page.index(f"/clinic/patients/{listed[0].id}"):]
    row = row[:row.index("</tr>")]
    assert f">{visit['number']} of {len(plan.plan['sessions'])}</td>" in row
    assert "No alerts" in row or 'class="badge' in row
    # On a phone the MRN column gives way to the MRN under the name (the table was 526 px wide at 390 px).
    if listed[0].mrn:
        assert f'<span class="mrn-inline" aria-hidden="true">{listed[0].mrn}</span>' in row and 'class="nowrap mrn-col"' in row


def test_reception_sees_todays_list_without_clinical_badges(site: Site) -> None:
    api_state = site.app.state.acupath
    clinician = Actor(user_id="test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    flagged_days = {visit["date"] for patient in patients.list_patients(site.uow_factory(), clinician, limit=50).items
                    for plan in patient_records.list_plans(site.uow_factory(), clinician, patient.id).items
                    if any(f["kind"] == "red_flag" for f in plan.plan.get("findings") or [])
                    for visit in plan.plan["sessions"]}
    assert flagged_days, "the demo should plan visits for a patient with a red flag"
    day = date.fromisoformat(min(flagged_days))
    api_state.clock = lambda: noon(day)
    try:
        seen = {persona: site.as_(persona).get("/clinic/today").text for persona in ("clinician", "reception")}
    finally:
        api_state.clock = lambda: noon(date(2026, 12, 1))
    assert "Red flag" in seen["clinician"]
    assert "Red flag" not in seen["reception"] and "Non-responder" not in seen["reception"]


def test_a_day_with_no_visit_says_so(site: Site) -> None:
    api_state = site.app.state.acupath
    api_state.clock = lambda: noon(date(2031, 1, 1))
    try:
        page = site.as_("clinician").get("/clinic/today").text
    finally:
        api_state.clock = lambda: noon(date(2026, 12, 1))
    assert "No visits planned today" in page


def test_pages_carry_their_policy_and_no_inline_script_or_style(site: Site) -> None:
    clinician = site.as_("clinician")
    signed_out = site.client().get("/sign-in")
    assert "form-action 'self'" in signed_out.headers["content-security-policy"]
    for path in ("/clinic/today", "/clinic/patients", "/clinic/patients/new",
                 f"/clinic/patients/{first_patient_id(site)}"):
        page = clinician.get(path)
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        assert not re.search(r"<script(?![^>]*\ssrc=)", page.text), path
        assert " style=" not in page.text and "<style" not in page.text, path


def test_an_address_that_is_no_page_is_the_404_page(site: Site) -> None:
    answer = site.as_("clinician").get("/clinic/no/such/page")
    assert answer.status_code == 404 and "Page not found" in answer.text


def test_a_control_character_in_a_field_is_a_form_error_naming_it(site: Site) -> None:
    reception = site.as_("reception")
    answer = reception.post_form("/clinic/patients/new", "/clinic/patients/new", {
        "given_name": "Ana\x00", "family_name": "Null", "birth_date": "1980-01-01", "sex": "female"})
    assert answer.status_code == 422
    assert '<a href="#given_name">Given name: remove the control character' in answer.text


def test_a_search_too_long_is_a_form_error_not_a_500(site: Site) -> None:
    answer = site.as_("clinician").get("/clinic/patients", params={"q": "x" * 5000})
    assert answer.status_code == 200
    assert '<a href="#q">Search: at most 200 characters' in answer.text


def test_what_a_patient_record_holds_is_shown_as_text_never_as_markup(site: Site) -> None:
    reception = site.as_("reception")
    done = reception.post_form("/clinic/patients/new", "/clinic/patients/new", {
        "given_name": "<script>alert(1)</script>", "family_name": "<b>Bold</b>", "birth_date": "1980-01-01",
        "sex": "other"})
    chart = reception.get(done.headers["location"]).text
    assert "<script>alert(1)</script>" not in chart and "<b>Bold</b>" not in chart
    assert "&lt;b&gt;Bold&lt;/b&gt;, &lt;script&gt;alert(1)&lt;/script&gt;" in chart


def test_an_amended_record_links_from_the_chart_to_what_changed_who_and_why(site: Site) -> None:
    clinician = Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    treated = [(patient.id, given[0]) for patient in patients.list_patients(site.uow_factory(), clinician).items
               for plan in patient_records.list_plans(site.uow_factory(), clinician, patient.id).items
               if (given := sessions.list_sessions(site.uow_factory(), clinician, plan.id).items)]
    patient_id, given = treated[0]
    event = sessions.record_adverse_event(site.uow_factory(), clinician, patient_id, {
        "occurred_on": given.session_date.isoformat(), "type": "bruising", "severity": "mild",
        "outcome": "ongoing", "session_id": given.id})
    amendments.amend_adverse_event(site.uow_factory(), clinician, event.id, {
        "version": 1, "changes": {"outcome": "resolved"}, "reason": "resolved at the next visit"})
    browser = site.as_("clinician")
    chart = browser.get(f"/clinic/patients/{patient_id}").text
    link = f"/clinic/records/adverse-event/{event.id}/history"
    assert f'href="{link}">amended, version 2</a>' in chart
    history = browser.get(link).text
    assert "Version 1 → 2" in history and "resolved at the next visit" in history
    assert "<td>outcome</td><td>ongoing</td><td>resolved</td>" in history
    assert site.as_("outsider").get(link).status_code == 404
    assert site.as_("reception").get(link).status_code == 403
    assert browser.get(f"/clinic/records/invoice/{event.id}/history").status_code == 404


def test_a_cursor_of_another_list_on_the_search_is_a_problem_named_on_the_page(site: Site) -> None:
    answer = site.as_("clinician").get("/clinic/patients?cursor=c2NoZWR1bGU6YWJj")  # "schedule:abc"
    assert answer.status_code == 200 and "cursor" in answer.text and "application/json" not in answer.headers[
        "content-type"]


def test_reception_changes_a_patients_details_and_a_stale_page_is_refused(site: Site) -> None:
    # No page changed a patient's details: a phone typed wrong or an MRN left blank stayed so.
    reception = site.as_("reception")
    clinician = Actor(user_id="test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    patient = patients.register_patient(site.uow_factory(), clinician, {
        "given_name": "Tui", "family_name": "Morgan", "birth_date": "1980-05-06", "sex": "female", "phone": "021 555"})
    page = f"/clinic/patients/{patient.id}/details"
    assert f'href="{page}">Change the details</a>' in reception.get(f"/clinic/patients/{patient.id}").text
    form = reception.get(page).text
    assert 'value="Tui"' in form and 'name="version" value="1"' in form
    fields = {"given_name": "Tui", "family_name": "Morgan", "birth_date": "1980-05-06", "sex": "female",
              "mrn": "HB-77001", "phone": "", "email": "", "version": "1"}
    blank = reception.post_form(page, page, {**fields, "given_name": ""})
    assert blank.status_code == 422 and '<a href="#given_name">Given name: enter a value</a>' in blank.text
    assert 'value="HB-77001"' in blank.text  # nothing typed is lost
    saved = reception.post_form(page, page, fields)
    assert saved.status_code == 303 and saved.headers["location"] == f"/clinic/patients/{patient.id}?changed=1"
    stored = patients.get_patient(site.uow_factory(), clinician, patient.id)
    assert (stored.mrn, stored.phone, stored.version) == ("HB-77001", None, 2)  # a blank box clears the phone
    stale = reception.post_form(page, page, {**fields, "family_name": "Morgans", "version": "1"})
    assert stale.status_code == 422 and "Someone changed these details since you opened this page" in stale.text
    assert patients.get_patient(site.uow_factory(), clinician, patient.id).family_name == "Morgan"
    assert site.as_("outsider").get(page).status_code == 404


def test_a_discontinued_plan_on_the_chart_has_no_next_session(site: Site) -> None:
    # A discontinued plan's chart still said "session 2 of 17 next" (walk-through).
    record = fresh_plan(site)
    plans.amend_plan(site.uow_factory(), charting_actor(site), record.id, site.app.state.acupath.kb,
                     expected_version=record.version, status="discontinued", note="moved away", today=CHARTING_DAY)
    page = site.as_("clinician").get(f"/clinic/patients/{record.patient_id}").text
    lead = " ".join(page.split('<p class="lead">')[1].split("</p>")[0].split())
    assert "discontinued: no more sessions under it." in lead and " next" not in lead
    assert "0 of " in lead and "sessions given" in lead
