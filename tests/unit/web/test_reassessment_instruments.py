"""The reassessment form asks what the plan's visits reassess; a plan that schedules none falls back on its
condition's instruments, a variant's (upper back pain) included: the form was a 500 for it."""

from __future__ import annotations

from acupath.knowledge import load_knowledge
from acupath.web.routes.reassessments import scheduled_instruments

KB = load_knowledge()


def test_a_plan_without_reassessment_visits_asks_its_conditions_instruments_a_variants_too() -> None:
    for condition in ("chronic_low_back_pain", "upper_back_pain", "knee_osteoarthritis"):
        asked = [doc.id for doc in scheduled_instruments(KB, {"condition": condition, "sessions": []})]
        assert asked, condition
    upper = [doc.id for doc in scheduled_instruments(KB, {"condition": "upper_back_pain", "sessions": []})]
    assert "odi" not in upper  # the upper-back variant reassesses without the low back's ODI


def test_a_plans_own_reassessment_visits_decide() -> None:
    plan = {"condition": "chronic_low_back_pain", "sessions": [{"reassess": ["phq9"]}]}
    assert [doc.id for doc in scheduled_instruments(KB, plan)] == ["phq9"]
