"""Red flags for every condition (issue 10, item 1).

The systemic red flags of safety.yaml (malignancy, infection, fracture, inflammatory disease, cauda
equina / cord compression, vascular, and the urgent headache signs) carry no condition restriction, so
they fire for every condition; each condition adds its own. The property derives the answers that set
off each systemic rule from the rule itself, so a systemic rule added later is covered too.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import parse_intake
from acupath.knowledge.schema.safety import When
from acupath.planning.build import build_plan
from acupath.safety import screen
from acupath.safety.findings import Action, ScreeningStatus
from strategies import CONDITIONS, build_intake, intake_data

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BLOCKING = {ScreeningStatus.URGENT_REFERRAL, ScreeningStatus.REFERRAL}
#: The systemic red flags the issue names; each must apply to every condition.
NAMED_SYSTEMIC = {
    "systemic_cauda_equina_or_myelopathy", "systemic_malignancy", "systemic_infection", "systemic_fracture",
    "systemic_inflammatory_disease", "systemic_vascular", "headache_thunderclap", "headache_papilloedema",
}
#: PHQ-9 answers that raise a flag a systemic rule may test (item 9 above 0; item 9 left blank).
PHQ9_FLAGS = {
    "self_harm_risk": {f"q{i}": 0 for i in range(1, 9)} | {"q9": 1},
}


def _operators(when: When) -> set[str]:
    name, operand = when.operator()
    if name in ("all", "any"):
        return {name}.union(*(_operators(c) for c in operand))
    if name == "not":
        return {name} | _operators(operand)
    return {name}


def systemic_rules(kb: Any) -> list[Any]:
    """Return the red-flag rules with no condition restriction anywhere in their condition."""
    return [r for r in kb.safety.rules if r.kind == "red_flag" and "condition_in" not in _operators(r.when)]


def _set(data: dict[str, Any], path: str) -> None:
    *parents, leaf = path.split(".")
    section = data
    for part in parents:
        section = section.setdefault(part, {})
    section[leaf] = True


def triggers(when: When) -> list[list[tuple[str, Any]]]:
    """Return every way to satisfy ``when``: lists of ``("field", path)`` / ``("phq9", answers)`` to apply."""
    name, operand = when.operator()
    if name == "field_true":
        return [[("field", operand)]]
    if name == "any":
        return [way for c in operand for way in triggers(c)]
    if name == "all":
        ways: list[list[tuple[str, Any]]] = [[]]
        for c in operand:
            ways = [w + more for w in ways for more in triggers(c)]
        return ways
    if name == "score_flag" and operand.instrument == "phq9" and operand.flag in PHQ9_FLAGS:
        return [[("phq9", PHQ9_FLAGS[operand.flag])]]
    if name == "safety_item_unanswered":
        return [[("phq9", {f"q{i}": 0 for i in range(1, 9)})]]
    pytest.fail(f"no trigger known for the systemic operator {name!r}: teach this test how to set it off")


def with_trigger(data: dict[str, Any], way: list[tuple[str, Any]]) -> dict[str, Any]:
    """Return ``data`` with the answers of one way to satisfy a rule set."""
    for kind, value in way:
        if kind == "field":
            _set(data, value)
        else:
            data["questionnaires"] = {"phq9": dict(value)}
    return data


def test_the_named_systemic_red_flags_have_no_condition_restriction(kb) -> None:
    assert {r.code for r in systemic_rules(kb)} >= NAMED_SYSTEMIC


def test_every_condition_has_red_flags_of_its_own_besides_the_systemic_ones(kb) -> None:
    own: dict[str, set[str]] = {c: set() for c in CONDITIONS}
    for rule in kb.safety.rules:
        for condition in _conditions_named(rule.when):
            own[condition].add(rule.code)
    assert all(own[c] for c in ("upper_back_pain", "neck_pain", "knee_osteoarthritis", "fibromyalgia")), own


def _conditions_named(when: When) -> set[str]:
    name, operand = when.operator()
    if name == "condition_in":
        return set(operand)
    if name in ("all", "any"):
        return set().union(*(_conditions_named(c) for c in operand))
    return set()


@PROPERTY
@given(data=intake_data(phq9=False), choice=st.data())
def test_every_systemic_red_flag_fires_for_every_condition(kb, data: dict[str, Any], choice: st.DataObject) -> None:
    rule = choice.draw(st.sampled_from(systemic_rules(kb)), label="rule")
    way = choice.draw(st.sampled_from(triggers(rule.when)), label="answers")
    for condition in CONDITIONS:
        intake = parse_intake(with_trigger({**data, "condition": condition}, way))
        result = screen(intake, kb=kb)
        found = {f.code: f for f in result.findings}
        assert rule.code in found, (condition, way)
        assert found[rule.code].in_force
        if rule.action in (Action.URGENT_REFERRAL.value, Action.REFERRAL.value):
            assert result.status in BLOCKING
        if rule.action == Action.URGENT_REFERRAL.value:
            assert result.status == ScreeningStatus.URGENT_REFERRAL


def _screen(kb: Any, **sections: Any) -> tuple[set[str], ScreeningStatus, Any]:
    intake = build_intake(**sections)
    result = screen(intake, kb=kb)
    return {f.code for f in result.findings}, result.status, build_plan(intake, result, kb)


def test_neck_pain_with_thunderclap_papilloedema_and_a_progressive_deficit_is_urgent_and_gets_no_plan(kb) -> None:
    codes, status, plan = _screen(
        kb, condition="neck_pain", pain={"duration_weeks": 20, "nrs": 7, "sites": ["neck_posterior"]},
        red_flag_answers={"thunderclap_onset": True, "papilloedema": True, "progressive_neurological_deficit": True})
    assert {"headache_thunderclap", "headache_papilloedema", "systemic_cauda_equina_or_myelopathy"} <= codes
    assert status == ScreeningStatus.URGENT_REFERRAL
    assert not plan.points and not plan.sessions and "GB20" not in {p.code for p in plan.points}


@pytest.mark.parametrize(("answers", "code"), [
    ({"red_flag_answers": {"hand_clumsiness": True}}, "neck_myelopathy"),
    ({"red_flag_answers": {"bilateral_arm_symptoms": True}}, "neck_myelopathy"),
    ({"red_flag_answers": {"gait_disturbance": True}}, "systemic_cauda_equina_or_myelopathy"),
    ({"red_flag_answers": {"brainstem_symptoms": True}}, "neck_artery_dissection"),
])
def test_neck_myelopathy_and_dissection_signs_are_urgent(kb, answers, code) -> None:
    codes, status, plan = _screen(kb, condition="neck_pain", **answers)
    assert code in codes and status == ScreeningStatus.URGENT_REFERRAL and not plan.points


def test_neck_pain_after_trauma_is_referred(kb) -> None:
    codes, status, _ = _screen(kb, condition="neck_pain", history={"recent_trauma": True})
    assert {"neck_trauma", "systemic_fracture"} <= codes and status == ScreeningStatus.REFERRAL


def test_neck_pain_answers_of_a_headache_refer_a_neck_patient_too(kb) -> None:
    codes, status, _ = _screen(kb, condition="neck_pain", red_flag_answers={"valsalva_triggered": True})
    assert "headache_pattern_features" in codes and status == ScreeningStatus.REFERRAL


@pytest.mark.parametrize(("sections", "code"), [
    ({"history": {"cancer": True}}, "upper_back_thoracic_malignancy"),
    ({"red_flag_answers": {"night_pain_unrelieved_by_position": True}}, "upper_back_thoracic_malignancy"),
    ({"history": {"long_term_steroids": True}}, "back_fracture_risk"),
    ({"history": {"osteoporosis": True}}, "back_fracture_risk"),
])
def test_upper_back_red_flags_refer(kb, sections, code) -> None:
    codes, status, plan = _screen(kb, condition="upper_back_pain", **sections)
    assert code in codes and status == ScreeningStatus.REFERRAL and not plan.points


def test_knee_pain_with_fever_in_an_injecting_drug_user_is_referred_without_a_plan(kb) -> None:
    codes, status, plan = _screen(kb, condition="knee_osteoarthritis", red_flag_answers={"fever": True},
                                  history={"iv_drug_use": True})
    assert {"knee_septic_arthritis", "systemic_infection"} <= codes
    assert status in BLOCKING and not plan.points and not plan.sessions


@pytest.mark.parametrize(("sections", "code", "status"), [
    ({"red_flag_answers": {"hot_swollen_joint": True}}, "knee_septic_arthritis", ScreeningStatus.URGENT_REFERRAL),
    ({"red_flag_answers": {"calf_swelling": True}}, "knee_calf_dvt", ScreeningStatus.URGENT_REFERRAL),
    ({"red_flag_answers": {"unable_to_bear_weight": True}, "history": {"recent_trauma": True}}, "knee_fracture",
     ScreeningStatus.REFERRAL),
])
def test_knee_red_flags(kb, sections, code, status) -> None:
    codes, found_status, plan = _screen(kb, condition="knee_osteoarthritis", **sections)
    assert code in codes and found_status == status and not plan.points


def test_widespread_pain_with_cancer_weight_loss_and_fever_is_referred_without_a_plan(kb) -> None:
    codes, status, plan = _screen(kb, condition="fibromyalgia", history={"cancer": True},
                                  red_flag_answers={"unexplained_weight_loss": True, "fever": True})
    assert {"widespread_pain_systemic_disease", "systemic_malignancy", "systemic_infection"} <= codes
    assert status == ScreeningStatus.REFERRAL and not plan.points and not plan.sessions


def test_inflammatory_morning_stiffness_refers_widespread_pain(kb) -> None:
    codes, status, _ = _screen(kb, condition="fibromyalgia",
                               red_flag_answers={"inflammatory_morning_stiffness": True})
    assert {"widespread_pain_systemic_disease", "systemic_inflammatory_disease"} <= codes
    assert status == ScreeningStatus.REFERRAL


@pytest.mark.parametrize("condition", CONDITIONS)
def test_no_red_flag_answered_means_no_red_flag_for_any_condition(kb, condition) -> None:
    codes, _, _ = _screen(kb, condition=condition)
    assert not {code for code in codes if kb.safety.rule(code).kind == "red_flag"}


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize(("answer", "code"), [
    ("headache_onset_after_50", "headache_late_onset"),
    ("headache_pattern_change", "headache_pattern_features"),
    ("positional_headache", "headache_pattern_features"),
    ("valsalva_triggered", "headache_pattern_features"),
])
def test_a_headache_red_flag_refers_a_patient_treated_for_any_condition(kb, condition, answer, code) -> None:
    # The headache questions are asked of every patient; clinical.md §2.7: "Any red flag in a new or
    # changed headache => medical evaluation before acupuncture", whatever pain is being treated.
    codes, status, plan = _screen(kb, condition=condition, red_flag_answers={answer: True})
    assert code in codes and status == ScreeningStatus.REFERRAL and not plan.points


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize(("answer", "code", "status"), [
    ("hand_clumsiness", "neck_myelopathy", ScreeningStatus.URGENT_REFERRAL),
    ("bilateral_arm_symptoms", "neck_myelopathy", ScreeningStatus.URGENT_REFERRAL),
    ("brainstem_symptoms", "neck_artery_dissection", ScreeningStatus.URGENT_REFERRAL),
    ("hot_swollen_joint", "knee_septic_arthritis", ScreeningStatus.URGENT_REFERRAL),
    ("calf_swelling", "knee_calf_dvt", ScreeningStatus.URGENT_REFERRAL),
    ("unable_to_bear_weight", "knee_fracture", ScreeningStatus.REFERRAL),
])
def test_a_red_flag_answer_is_never_dropped_for_the_condition_being_treated(kb, condition, answer, code,
                                                                              status) -> None:
    # The intake form asks every red-flag question of every patient: a swollen tender calf, clumsy hands
    # or new double vision is no safer in a back-pain patient (WHO 1999 §II 2.2, clinical.md §2.5:
    # medical emergencies are referred; §2.6 "widespread neurological symptoms"; §2.7 neurological signs).
    codes, found, plan = _screen(kb, condition=condition, red_flag_answers={answer: True})
    assert code in codes and found == status and not plan.points
