"""The plan's safety findings in the patient's words, for the portal and the printed plan alike: each
finding in force by its rule's ``for_patient``, each override with the clinician's reason, and a finding
whose rule a later safety.yaml dropped by what its action means (never left out)."""

from __future__ import annotations

from datetime import date

from acupath.knowledge import load_knowledge
from acupath.planning import build_plan
from acupath.planning.plain_language import PlainSafety, explain_plan
from acupath.safety import screen
from strategies import build_intake

KB = load_knowledge()


def _plan(**sections):
    intake = build_intake(**sections)
    plan = build_plan(intake, screen(intake, kb=KB, today=intake.schedule.start), KB)
    assert plan.status == "planned"
    return plan.to_dict(), intake.schedule.start


def test_a_plan_with_no_finding_says_nothing_of_safety() -> None:
    plan, start = _plan()
    plan["findings"], plan["overrides"] = [], []
    assert explain_plan(plan, KB, start).safety == ()


def test_a_caution_in_force_is_said_in_its_rules_words_and_cited() -> None:
    plan, start = _plan(safety={"anticoagulant": True})
    rule = KB.safety.rule("bleeding_risk_caution")
    plain = explain_plan(plan, KB, start)
    assert PlainSafety(text=rule.for_patient) in plain.safety
    assert set(rule.citations) <= set(plain.citations) and plain.safety_intro == KB.patient_guide.safety.intro.text


def test_an_override_says_what_was_found_and_why_the_clinician_went_ahead() -> None:
    plan, start = _plan()
    reason = "MRI and oncology review clear"
    plan["findings"] = [{"code": "systemic_malignancy", "kind": "red_flag", "severity": "high", "action": "referral",
                         "message": "m", "overridden_by": "lee", "override_reason": reason}]
    plan["overrides"] = [{"finding": "lbp_malignancy", "reason": reason, "by": "lee", "on": "2026-11-20"}]
    said = explain_plan(plan, KB, start).safety
    # The finding itself is not repeated as in force; the override, named by a former code, finds its rule.
    sentence = KB.safety.rule("systemic_malignancy").for_patient
    assert said == (PlainSafety(text=f"{KB.patient_guide.safety.overridden} “{sentence}”", reason=reason,
                                decided_on=date(2026, 11, 20), by="lee"),)


def test_a_finding_whose_rule_is_gone_says_what_its_action_means() -> None:
    plan, start = _plan()
    plan["findings"] = [{"code": "retired_rule", "kind": "contraindication", "severity": "high", "action": "exclude",
                         "message": "m"}]
    plan["overrides"] = [{"finding": "another_retired_rule", "reason": "checked", "by": "lee", "on": None}]
    said = explain_plan(plan, KB, start).safety
    assert said[1].by == "lee"
    assert [s.text for s in said] == [KB.patient_guide.safety.by_action["exclude"],
                                      f"{KB.patient_guide.safety.overridden} “Your clinician will explain what it means "
                                      "for your plan.”"]


def test_a_finding_about_a_place_the_patient_named_says_where() -> None:
    plan, start = _plan(safety={"skin_lesions_at": ["left_knee"]})
    sentence = KB.safety.rule("skin_lesion_regions").for_patient
    assert PlainSafety(text=f"{sentence[:-1]} (left knee).") in explain_plan(plan, KB, start).safety
    # A plan stored before its findings kept their regions says the sentence alone.
    for finding in plan["findings"]:
        finding.pop("regions")
    assert PlainSafety(text=sentence) in explain_plan(plan, KB, start).safety


def test_numb_skin_says_where_heat_is_kept_away() -> None:
    plan, start = _plan(safety={"sensory_loss_at": ["right_foot"]})
    sentence = KB.safety.rule("sensory_loss_heat").for_patient
    assert PlainSafety(text=f"{sentence[:-1]} (right foot).") in explain_plan(plan, KB, start).safety
