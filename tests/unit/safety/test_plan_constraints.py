"""PlanConstraints: the one place that decides what a plan may hold, and violations() that checks it."""

from __future__ import annotations

from typing import Any

from acupath.safety import PlanConstraints, PlanOutline, screen, violations
from strategies import build_intake

PREGNANT = {"id": "p", "birth_date": "1992-01-01", "sex": "female", "pregnancy": {"pregnant": True, "weeks": 20}}


def constraints(kb: Any, **sections: Any) -> PlanConstraints:
    return PlanConstraints.from_screening(screen(build_intake(**sections), kb=kb), kb)


def test_without_findings_ordinary_points_modalities_and_pairs_are_allowed(kb) -> None:
    rules = constraints(kb)
    assert rules.planning_allowed()
    assert rules.point_allowed("ST36", "left")
    assert rules.modality_allowed("electro")
    assert rules.ea_pair_allowed(("BL23", "left"), ("BL25", "left"))
    allowed, reasons = rules.point_allowed("KI3", "right")
    assert allowed and reasons == ()


def test_needling_prohibited_points_are_never_allowed(kb) -> None:
    rules = constraints(kb)
    for code in ("CV8", "ST17"):
        allowed, reasons = rules.point_allowed(code)
        assert not allowed and any("needling_prohibited" in r for r in reasons)


def test_an_unknown_point_is_not_allowed(kb) -> None:
    assert not constraints(kb).point_allowed("XX99")


def test_ea_never_crosses_the_chest(kb) -> None:
    rules = constraints(kb)
    assert not rules.ea_pair_allowed(("LI4", "left"), ("LI4", "right"))  # arm to arm
    assert not rules.ea_pair_allowed(("PC6", "left"), ("ST36", "right"))  # arm to opposite leg
    assert not rules.ea_pair_allowed(("LU1", "left"), ("LI4", "left"))  # over the chest
    assert not rules.ea_pair_allowed(("BL13", "left"), ("BL13", "right"))  # across the thorax
    assert rules.ea_pair_allowed(("LI4", "left"), ("LI11", "left"))  # within one arm
    assert not rules.ea_pair_allowed(("ST36", "left"), ("ST36", "right"))  # leg to leg: left to right


def test_an_unsided_bilateral_pair_is_judged_at_its_worst(kb) -> None:
    assert not constraints(kb).ea_pair_allowed(("LI4", None), ("LI11", "bilateral"))


def test_the_planner_gets_verdicts_that_are_false_when_refused(kb) -> None:
    rules = constraints(kb, safety={"implanted_electronic_device": True})
    verdict = rules.modality_allowed("electro")
    assert not verdict and verdict.reasons == ("ea_implanted_device: no electroacupuncture",)
    assert not rules.ea_pair_allowed(("BL23", "left"), ("BL25", "left"))
    assert rules.modality_allowed("manual")


def test_referral_in_force_stops_planning(kb) -> None:
    assert not constraints(kb, history={"cancer": True}).planning_allowed()


def test_pregnancy_removes_forbidden_points_and_lumbosacral_regions(kb) -> None:
    rules = constraints(kb, condition="neck_pain", patient=PREGNANT)
    for code in ("LI4", "SP6", "BL60", "GB21", "BL67", "BL23", "GV4", "CV6"):
        assert not rules.point_allowed(code, "left" if code[:2] not in ("GV", "CV") else "midline"), code
    assert rules.point_allowed("GB20", "left")
    assert not rules.technique_allowed("strong_stimulation")
    # a left-right pair of leg points sends current across the pelvis
    assert not rules.ea_pair_allowed(("ST36", "left"), ("ST36", "right"))
    assert rules.ea_pair_allowed(("ST36", "left"), ("GB34", "left"))


def test_an_overridden_pregnancy_finding_allows_its_points_but_not_ea_over_the_uterus(kb) -> None:
    override = {"finding": "pregnancy_points_and_regions", "by": "Dr Lee",
                "reason": "risk-benefit discussed and documented; patient consents to LI4"}
    rules = constraints(kb, condition="neck_pain", patient=PREGNANT, overrides=[override])
    assert rules.point_allowed("LI4", "left") and rules.point_allowed("BL23", "left")
    assert not rules.ea_pair_allowed(("LI4", "left"), ("LI11", "left"))  # no electrode on a forbidden point
    assert not rules.ea_pair_allowed(("BL23", "left"), ("BL25", "left"))  # no EA over the lumbosacral region
    assert not rules.ea_pair_allowed(("ST36", "left"), ("ST36", "right"))  # nor across the pelvis


def test_skin_lesions_exclude_their_side_only(kb) -> None:
    rules = constraints(kb, condition="knee_osteoarthritis", safety={"skin_lesions_at": ["left_knee"]})
    assert not rules.point_allowed("ST35", "left")
    assert rules.point_allowed("ST35", "right")
    assert not rules.point_allowed("ST35", "bilateral")
    assert rules.point_allowed("ST36", "left")


def test_a_bare_region_excludes_both_sides_and_the_midline(kb) -> None:
    rules = constraints(kb, safety={"skin_lesions_at": ["lower_back"]})
    assert not rules.point_allowed("BL23", "left") and not rules.point_allowed("BL23", "right")
    assert not rules.point_allowed("GV4", "midline")


def test_metal_implant_blocks_points_there_and_ea_across_it(kb) -> None:
    rules = constraints(kb, condition="knee_osteoarthritis", safety={"metal_implants_at": ["left_knee"]})
    assert not rules.point_allowed("ST35", "left")
    assert not rules.ea_pair_allowed(("GB30", "left"), ("GB34", "left"))  # buttock to leg, across the knee
    assert rules.ea_pair_allowed(("ST36", "left"), ("GB34", "left"))  # below the knee
    assert rules.ea_pair_allowed(("GB30", "right"), ("GB34", "right"))  # the other leg


def test_severe_bleeding_leaves_acupressure_only(kb) -> None:
    rules = constraints(kb, safety={"bleeding_disorder": "severe"})
    for modality in ("manual", "electro", "warm_needle", "auricular"):
        assert not rules.modality_allowed(modality)
    assert rules.modality_allowed("acupressure")


def test_needle_phobia_allows_auricular_and_acupressure(kb) -> None:
    rules = constraints(kb, safety={"needle_phobia": True})
    assert not rules.modality_allowed("manual") and not rules.modality_allowed("electro")
    assert rules.modality_allowed("auricular") and rules.modality_allowed("acupressure")


def test_anticoagulation_removes_bleeding_cupping_and_deep_needling(kb) -> None:
    rules = constraints(kb, safety={"anticoagulant": True})
    for technique in ("bleeding", "cupping", "deep_needling"):
        assert not rules.technique_allowed(technique)
    assert rules.modality_allowed("manual")
    assert [f.code for f in rules.cautions] == ["bleeding_risk_caution"]


def test_flagged_points_always_carry_their_depth_and_angle_cautions(kb) -> None:
    rules = constraints(kb)
    (gb21, *_rest) = rules.point_cautions("GB21")
    assert gb21.startswith("GB21, pneumothorax risk: ") and "cun" in gb21  # the flag in words, not its code
    assert any("spinal cord or medulla" in c for c in rules.point_cautions("GB20"))
    assert any(c.startswith("BL40, major vessel: ") for c in rules.point_cautions("BL40"))
    assert any("eye orbit" in c for c in rules.point_cautions("BL1"))
    assert rules.point_cautions("ST36") == ()


def test_violations_lists_each_contradiction_and_nothing_for_a_clean_plan(kb) -> None:
    result = screen(build_intake(patient=PREGNANT, safety={"implanted_electronic_device": True}), kb=kb)
    plan = {
        "points": [{"code": "LI4", "side": "bilateral"}, {"code": "ST36", "side": "bilateral"}],
        "modality": {"primary": "electro"},
        "electroacupuncture": {"pairs": [["ST36", "GB34", "left"]]},
        "techniques": ["strong_stimulation"],
    }
    found = violations(plan, result, kb)
    assert any(line.startswith("point LI4") for line in found)
    assert any(line.startswith("modality electro") for line in found)
    assert any(line.startswith("technique strong_stimulation") for line in found)
    assert not any(line.startswith("point ST36") for line in found)
    clean = PlanOutline(points=(("ST36", "left"), ("GB34", "left")), modalities=("manual",),
                        needled=(("ST36", "left"),))
    assert violations(clean, result, kb) == []


def test_violations_of_a_plan_built_despite_a_referral(kb) -> None:
    result = screen(build_intake(history={"cancer": True}), kb=kb)
    found = violations(PlanOutline(points=(("ST36", "left"),)), result, kb)
    assert found == ["plan: systemic_malignancy: referral finding in force"]


def test_needled_body_points_break_needle_phobia_but_ear_seeds_do_not(kb) -> None:
    result = screen(build_intake(safety={"needle_phobia": True}), kb=kb)
    needled = {"points": [{"code": "ST36", "side": "left", "technique": "needle"}]}
    seeds = {"points": [{"code": "TF4", "side": "left", "technique": "ear_seed"}], "modality": "auricular"}
    assert violations(needled, result, kb)
    assert violations(seeds, result, kb) == []
