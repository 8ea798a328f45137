"""A questionnaire made for other body regions does not steer a plan: STarT Back (made for low back pain,
instruments.md §13) on a knee intake adds no back-pain referral and is not reassessed; on a low back pain
intake its high-risk band refers for psychologically informed physiotherapy."""

from __future__ import annotations

from acupath.knowledge import load_knowledge
from acupath.planning import build_plan
from acupath.safety import screen
from strategies import build_intake

KB = load_knowledge()
HIGH_RISK = {"start_back": {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1, "q6": 1, "q7": 1, "q8": 1, "q9": 4}}
REFERRAL = "psychologically_informed_physiotherapy"


def _plan(**sections):
    intake = build_intake(questionnaires=HIGH_RISK, **sections)
    return build_plan(intake, screen(intake, kb=KB, today=intake.schedule.start), KB)


def _reassessed(plan) -> set[str]:
    return {i for s in plan.sessions for i in s.reassess}


def test_start_back_high_risk_refers_a_low_back_pain_patient() -> None:
    plan = _plan()
    assert REFERRAL in {c.id for c in plan.components} and "start_back" in _reassessed(plan)


def test_start_back_answered_on_a_knee_intake_neither_refers_nor_is_reassessed() -> None:
    plan = _plan(condition="knee_osteoarthritis", pain={"sites": ["left_knee"]})
    assert plan.status == "planned"
    assert REFERRAL not in {c.id for c in plan.components} and "start_back" not in _reassessed(plan)
