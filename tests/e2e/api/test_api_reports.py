"""``GET /patients/{id}/reports/{kind}.pdf``: every document as PDF, read back with pdftotext, on SQLite and
PostgreSQL; the refusals (another clinic 404, reception 403, unknown kind 422, a document that cannot be
made 409) and the audit entry of each rendering."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from api_world import World, example_intake

from acupath.knowledge import load_knowledge
from acupath.reports.locale_formats import format_day
from acupath.services.records import AuditQuery
from pdf_text import pdf_pages, pdf_text

KINDS = ("plan", "progress", "ncd", "referral", "superbill", "record")


def _get(world: World, persona: str, patient: str, kind: str) -> Any:
    return world.call(persona, "GET", f"/patients/{patient}/reports/{kind}.pdf")


def _pdf(world: World, kind: str, patient: str | None = None) -> str:
    response = _get(world, "dr_lee", patient or world.ids["patient"], kind)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="acupath-{kind}-') and disposition.endswith('.pdf"')
    assert "Harbour" not in disposition  # the patient's name is never in the file name
    assert pdf_pages(response.content) >= 1
    return pdf_text(response.content)


def _plan(world: World) -> dict[str, Any]:
    return world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}").json()


def test_the_progress_report_gives_baseline_and_current_scores_with_their_mcid_verdicts(world: World) -> None:
    text = _pdf(world, "progress")
    progress = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}/progress").json()
    assert "Progress report" in text and "Mei Harbour" in text and "Page 1 of" in text
    latest = progress["latest"]["changes"]
    assert latest, "the seeded session's pain NRS is a measure against the baseline"
    kb = load_knowledge()
    for change in latest:
        assert kb.instruments.get(change["instrument"]).name in text
    verdicts = {"MCID reached" if c["mcid_reached"] else "MCID not reached" for c in latest if not c["worsened"]}
    for verdict in verdicts:
        assert verdict in text
    session_day = world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}/sessions").json()["items"][0]["session_date"]
    assert format_day(date.fromisoformat(session_day), "en-GB") in text
    assert "bruising" in text  # the adverse event
    assert "Sessions given" in text and "Manual" in text  # the seeded session, without EA


def test_the_plan_document_lists_the_dated_sessions_and_the_handouts(world: World) -> None:
    text = _pdf(world, "plan")
    plan = _plan(world)["plan"]
    assert "Your treatment plan" in text
    for session in plan["sessions"][:3]:
        assert format_day(date.fromisoformat(session["date"]), "en-GB") in text
    guide = load_knowledge().patient_guide
    for component in plan["components"]:  # each by its handout's title, the patient's words
        handout = guide.handout(component["id"])
        assert (handout.title if handout is not None else component["title"]) in text
    assert plan["points"][0]["code"] in text


def test_the_ncd_document_says_met_only_when_progress_documents_improvement(world: World) -> None:
    text = _pdf(world, "ncd")
    alerts = {a["code"] for a in world.call("dr_lee", "GET", f"/plans/{world.ids['plan']}/progress").json()["alerts"]}
    assert "NCD 30.3.3" in text and "Up to 12 visits in 90 days are covered" in text
    expected = "met" if "medicare_extension_eligible" in alerts else "not met"
    assert f"Documented improvement: {expected}" in text
    assert " 1 of 12 " in text and " 1 of 20" in text  # the one seeded session, in the 90 days and the year


def test_the_superbill_codes_each_session_by_cpt_and_icd_10(world: World) -> None:
    text = _pdf(world, "superbill")
    # The seeded session is manual: the initial code without electrical stimulation, and no EA code.
    assert "97810" in text and "M54.50" in text and "Low back pain, unspecified" in text
    table = text.split("How the codes were chosen")[0]
    assert "97813" not in table and "97811" not in table


def test_the_whole_record_holds_demographics_intake_scores_sessions_events_and_reassessments(world: World) -> None:
    text = _pdf(world, "record")
    for words in ("Health record", "Mei Harbour", "Intakes", "Safety screenings", "Plans", "Sessions",
                  "bruising", "Questionnaires during treatment", "PEG"):
        assert words in text, words


def test_a_referral_letter_for_a_patient_without_a_red_flag_is_refused_with_the_reason(world: World) -> None:
    response = _get(world, "dr_lee", world.ids["patient"], "referral")
    assert response.status_code == 409
    assert "no red flag" in response.json()["detail"]


def test_a_referral_letter_names_the_red_flag_its_urgency_its_sources_and_what_was_not_done(world: World) -> None:
    patient = world.call("dr_lee", "POST", "/patients", {
        "given_name": "Ravi", "family_name": "Quay", "birth_date": "1960-02-03", "sex": "male"}).json()
    intake = world.call("dr_lee", "POST", f"/patients/{patient['id']}/intakes",
                        example_intake("safety_cauda_equina")).json()
    screened = world.call("dr_lee", "POST", f"/intakes/{intake['id']}/screenings", {})
    assert screened.status_code == 201, screened.text
    text = pdf_text(_get(world, "dr_lee", patient["id"], "referral").content)
    flat = text
    assert "Urgent: emergency or same-day medical assessment" in flat
    assert "cauda equina" in flat
    assert "Agency for Health Care Policy and Research" in flat  # the finding's source (AHCPR 1994)
    assert "What was not done, and why" in flat and "No acupuncture" in flat
    assert "The patient has had no acupuncture session with us." in flat
    # Nothing to bill, no plan: those documents are refused with their reason, never an empty PDF.
    for kind, words in (("superbill", "nothing to bill"), ("plan", "no treatment plan")):
        refused = _get(world, "dr_lee", patient["id"], kind)
        assert refused.status_code == 409 and words in refused.json()["detail"]


def test_an_unknown_kind_is_422_naming_kind(world: World) -> None:
    response = _get(world, "dr_lee", world.ids["patient"], "invoice")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "kind" and "superbill" in error["allowed"]


@pytest.mark.parametrize("kind", KINDS)
def test_another_clinics_patient_is_404_and_reception_403(world: World, kind: str) -> None:
    assert _get(world, "dr_outsider", world.ids["patient"], kind).status_code == 404
    assert _get(world, "rita_reception", world.ids["patient"], kind).status_code == 403


def test_every_rendering_is_audited_with_the_patient_and_the_kind(world: World) -> None:
    _pdf(world, "record")
    with world.uow_factory() as uow:
        entries = uow.audit.search(world.clinic_ids["harbour_clinic"],
                                   AuditQuery(patient_id=world.ids["patient"], action="report.render"), None, 50)
    assert entries and entries[0].detail == "kind=record" and entries[0].outcome.value == "ok"
    assert entries[0].user_id == world.user_ids["dr_lee"]
