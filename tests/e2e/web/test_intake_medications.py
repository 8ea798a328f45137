"""The medication box of the New intake page: one medication a line (name, class, dose, and an opioid's MME
per day last); a line that cannot be read is named by its number beside the box and in the summary, with
what is allowed, and nothing typed is lost."""

from __future__ import annotations

import html
import re

import pytest
from test_intake_pages import GOOD, a_new_patient, form_of
from web_world import Site

from acupath.assessment.medications import MAX_MME_PER_DAY
from acupath.knowledge.schema.medications import DRUG_CLASSES
from acupath.services import intakes, patient_records
from acupath.services.actor import Actor, Role

SUMMARY = re.compile(r'<li><a href="#([^"]+)">([^<]+)</a></li>')


def summary_of(page: str) -> list[tuple[str, str]]:
    """Return the error summary's links as (field, message), the message as the reader sees it."""
    return [(field, html.unescape(message)) for field, message in SUMMARY.findall(page)]


def beside_the_box(page: str) -> str:
    """Return the text of the error block beside the medication box (empty when there is none)."""
    found = re.search(r'<div class="field-error" id="medications-error">(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", found.group(1))) if found else ""


def stored_medications(site: Site, location: str) -> list[dict[str, object]]:
    """Return the medication list of the intake at ``location`` as stored, without its empty keys."""
    actor = Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    stored = intakes.get_intake(site.uow_factory(), actor, location.rsplit("/", 1)[1]).answers["medications"]
    return [{key: value for key, value in entry.items() if value is not None} for entry in stored]


def test_the_hint_says_how_to_write_an_opioid_and_names_the_classes(site: Site) -> None:
    page = site.as_("clinician").get(form_of(a_new_patient(site)) + "?condition=chronic_low_back_pain").text
    hint = html.unescape(page.split('id="medications-hint">')[1].split("</div>")[0])
    assert "oxycodone, opioid, 10 mg twice daily, 30 MME" in hint and "duloxetine, SNRI, 60 mg daily" in hint
    assert all(c.replace("_", " ") in hint for c in DRUG_CLASSES)


def test_the_hints_example_and_an_opioid_with_its_mme_are_recorded(site: Site) -> None:
    # The hint's own example was refused ("choose one of the options"), and no opioid could be saved.
    clinician, patient_id = site.as_("clinician"), a_new_patient(site)
    typed = "duloxetine, SNRI, 60 mg daily\r\noxycodone, Opioid, 10 mg twice daily, 30 MME\r\n"
    response = clinician.post_form(form_of(patient_id), form_of(patient_id), {**GOOD, "medications": typed})
    assert response.status_code == 303, summary_of(response.text)
    assert stored_medications(site, response.headers["location"]) == [
        {"name": "duloxetine", "class": "snri", "dose": "60 mg daily"},
        {"name": "oxycodone", "class": "opioid", "dose": "10 mg twice daily", "opioid": {"mme_per_day": 30.0}}]
    plan = clinician.post_form(f"{response.headers['location']}/plan", response.headers["location"], {
        "override.bleeding_risk_caution": "INR checked today in range; superficial needling only, firm pressure"})
    assert plan.status_code == 303
    assert "oxycodone 30 MME/day" in clinician.get(plan.headers["location"]).text


def test_an_unknown_class_is_named_by_its_line_beside_the_box_and_in_the_summary(site: Site) -> None:
    clinician, patient_id = site.as_("clinician"), a_new_patient(site)
    typed = "apixaban, anticoagulant, 5 mg twice daily\nsertraline, SSRI, 50 mg daily"
    response = clinician.post_form(form_of(patient_id), form_of(patient_id), {**GOOD, "medications": typed})
    assert response.status_code == 422
    said = f"Medications, line 2: 'SSRI' is not a drug class (allowed: {', '.join(DRUG_CLASSES)})"
    assert summary_of(response.text) == [("medications", said)]
    assert said in beside_the_box(response.text)
    assert 'aria-describedby="medications-hint medications-error" aria-invalid="true">' in response.text
    assert f">{typed}</textarea>" in response.text  # nothing typed is lost
    assert 'name="questionnaires.odi.q3" value="3" checked' in response.text


def test_an_opioid_without_its_mme_says_how_to_give_it(site: Site) -> None:
    clinician, patient_id = site.as_("clinician"), a_new_patient(site)
    response = clinician.post_form(form_of(patient_id), form_of(patient_id),
                                   {**GOOD, "medications": "oxycodone, opioid, 10mg"})
    assert response.status_code == 422
    [(field, said)] = summary_of(response.text)
    assert field == "medications" and said.startswith("Medications, line 1: an opioid needs its MME per day")
    assert "oxycodone, opioid, 10 mg twice daily, 30 MME" in said and said in beside_the_box(response.text)


@pytest.mark.parametrize(("mme", "said"), [
    ("thirty MME", "'thirty MME': the MME per day must be a number (allowed: for example 30 MME)"),
    ("-10 MME", f"'-10 MME': the MME per day is out of range (allowed: 0 to {MAX_MME_PER_DAY})"),
    (f"{MAX_MME_PER_DAY * 10} MME", f"the MME per day is out of range (allowed: 0 to {MAX_MME_PER_DAY})"),
])
def test_a_bad_mme_is_a_form_error_naming_its_line(site: Site, mme: str, said: str) -> None:
    clinician, patient_id = site.as_("clinician"), a_new_patient(site)
    typed = f"ibuprofen, NSAID, 400 mg\n\noxycodone, opioid, 10 mg twice daily, {mme}"
    response = clinician.post_form(form_of(patient_id), form_of(patient_id), {**GOOD, "medications": typed})
    assert response.status_code == 422
    [(field, message)] = summary_of(response.text)
    assert field == "medications" and message.startswith("Medications, line 3: ") and message.endswith(said)
    assert f">{typed}</textarea>" in response.text


def test_every_bad_line_and_every_other_problem_is_named_at_once(site: Site) -> None:
    clinician, patient_id = site.as_("clinician"), a_new_patient(site)
    typed = "ibuprofen\nparacetamol, paracetamol, 1 g four times daily\nibuprofen, nsaid, 400 mg, 10 MME"
    response = clinician.post_form(form_of(patient_id), form_of(patient_id),
                                   {**GOOD, "pain.nrs": "11", "schedule.start": "", "medications": typed,
                                    "medications.none": "true"})
    assert response.status_code == 422
    found = summary_of(response.text)  # in the page's order
    assert [field for field, _ in found] == ["pain.nrs", "medications", "medications", "schedule.start"]
    assert found[1][1].startswith("Medications, line 1: give the class after the name")
    assert found[2][1].startswith("Medications, line 3: MME per day is given only for an opioid (the class is nsaid)")
    assert response.text.count('id="medications-error"') == 1  # one block beside the box, one id
    assert found[1][1] in beside_the_box(response.text) and found[2][1] in beside_the_box(response.text)


def test_a_refused_list_records_no_intake(site: Site) -> None:
    clinician, patient_id = site.as_("clinician"), a_new_patient(site)
    actor = Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    refused = clinician.post_form(form_of(patient_id), form_of(patient_id),
                                  {**GOOD, "medications": "oxycodone, opioid, 10 mg"})
    assert refused.status_code == 422
    assert patient_records.list_intakes(site.uow_factory(), actor, patient_id).items == []
    recorded = clinician.post_form(form_of(patient_id), form_of(patient_id),
                                   {**GOOD, "medications": "oxycodone, opioid, 10 mg, MME 15"})
    assert recorded.status_code == 303
    assert len(patient_records.list_intakes(site.uow_factory(), actor, patient_id).items) == 1
