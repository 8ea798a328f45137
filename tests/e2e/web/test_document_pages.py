"""The documents from the pages: the chart, plan and progress pages link each PDF; the link answers the PDF
(attachment, no-store) made by the same code as the API; refusals are the 403, 404, 422 and 409 pages."""

from __future__ import annotations

import re

from test_plan_page import demo_plans
from web_world import Site

from acupath.services import patients
from acupath.services.actor import Actor, Role
from pdf_text import pdf_text

LINK = re.compile(r'href="(/clinic/patients/[0-9a-f]+/documents/([a-z]+)\.pdf)"')


def _patient_with_medicare_plan(site: Site) -> str:
    plans = [p for p in demo_plans(site) if p.plan["payer"] == "medicare"] or demo_plans(site)
    return plans[0].patient_id


def test_the_chart_plan_and_progress_pages_link_each_document_that_can_be_made(site: Site) -> None:
    # A link to a document that cannot be made downloaded the 409 page as "referral.pdf".
    clinician = site.as_("clinician")
    patient_id = _patient_with_medicare_plan(site)
    plan = next(p for p in demo_plans(site) if p.patient_id == patient_id)
    for page in (f"/clinic/patients/{patient_id}", f"/clinic/plans/{plan.id}", f"/clinic/plans/{plan.id}/progress"):
        html = clinician.get(page).text
        kinds = [kind for _, kind in LINK.findall(html)]
        assert 'aria-label="Documents (PDF)"' in html, page
        expected = ["plan", "progress", "superbill", "record"]  # no red flag in force: no referral letter
        if plan.plan["payer"] == "medicare":
            expected.insert(2, "ncd")
        assert kinds == expected, page
        assert all(f"/clinic/patients/{patient_id}/" in path for path, _ in LINK.findall(html))
    for path, kind in LINK.findall(clinician.get(f"/clinic/patients/{patient_id}").text):
        assert clinician.get(path).status_code == 200, kind


def test_a_patient_without_a_plan_is_offered_the_whole_record_only(site: Site) -> None:
    actor = Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    patient = patients.register_patient(site.uow_factory(), actor, {
        "given_name": "No", "family_name": "Plan", "birth_date": "1970-01-01", "sex": "male"})
    html = site.as_("clinician").get(f"/clinic/patients/{patient.id}").text
    assert [kind for _, kind in LINK.findall(html)] == ["record"]
    assert "come with a plan and its sessions" in html


def test_a_document_link_answers_the_pdf_as_an_attachment_never_cached(site: Site) -> None:
    clinician = site.as_("clinician")
    patient_id = _patient_with_medicare_plan(site)
    response = clinician.get(f"/clinic/patients/{patient_id}/documents/progress.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert re.fullmatch(r'attachment; filename="acupath-progress-HB-\d+-2026-12-01\.pdf"',
                        response.headers["content-disposition"])
    text = pdf_text(response.content)
    assert "Progress report" in text and "Harbour Integrative Pain Clinic" in text and "Prepared 1 Dec 2026" in text


def test_the_refusals_are_pages(site: Site) -> None:
    patient_id = _patient_with_medicare_plan(site)
    path = f"/clinic/patients/{patient_id}/documents"
    assert site.as_("reception").get(f"{path}/record.pdf").status_code == 403
    assert site.as_("outsider").get(f"{path}/record.pdf").status_code == 404
    unknown = site.as_("clinician").get(f"{path}/invoice.pdf")
    assert unknown.status_code == 422 and "kind: unknown document" in unknown.text
    refused = site.as_("clinician").get(f"{path}/referral.pdf")
    assert refused.status_code == 409 and "This document cannot be made" in refused.text
    assert "no red flag or referral finding in force" in refused.text
