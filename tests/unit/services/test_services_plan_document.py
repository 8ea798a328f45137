"""The patient's plan document in the patient's words: each visit's cover, Medicare's checkpoint only where
Medicare's further cover hangs on it, and safety findings said as what they mean for the plan."""

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
    assert "conditional" not in text


@pytest.mark.parametrize("pain", [{"related_to_surgery": True}, {"duration_weeks": 8}])
def test_a_medicare_plan_medicare_does_not_cover_promises_nothing(uow: FakeUnitOfWork, people, patient, kb,
                                                                 pain: dict[str, Any]) -> None:
    text = _plan_text(uow, people, patient, kb, **pain)
    assert PROMISE not in text and "not covered" in text
