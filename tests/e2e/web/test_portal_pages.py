"""The patient's portal pages: the plan in plain language, sessions, handouts, the access log and the
record download; and that no page shows anything of another patient."""

from __future__ import annotations

import json
import re

import pytest
from portal_world import clinician, demo_patients, portal_sign_in, set_up
from web_world import Browser, Site

from acupath.services import patients
from acupath.services.audit import audited


@pytest.fixture(scope="module")
def anna(site: Site) -> Browser:
    """The first demo patient, set up on the portal."""
    patient = demo_patients(site, 1)[0]
    return set_up(site, patient.id, "pages.patient@example.org")


def _patient(site: Site, index: int):
    return demo_patients(site, index + 1)[index]


def test_home_explains_the_plan_phase_by_phase_with_its_dates(site: Site, anna: Browser) -> None:
    page = anna.get("/portal")
    assert page.status_code == 200
    assert "Your plan, phase by phase" in page.text
    for title in ("1. Relief", "2. Activation", "3. Consolidation", "What it is for:", "What to expect:"):
        assert title in page.text
    assert "What a session is like" in page.text
    assert 'aria-current="page">Your plan' in page.text


def test_sessions_lists_the_schedule_after_today_and_handouts_explain_the_components(site: Site,
                                                                                     anna: Browser) -> None:
    sessions = anna.get("/portal/sessions")
    assert sessions.status_code == 200
    assert "Your upcoming sessions" in sessions.text
    handouts = anna.get("/portal/handouts")
    assert handouts.status_code == 200
    assert "Why:" in handouts.text and "At home:" in handouts.text
    # The clinician's instructions ("refer for ...", "PHQ-9 item 9 ...") are not the patient's handout.
    assert "Your plan says:" not in handouts.text


def test_the_access_log_names_staff_by_name_and_role_never_by_id(site: Site, anna: Browser) -> None:
    patient = _patient(site, 0)
    staff = clinician(site)
    patients.get_patient(site.uow_factory(), staff, patient.id)  # Dr Lee opens the record
    page = anna.get("/portal/record/access")
    assert page.status_code == 200
    assert "Dr Mei Lee" in page.text and "clinician" in page.text and "Opened your details" in page.text
    assert staff.user_id not in page.text
    assert "Invited you to the portal" in page.text


def test_the_access_log_says_each_read_in_words_never_its_code(site: Site, anna: Browser) -> None:
    # The patient read "session: list" and "report: render (refused)".
    patient = _patient(site, 0)
    doctor = site.as_("clinician")
    doctor.get(f"/clinic/patients/{patient.id}")
    doctor.get(f"/clinic/patients/{patient.id}/documents/record.pdf")
    page = anna.get("/portal/record/access").text
    assert "Made a document of your record (PDF)" in page and "Read your sessions" in page
    assert not re.search(r"<td>[a-z_]+: [a-z_]+", page), "an action shown as its code"


def test_the_access_log_pages_by_cursor_and_refuses_a_forged_one(site: Site, anna: Browser) -> None:
    patient = _patient(site, 0)
    staff = clinician(site)
    for _ in range(30):
        with site.uow_factory() as uow, audited(uow, staff, "patient.read", "patient", patient.id, patient.id):
            pass
    first = anna.get("/portal/record/access")
    assert "Older entries" in first.text
    cursor = first.text.split("/portal/record/access?cursor=", 1)[1].split('"', 1)[0]
    older = anna.get(f"/portal/record/access?cursor={cursor}")
    assert older.status_code == 200 and "Newest" in older.text
    assert anna.get("/portal/record/access?cursor=bm90LW91cnM6MQ").status_code == 422


def test_the_download_holds_the_whole_record_and_only_this_patients(site: Site, anna: Browser) -> None:
    patient = _patient(site, 0)
    download = anna.get("/portal/record.json")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="my-health-record.json"'
    record = json.loads(download.text)
    assert record["patient"]["id"] == patient.id
    assert set(record) >= {"intakes", "screenings", "plans", "sessions", "adverse_events", "reassessments",
                           "amendments"}
    with site.uow_factory() as uow:
        own = {p.id for p in uow.plans.list_for_patient(patient.clinic_id, patient.id)}
        sessions = {s.id for s in uow.sessions.list_for_patient(patient.clinic_id, patient.id)}
    assert {p["id"] for p in record["plans"]} == own and {s["id"] for s in record["sessions"]} == sessions
    assert record["intakes"][0]["scores"] and record["screenings"][0]["findings"] is not None
    assert all(s["recorded_by"] in ("Dr Mei Lee (clinician)", "Dr Arjun Patel (clinician)")
               for s in record["sessions"])


def test_no_portal_address_shows_another_patients_anything(site: Site, anna: Browser) -> None:
    other = _patient(site, 1)
    for path in (f"/portal/{other.id}", f"/portal/record/{other.id}", f"/portal/sessions/{other.id}"):
        assert anna.get(path).status_code == 404
    for path in ("/portal", "/portal/sessions", "/portal/handouts", f"/portal?patient_id={other.id}",
                 f"/portal/record.json?patient_id={other.id}"):
        page = anna.get(path)
        assert page.status_code == 200
        assert other.id not in page.text
    assert anna.get(f"/clinic/patients/{other.id}").status_code == 303  # the staff sign-in page
    assert anna.get(f"/patients/{other.id}").status_code == 401


def test_a_second_patient_sees_their_own_plan_only(site: Site) -> None:
    other = _patient(site, 1)
    ben = set_up(site, other.id, "second.pages.patient@example.org")
    assert f"Hello {other.given_name}" in ben.get("/portal").text
    record = json.loads(ben.get("/portal/record.json").text)
    assert record["patient"]["id"] == other.id
    assert portal_sign_in(site, "second.pages.patient@example.org").get("/portal").status_code == 200


def test_the_record_downloads_as_a_pdf_too(site: Site, anna: Browser) -> None:
    assert 'href="/portal/record.pdf"' in anna.get("/portal/record").text
    pdf = anna.get("/portal/record.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and "attachment" in pdf.headers["content-disposition"]
