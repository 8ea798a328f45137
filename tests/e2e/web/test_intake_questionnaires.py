"""The questionnaires the New intake page asks: the condition's reassessment instruments, the PHQ-9 for
everyone, and the Keele STarT Back tool only for low back pain (a back-pain stratification tool,
instruments.md §13): a knee intake asked "My back pain has spread down my legs" and planned "STarT Back high
risk" physiotherapy for a knee."""

from __future__ import annotations

import pytest
from test_intake_pages import GOOD, a_new_patient, form_of
from web_world import Site

from acupath.assessment.intake import Condition
from acupath.services import plans
from acupath.services.actor import Actor, Role

CONDITIONS: tuple[str, ...] = Condition.__args__  # type: ignore[attr-defined]
START_BACK = {f"questionnaires.start_back.q{i}": "1" for i in range(1, 9)} | {"questionnaires.start_back.q9": "4"}


def asks(page: str, instrument: str) -> bool:
    return f'name="questionnaires.{instrument}.q1"' in page


@pytest.mark.parametrize("condition", CONDITIONS)
def test_start_back_is_asked_for_low_back_pain_only_and_the_phq9_for_every_condition(
        site: Site, condition: str) -> None:
    page = site.as_("clinician").get(form_of(a_new_patient(site)) + f"?condition={condition}")
    assert page.status_code == 200  # upper back pain was a 500: its questionnaires were looked up as a file
    assert asks(page.text, "phq9")
    assert asks(page.text, "start_back") == (condition == "chronic_low_back_pain")


def test_the_upper_back_page_asks_its_own_reassessment_questionnaires(site: Site) -> None:
    page = site.as_("clinician").get(form_of(a_new_patient(site)) + "?condition=upper_back_pain").text
    assert asks(page, "peg") and asks(page, "pcs") and not asks(page, "odi")


def test_a_high_start_back_score_on_a_low_back_intake_still_plans_the_physiotherapy(site: Site) -> None:
    clinician, patient_id = site.as_("clinician"), a_new_patient(site)
    intake = clinician.post_form(form_of(patient_id), form_of(patient_id), {**GOOD, **START_BACK})
    assert intake.status_code == 303
    page = intake.headers["location"]
    made = clinician.post_form(f"{page}/plan", page, {
        "override.bleeding_risk_caution": "INR checked today in range; superficial needling only, firm pressure"})
    actor = Actor(user_id="web-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)
    plan = plans.get_plan(site.uow_factory(), actor, made.headers["location"].rsplit("/", 1)[1])
    document = plan.plan
    assert "psychologically_informed_physiotherapy" in [c["id"] for c in document["components"]]
    assert any("start_back" in (s.get("reassess") or []) for s in document["sessions"])
