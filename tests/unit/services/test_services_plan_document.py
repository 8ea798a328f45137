"""The patient's plan document in the patient's words: each visit's cover, Medicare's checkpoint only where
Medicare's further cover hangs on it, and safety findings said as what they mean for the plan (in the
plan and in the whole record)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from service_fakes import FakeUnitOfWork

from acupath.reports.documents.html import document_html
from acupath.services import create_plan, record_intake
from acupath.services.documents import gather
from example_records import example_intake

PROMISE = "Medicare covers the visits after this one only if you are improving"


def _plan_text(uow: FakeUnitOfWork, people, patient, kb, **pain: Any) -> str:
    answers = example_intake("chronic_low_back_pain")
    answers["payer"] = "medicare"
    answers["pain"] = {**answers["pain"], "duration_weeks": 20, **pain}
    intake = record_intake(uow, people.dr_lee, patient.id, answers, kb)
    create_plan(uow, people.dr_lee, intake.id, kb)
    html = document_html(gather(uow, people.dr_lee, patient.id, "plan", kb), kb)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_eligible_medicare_plan_says_what_its_later_visits_hang_on(uow: FakeUnitOfWork, people, patient,
                                                                      kb) -> None:
    text = _plan_text(uow, people, patient, kb)
    assert text.count(PROMISE) == 1 and "covered if you are improving" in text
    assert "conditional" not in text and "covers none of these visits" not in text


@pytest.mark.parametrize("pain", [{"related_to_surgery": True}, {"duration_weeks": 8}])
def test_a_medicare_plan_medicare_does_not_cover_promises_nothing(uow: FakeUnitOfWork, people, patient, kb,
                                                                 pain: dict[str, Any]) -> None:
    text = _plan_text(uow, people, patient, kb, **pain)
    assert PROMISE not in text and "not covered" in text


def _document_text(uow: FakeUnitOfWork, people, patient, kb, example: str, kind: str = "plan", **plan: Any) -> str:
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake(example), kb)
    create_plan(uow, people.dr_lee, intake.id, kb, **plan)
    html = document_html(gather(uow, people.dr_lee, patient.id, kind, kb), kb)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_caution_in_force_is_said_in_the_patients_words(uow: FakeUnitOfWork, people, patient, kb) -> None:
    text = _document_text(uow, people, patient, kb, "safety_anticoagulant")
    rule = kb.safety.rule("bleeding_risk_caution")
    assert "For your safety" in text and rule.for_patient in text
    assert rule.message not in text and "Bleeding risk caution" not in text


def test_an_overridden_referral_says_what_it_was_and_why_the_clinician_went_ahead(uow: FakeUnitOfWork, people,
                                                                                  patient, kb) -> None:
    reason = "MRI and oncology review clear (letter 2026-11-20)"
    text = _document_text(uow, people, patient, kb, "safety_malignancy",
                          overrides=[{"finding": "systemic_malignancy", "reason": reason}])
    sentence = kb.safety.rule("systemic_malignancy").for_patient
    # Quoted as what would usually apply: said plainly, it would contradict the decision after it.
    # The fake clinic's "lee" is no user id as acupath makes them: shown as typed, as a name would be.
    assert f"{kb.patient_guide.safety.overridden} “{sentence}” Your clinician, lee, decided to go ahead" in text
    assert f"because: {reason}" in text


def test_the_patients_record_says_each_finding_in_their_words_beside_the_clinicians_note(
        uow: FakeUnitOfWork, people, patient, kb) -> None:
    text = _document_text(uow, people, patient, kb, "safety_anticoagulant", kind="record")
    rule = kb.safety.rule("bleeding_risk_caution")
    assert f"{rule.for_patient} Clinician's note: {rule.message}" in text


def test_a_payer_that_covers_no_visit_is_not_said_to_pay(uow: FakeUnitOfWork, people, patient, kb) -> None:
    text = _plan_text(uow, people, patient, kb, duration_weeks=8)  # NCD 30.3.3: chronic means 12 weeks or more
    assert "Paid by Medicare covers none of these visits: you pay" in text


def test_a_private_insurer_is_never_said_to_cover_nothing(uow: FakeUnitOfWork, people, patient, kb) -> None:
    # Its visits are "check with your insurer", not "not covered".
    text = _document_text(uow, people, patient, kb, "upper_back_pain")  # payer: private
    assert "Paid by Private" in text and "check with your insurer" in text
    assert "covers none of these visits" not in text
