"""Every rule of safety.yaml, by example: the intake that triggers it, and one that does not."""

from __future__ import annotations

from typing import Any

import pytest

from acupath.safety import screen
from acupath.safety.findings import Action, ScreeningStatus
from strategies import build_intake

# (rule code, intake sections that trigger it, the status it alone yields)
TRIGGERS: list[tuple[str, dict[str, Any], ScreeningStatus]] = [
    ("systemic_cauda_equina_or_myelopathy", {"red_flag_answers": {"saddle_anaesthesia": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("systemic_cauda_equina_or_myelopathy", {"red_flag_answers": {"bladder_or_bowel_dysfunction": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("systemic_cauda_equina_or_myelopathy", {"condition": "upper_back_pain",
                                             "red_flag_answers": {"progressive_neurological_deficit": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("systemic_cauda_equina_or_myelopathy", {"condition": "knee_osteoarthritis",
                                             "red_flag_answers": {"gait_disturbance": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("systemic_malignancy", {"history": {"cancer": True}}, ScreeningStatus.REFERRAL),
    ("systemic_malignancy", {"red_flag_answers": {"unexplained_weight_loss": True}}, ScreeningStatus.REFERRAL),
    ("systemic_malignancy", {"red_flag_answers": {"night_pain_unrelieved_by_position": True}},
     ScreeningStatus.REFERRAL),
    ("lbp_onset_after_50", {"patient": {"id": "p", "birth_date": "1960-01-01", "sex": "male"}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("lbp_age_under_20", {"patient": {"id": "p", "birth_date": "2008-06-15", "sex": "male"}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("systemic_infection", {"red_flag_answers": {"fever": True}}, ScreeningStatus.REFERRAL),
    ("systemic_infection", {"history": {"iv_drug_use": True}}, ScreeningStatus.REFERRAL),
    ("systemic_fracture", {"history": {"recent_trauma": True}}, ScreeningStatus.REFERRAL),
    ("systemic_inflammatory_disease", {"condition": "migraine",
                                       "red_flag_answers": {"inflammatory_morning_stiffness": True}},
     ScreeningStatus.REFERRAL),
    ("systemic_vascular", {"red_flag_answers": {"pulsatile_abdominal_mass": True}}, ScreeningStatus.REFERRAL),
    ("back_infection_risk", {"history": {"immunosuppression": True}}, ScreeningStatus.REFERRAL),
    ("back_fracture_risk", {"history": {"osteoporosis": True}}, ScreeningStatus.REFERRAL),
    ("back_fracture_risk", {"condition": "upper_back_pain", "history": {"long_term_steroids": True}},
     ScreeningStatus.REFERRAL),
    ("upper_back_thoracic_malignancy", {"condition": "upper_back_pain", "history": {"cancer": True}},
     ScreeningStatus.REFERRAL),
    ("neck_myelopathy", {"condition": "neck_pain", "red_flag_answers": {"hand_clumsiness": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("neck_myelopathy", {"condition": "neck_pain", "red_flag_answers": {"bilateral_arm_symptoms": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("neck_artery_dissection", {"condition": "neck_pain", "red_flag_answers": {"brainstem_symptoms": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("neck_trauma", {"condition": "neck_pain", "history": {"recent_trauma": True}}, ScreeningStatus.REFERRAL),
    ("knee_septic_arthritis", {"condition": "knee_osteoarthritis", "red_flag_answers": {"hot_swollen_joint": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("knee_fracture", {"condition": "knee_osteoarthritis", "red_flag_answers": {"unable_to_bear_weight": True}},
     ScreeningStatus.REFERRAL),
    ("knee_calf_dvt", {"condition": "knee_osteoarthritis", "red_flag_answers": {"calf_swelling": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("widespread_pain_systemic_disease", {"condition": "fibromyalgia",
                                          "red_flag_answers": {"inflammatory_morning_stiffness": True}},
     ScreeningStatus.REFERRAL),
    ("widespread_pain_systemic_disease", {"pain": {"duration_weeks": 30, "nrs": 6, "widespread": True},
                                          "history": {"cancer": True}}, ScreeningStatus.REFERRAL),
    ("headache_thunderclap", {"condition": "migraine", "red_flag_answers": {"thunderclap_onset": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("headache_papilloedema", {"condition": "migraine", "red_flag_answers": {"papilloedema": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("headache_systemic", {"condition": "migraine", "red_flag_answers": {"fever": True}}, ScreeningStatus.REFERRAL),
    ("headache_systemic", {"condition": "migraine", "history": {"cancer": True}}, ScreeningStatus.REFERRAL),
    # a progressive deficit is also the systemic cord / cauda equina emergency, so the status is urgent
    ("headache_neurological", {"condition": "migraine",
                               "red_flag_answers": {"progressive_neurological_deficit": True}},
     ScreeningStatus.URGENT_REFERRAL),
    ("headache_late_onset", {"condition": "neck_pain", "red_flag_answers": {"headache_onset_after_50": True}},
     ScreeningStatus.REFERRAL),
    ("headache_late_onset", {"condition": "migraine", "red_flag_answers": {"headache_onset_after_50": True}},
     ScreeningStatus.REFERRAL),
    ("headache_pattern_features", {"condition": "migraine", "red_flag_answers": {"positional_headache": True}},
     ScreeningStatus.REFERRAL),
    ("headache_pattern_features", {"condition": "migraine", "red_flag_answers": {"valsalva_triggered": True}},
     ScreeningStatus.REFERRAL),
    ("headache_pattern_features", {"condition": "migraine",
                                   "red_flag_answers": {"headache_pattern_change": True}},
     ScreeningStatus.REFERRAL),
    ("phq9_self_harm", {"condition": "neck_pain", "questionnaires": {"phq9": {
        "q1": 0, "q2": 0, "q3": 1, "q4": 1, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 1}}},
     ScreeningStatus.URGENT_REFERRAL),
    ("safety_item_unanswered", {"condition": "neck_pain", "questionnaires": {"phq9": {
        "q1": 0, "q2": 0, "q3": 1, "q4": 1, "q5": 0, "q6": 0, "q7": 0, "q8": 0}}},
     ScreeningStatus.REFERRAL),
    ("pregnancy_points_and_regions", {"condition": "neck_pain", "patient": {
        "id": "p", "birth_date": "1992-01-01", "sex": "female", "pregnancy": {"pregnant": True, "weeks": 20}}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("pregnancy_no_ea_over_uterus", {"condition": "neck_pain", "patient": {
        "id": "p", "birth_date": "1992-01-01", "sex": "female", "pregnancy": {"pregnant": True, "weeks": 8}}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("ea_implanted_device", {"safety": {"implanted_electronic_device": True}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("ea_poorly_controlled_epilepsy", {"safety": {"epilepsy": "poorly_controlled"}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("bleeding_risk_caution", {"safety": {"anticoagulant": True}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("bleeding_risk_caution", {"safety": {"bleeding_disorder": "mild"}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("bleeding_risk_caution", {"medications": [{"name": "warfarin", "class": "anticoagulant"}]},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("severe_bleeding_disorder", {"safety": {"bleeding_disorder": "severe"}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("skin_lesion_regions", {"safety": {"skin_lesions_at": ["left_knee"]}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("metal_implant_regions", {"safety": {"metal_implants_at": ["right_hip"]}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("needle_phobia", {"safety": {"needle_phobia": True}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("ea_controlled_epilepsy", {"safety": {"epilepsy": "controlled"}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("pregnancy_first_trimester", {"condition": "neck_pain", "patient": {
        "id": "p", "birth_date": "1992-01-01", "sex": "female", "pregnancy": {"pregnant": True, "weeks": 12}}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("pregnancy_first_trimester", {"condition": "neck_pain", "patient": {
        "id": "p", "birth_date": "1992-01-01", "sex": "female", "pregnancy": {"pregnant": True}}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("sensory_loss_heat", {"safety": {"sensory_loss_at": ["left_knee"]}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("tumour_site_regions", {"safety": {"tumour_sites": ["right_thigh"]}}, ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("movement_disorder_uncontrolled", {"safety": {"movement_disorder": "uncontrolled"}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("movement_disorder_controlled", {"safety": {"movement_disorder": "controlled"}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
    ("immunosuppression_asepsis", {"condition": "neck_pain", "history": {"immunosuppression": True}},
     ScreeningStatus.PROCEED_WITH_CAUTIONS),
]


def codes(intake: Any, kb: Any) -> set[str]:
    return {f.code for f in screen(intake, kb=kb).findings}


@pytest.mark.parametrize(("code", "sections", "status"), TRIGGERS, ids=[f"{c}-{i}" for i, (c, _, _) in
                                                                        enumerate(TRIGGERS)])
def test_each_rule_is_found_when_its_condition_holds(kb, code, sections, status) -> None:
    result = screen(build_intake(**sections), kb=kb)
    assert code in {f.code for f in result.findings}
    assert result.status == status


def test_every_rule_in_safety_yaml_has_an_example(kb) -> None:
    assert {rule.code for rule in kb.safety.rules} == {code for code, _, _ in TRIGGERS}


def test_a_plain_intake_finds_nothing_and_proceeds(kb) -> None:
    result = screen(build_intake(), kb=kb)
    assert result.findings == ()
    assert result.status == ScreeningStatus.PROCEED
    assert result.knowledge_version == kb.version


def test_spinal_risk_factors_are_not_red_flags_for_migraine(kb) -> None:
    intake = build_intake(condition="migraine", history={"osteoporosis": True, "long_term_steroids": True})
    assert not {c for c in codes(intake, kb) if "fracture" in c}


def test_headache_answers_of_a_back_pain_patient_are_found_and_the_urgent_ones_too(kb) -> None:
    # clinical.md §2.7: any red flag in a new or changed headache needs medical evaluation first.
    intake = build_intake(red_flag_answers={"headache_onset_after_50": True, "positional_headache": True})
    assert {"headache_late_onset", "headache_pattern_features"} <= codes(intake, kb)
    urgent = build_intake(red_flag_answers={"thunderclap_onset": True, "papilloedema": True})
    assert {"headache_thunderclap", "headache_papilloedema"} <= codes(urgent, kb)


def test_immunosuppression_is_a_caution_everywhere_and_an_infection_flag_in_back_pain(kb) -> None:
    intake = build_intake(history={"immunosuppression": True})
    assert {"immunosuppression_asepsis", "back_infection_risk"} <= codes(intake, kb)
    knee = screen(build_intake(condition="knee_osteoarthritis", history={"immunosuppression": True}), kb=kb)
    assert {f.code for f in knee.findings} == {"immunosuppression_asepsis"}
    assert knee.status == ScreeningStatus.PROCEED_WITH_CAUTIONS


@pytest.mark.parametrize("condition", ["knee_osteoarthritis", "migraine", "neck_pain", "fibromyalgia"])
def test_long_term_steroids_are_immunosuppression_for_the_asepsis_caution(kb, condition) -> None:
    # clinical.md §2.6 names "immunosuppression (steroids, transplant, HIV)" and §2.5 makes
    # immunosuppression a caution for every patient: steroids alone raised nothing outside back pain.
    result = screen(build_intake(condition=condition, history={"long_term_steroids": True}), kb=kb)
    assert "immunosuppression_asepsis" in {f.code for f in result.findings}


def test_a_pregnant_migraine_patient_is_a_systemic_headache_red_flag(kb) -> None:
    intake = build_intake(condition="migraine", patient={"id": "p", "birth_date": "1990-01-01", "sex": "female",
                                                         "pregnancy": {"pregnant": True, "weeks": 12}})
    assert "headache_systemic" in codes(intake, kb)


def test_phq9_item_9_at_zero_raises_nothing(kb) -> None:
    answers = {f"q{i}": 3 for i in range(1, 9)} | {"q9": 0}
    assert "phq9_self_harm" not in codes(build_intake(questionnaires={"phq9": answers}), kb)


@pytest.mark.parametrize(("birth_date", "condition", "found"), [
    ("2008-06-15", "chronic_low_back_pain", True),  # 18: back pain presenting under 20
    ("2006-12-02", "upper_back_pain", True),  # 19 until tomorrow
    ("2006-12-01", "chronic_low_back_pain", False),  # 20 today
    ("2008-06-15", "knee_osteoarthritis", False),  # a back-pain red flag
])
def test_back_pain_presenting_under_20_is_a_malignancy_caution(kb, birth_date, condition, found) -> None:
    # clinical.md §2.6, possible malignancy: "new onset in age over 50 years ... or under 20"; AHCPR
    # 1994 "age over 50 or under 20", RCGP/NHS "presentation under 20". Only the over-50 half was screened.
    intake = build_intake(condition=condition, patient={"id": "p", "birth_date": birth_date, "sex": "male"})
    assert ("lbp_age_under_20" in codes(intake, kb)) is found


def test_onset_age_uses_the_pain_duration_not_the_age_today(kb) -> None:
    # 55 today, but the pain began ten years ago, at 45: no late-onset flag
    intake = build_intake(patient={"id": "p", "birth_date": "1971-06-15", "sex": "male"},
                          pain={"duration_weeks": 520, "nrs": 5})
    assert "lbp_onset_after_50" not in codes(intake, kb)


def test_pregnancy_excludes_forbidden_points_regions_and_ea_over_them(kb) -> None:
    intake = build_intake(patient={"id": "p", "birth_date": "1992-01-01", "sex": "female",
                                   "pregnancy": {"pregnant": True, "weeks": 20}})
    found = {f.code: f for f in screen(intake, kb=kb).findings}
    points = found["pregnancy_points_and_regions"].affects
    assert {"LI4", "SP6", "BL60", "GB21", "BL67", "BL23", "CV4"} <= points.points
    assert points.regions == {"abdomen_lower", "abdomen_upper", "lower_back", "sacrum"}
    assert "ea_over_region:sacrum" in found["pregnancy_no_ea_over_uterus"].affects.techniques
    assert "Sources disagree" in (found["pregnancy_points_and_regions"].note or "")


def test_severe_bleeding_removes_every_needling_modality(kb) -> None:
    finding = screen(build_intake(safety={"bleeding_disorder": "severe"}), kb=kb).findings[0]
    assert finding.affects.modalities == {"manual", "electro", "warm_needle", "auricular"}
    assert finding.action == Action.EXCLUDE


def test_skin_lesion_names_its_sided_region_in_the_message(kb) -> None:
    finding = screen(build_intake(safety={"skin_lesions_at": ["left_knee"]}), kb=kb).findings[0]
    assert finding.affects.regions == {"left_knee"}
    assert "left_knee" in finding.message


def test_metal_implant_keeps_ea_away_from_its_region(kb) -> None:
    finding = screen(build_intake(safety={"metal_implants_at": ["right_hip"]}), kb=kb).findings[0]
    assert "ea_over_region:right_hip" in finding.affects.techniques


def test_every_finding_cites_sources_that_resolve(kb) -> None:
    known = {s.key for s in kb.citations.sources}
    for rule in kb.safety.rules:
        assert set(rule.citations) <= known, rule.code
