"""A blank questionnaire safety item (PHQ-9 item 9) is a finding: ask it before treatment.

Screening is not ``proceed`` until the item is answered or the finding is overridden with a reason; the
same rule holds for any item an instrument file marks ``safety_item``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import parse_intake
from acupath.planning import build_plan
from acupath.safety import screen
from acupath.safety.findings import Action, ScreeningStatus
from strategies import build_intake, intake_data

CODE = "safety_item_unanswered"
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
REASON = "Item 9 asked at the visit: answered 'not at all', written in the notes; form not updated"


def _phq9(items_1_to_8: list[int], item_9: Any = "absent") -> dict[str, Any]:
    answers: dict[str, Any] = {f"q{i}": v for i, v in enumerate(items_1_to_8, start=1)}
    if item_9 != "absent":
        answers["q9"] = item_9
    return answers


def test_a_blank_item_9_is_a_referral_finding_that_says_to_ask_it(kb) -> None:
    result = screen(build_intake(questionnaires={"phq9": _phq9([1] * 8)}), kb=kb)
    finding = next(f for f in result.findings if f.code == CODE)
    assert result.status == ScreeningStatus.REFERRAL
    assert finding.action == Action.REFERRAL and finding.in_force
    assert "ask it before treatment" in finding.message
    assert 'phq9 q9 "Thoughts that you would be better off dead' in finding.message


def test_item_9_given_as_null_is_blank_too(kb) -> None:
    result = screen(build_intake(questionnaires={"phq9": _phq9([0] * 8, None)}), kb=kb)
    assert CODE in {f.code for f in result.findings}


def test_no_finding_without_a_phq9(kb) -> None:
    assert CODE not in {f.code for f in screen(build_intake(), kb=kb).findings}


def test_the_plan_is_a_referral_that_names_the_item(kb) -> None:
    intake = build_intake(questionnaires={"phq9": _phq9([2] * 8)})
    plan = build_plan(intake, screen(intake, kb=kb), kb)
    assert plan.is_referral and plan.sessions == ()
    assert plan.referral[0].startswith(f"{CODE}: Questionnaire safety item not answered (phq9 q9")


def test_an_override_with_a_reason_lets_planning_proceed_and_stays_listed(kb) -> None:
    intake = build_intake(questionnaires={"phq9": _phq9([1] * 8)},
                          overrides=[{"finding": CODE, "reason": REASON, "by": "Dr Lee"}])
    result = screen(intake, kb=kb)
    finding = next(f for f in result.findings if f.code == CODE)
    assert not finding.in_force and finding.override is not None and finding.override.reason == REASON
    assert result.status == ScreeningStatus.PROCEED
    plan = build_plan(intake, result, kb)
    assert not plan.is_referral and plan.sessions
    assert REASON in str(plan.to_dict()["overrides"])


@PROPERTY
@given(data=intake_data(phq9=False), items=st.lists(st.integers(0, 3), min_size=8, max_size=8),
       blank=st.sampled_from(["absent", None]))
def test_items_1_to_8_answered_and_item_9_blank_never_proceeds(kb, data, items, blank) -> None:
    data["questionnaires"] = {"phq9": _phq9(items, blank)}
    result = screen(parse_intake(data), kb=kb)
    assert CODE in {f.code for f in result.findings}
    assert result.status != ScreeningStatus.PROCEED


@PROPERTY
@given(data=intake_data(phq9=False), items=st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_item_9_answered_zero_never_raises_the_finding(kb, data, items) -> None:
    data["questionnaires"] = {"phq9": _phq9(items, 0)}
    result = screen(parse_intake(data), kb=kb)
    assert CODE not in {f.code for f in result.findings}
    assert "phq9_self_harm" not in {f.code for f in result.findings}


@PROPERTY
@given(items=st.lists(st.integers(0, 3), min_size=8, max_size=8))
def test_only_the_safety_finding_and_it_blocks_until_answered(kb, items) -> None:
    # on an otherwise clean intake the blank item alone decides the status; answering it clears it
    blank = screen(build_intake(questionnaires={"phq9": _phq9(items)}), kb=kb)
    assert [f.code for f in blank.findings] == [CODE] and blank.blocks_planning
    answered = screen(build_intake(questionnaires={"phq9": _phq9(items, 0)}), kb=kb)
    assert answered.findings == () and answered.status == ScreeningStatus.PROCEED
