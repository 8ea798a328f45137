"""PHQ-9 item 9 above 0 stays visible in the plan once the urgent finding has been dealt with."""

from __future__ import annotations

from pathlib import Path

import yaml

from acupath.assessment import score_questionnaires
from acupath.assessment.intake import parse_intake
from acupath.planning import build_plan
from acupath.safety import screen

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "intakes" / "safety_phq9_item9.yaml"
REASON = "Same-day mental-health assessment: low risk, safety plan agreed, GP informed"


def _plan_after_override(kb, item9: int):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["questionnaires"]["phq9"]["q9"] = item9
    if item9:
        # an urgent finding: the override names the clinician and the date (acupath.safety.overrides)
        data["overrides"] = [{"finding": "phq9_self_harm", "reason": REASON, "by": "Dr Lee", "on": "2026-11-30"}]
    intake = parse_intake(data)
    screening = screen(intake, kb)
    return build_plan(intake, screening, kb, score_questionnaires(intake.questionnaires, kb))


def test_an_overridden_item_9_finding_still_adds_a_safety_follow_up_component(kb) -> None:
    plan = _plan_after_override(kb, item9=1).to_dict()
    components = {c["id"]: c for c in plan["components"]}
    follow_up = components["self_harm_safety_follow_up"]
    assert "phq9 flag self_harm_risk" in str(follow_up)
    assert "depression_care" not in components  # the total (4) is below 10: only the flag adds care
    assert REASON in str(plan["overrides"])


def test_no_follow_up_component_when_item_9_is_zero(kb) -> None:
    plan = _plan_after_override(kb, item9=0).to_dict()
    assert "self_harm_safety_follow_up" not in {c["id"] for c in plan["components"]}
