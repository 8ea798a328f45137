"""Safety is a property (DESIGN.md): over random intakes, screening never drops a finding, the status is
the worst action in force, overrides only ever mark findings, and no plan contradicts a finding in force.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import Intake, parse_intake
from acupath.safety import screen, violations
from acupath.safety.findings import Action, ScreeningStatus
from acupath.safety.rules import Facts, holds
from acupath.safety.screening import default_scorer
from strategies import intake_data, intakes

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BACK = ("chronic_low_back_pain", "upper_back_pain")
#: A reason the override rule accepts for any finding, urgent ones included (with by and on).
CLEARED = "Medical assessment on 2026-11-30 excluded the cause; letter on file"


def expected_status(actions: set[Action]) -> ScreeningStatus:
    """The status, written out independently of the code under test."""
    if Action.URGENT_REFERRAL in actions:
        return ScreeningStatus.URGENT_REFERRAL
    if Action.REFERRAL in actions:
        return ScreeningStatus.REFERRAL
    if actions:
        return ScreeningStatus.PROCEED_WITH_CAUTIONS
    return ScreeningStatus.PROCEED


def independent_codes(intake: Intake) -> set[str]:
    """A hand-written oracle for the rules whose trigger is a plain intake field (no scoring, no dates)."""
    r, h, s = intake.red_flag_answers, intake.history, intake.safety
    back, neck = intake.condition in BACK, intake.condition == "neck_pain"
    knee = intake.condition == "knee_osteoarthritis"
    must = {
        # systemic red flags: every condition
        "systemic_cauda_equina_or_myelopathy": (r.saddle_anaesthesia or r.bladder_or_bowel_dysfunction
                                                or r.progressive_neurological_deficit or r.gait_disturbance),
        "systemic_malignancy": h.cancer or r.unexplained_weight_loss or r.night_pain_unrelieved_by_position,
        "systemic_infection": r.fever or h.iv_drug_use,
        "systemic_fracture": h.recent_trauma,
        "systemic_inflammatory_disease": r.inflammatory_morning_stiffness,
        "systemic_vascular": r.pulsatile_abdominal_mass,
        "headache_thunderclap": r.thunderclap_onset,
        "headache_papilloedema": r.papilloedema,
        "headache_late_onset": r.headache_onset_after_50,
        "headache_pattern_features": r.positional_headache or r.valsalva_triggered or r.headache_pattern_change,
        # each condition's own
        "back_infection_risk": back and h.immunosuppression,
        "back_fracture_risk": back and (h.osteoporosis or h.long_term_steroids),
        "neck_myelopathy": r.hand_clumsiness or r.bilateral_arm_symptoms,
        "neck_artery_dissection": r.brainstem_symptoms,
        "neck_trauma": neck and h.recent_trauma,
        "knee_septic_arthritis": r.hot_swollen_joint or (knee and r.fever),
        "knee_fracture": r.unable_to_bear_weight,
        "knee_calf_dvt": r.calf_swelling,
        "upper_back_thoracic_malignancy": intake.condition == "upper_back_pain"
        and (h.cancer or r.night_pain_unrelieved_by_position),
        "widespread_pain_systemic_disease": (intake.condition == "fibromyalgia" or intake.pain.widespread)
        and (r.fever or r.unexplained_weight_loss or h.cancer or r.inflammatory_morning_stiffness),
        "pregnancy_points_and_regions": intake.patient.pregnancy.pregnant,
        "ea_implanted_device": s.implanted_electronic_device,
        "ea_poorly_controlled_epilepsy": s.epilepsy == "poorly_controlled",
        "bleeding_risk_caution": s.anticoagulant or s.bleeding_disorder == "mild",
        "severe_bleeding_disorder": s.bleeding_disorder == "severe",
        "skin_lesion_regions": bool(s.skin_lesions_at),
        "metal_implant_regions": bool(s.metal_implants_at),
        "needle_phobia": s.needle_phobia,
    }
    return {code for code, present in must.items() if present}


@PROPERTY
@given(intake=intakes())
def test_screening_never_drops_a_finding_whose_condition_holds(kb: Any, intake: Intake) -> None:
    result = screen(intake, kb=kb)
    found = [f.code for f in result.findings]
    facts = Facts(intake=intake, today=intake.schedule.start, scorer=default_scorer(kb))
    assert set(found) == {rule.code for rule in kb.safety.rules if holds(rule.when, facts)}
    assert independent_codes(intake) <= set(found)
    assert len(found) == len(set(found))


@PROPERTY
@given(intake=intakes())
def test_the_status_is_the_worst_action_in_force(kb: Any, intake: Intake) -> None:
    result = screen(intake, kb=kb)
    assert result.status == expected_status({f.action for f in result.in_force()})
    assert result.blocks_planning == bool({f.action for f in result.in_force()}
                                          & {Action.URGENT_REFERRAL, Action.REFERRAL})


@PROPERTY
@given(data=intake_data(), choice=st.data())
def test_overrides_mark_findings_but_never_remove_them(kb: Any, data: dict[str, Any], choice: st.DataObject) -> None:
    before = screen(parse_intake(data), kb=kb)
    codes = [f.code for f in before.findings]
    chosen = choice.draw(st.lists(st.sampled_from(codes), unique=True) if codes else st.just([]))
    data["overrides"] = [{"finding": c, "reason": CLEARED, "by": "Dr Lee", "on": "2026-11-30"} for c in chosen]
    after = screen(parse_intake(data), kb=kb)
    assert [f.code for f in after.findings] == codes
    assert {f.code for f in after.findings if not f.in_force} == set(chosen)
    assert after.status == expected_status({f.action for f in after.in_force()})


@PROPERTY
@given(data=intake_data(), choice=st.data())
def test_no_plan_contradicts_a_finding_in_force(kb: Any, data: dict[str, Any], choice: st.DataObject) -> None:
    build = pytest.importorskip("acupath.planning.build")
    # override a random subset (the property must hold with and without overrides)
    codes = [f.code for f in screen(parse_intake(data), kb=kb).findings]
    chosen = choice.draw(st.lists(st.sampled_from(codes), unique=True) if codes else st.just([]))
    data["overrides"] = [{"finding": c, "reason": CLEARED, "by": "Dr Lee", "on": "2026-11-30"} for c in chosen]
    intake = parse_intake(data)
    result = screen(intake, kb=kb)
    plan = build.build_plan(intake, result, kb)
    if result.blocks_planning:
        assert not plan.points and not plan.sessions
    assert violations(plan, result, kb) == []
