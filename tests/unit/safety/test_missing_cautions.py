"""Cautions the audit found missing (issue 10, item 4): epilepsy by control when EA is considered, heat
never at or next to a skin lesion, metal implant or sensory-loss region, the first trimester (WHO 1999),
movement disorders (seed 003) and a known tumour site. Each by example, heat also as a property.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import parse_intake
from acupath.knowledge.schema.regions import split_side
from acupath.planning.build import build_plan
from acupath.safety import PlanConstraints, screen, violations
from acupath.safety.violations import PlanOutline
from strategies import build_intake, intake_data

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "intakes"


def constraints(kb: Any, **sections: Any) -> PlanConstraints:
    return PlanConstraints.from_screening(screen(build_intake(**sections), kb=kb), kb)


def pregnant(weeks: int | None) -> dict[str, Any]:
    pregnancy: dict[str, Any] = {"pregnant": True} if weeks is None else {"pregnant": True, "weeks": weeks}
    return {"id": "p", "birth_date": "1992-01-01", "sex": "female", "pregnancy": pregnancy}


def plan_of(kb: Any, **sections: Any) -> Any:
    intake = build_intake(**sections)
    result = screen(intake, kb=kb)
    return build_plan(intake, result, kb), result


# --- epilepsy -----------------------------------------------------------------------------------------

def test_controlled_epilepsy_is_a_caution_with_the_sources_disagreement_and_keeps_ea(kb) -> None:
    result = screen(build_intake(condition="fibromyalgia", safety={"epilepsy": "controlled"}), kb=kb)
    (finding,) = [f for f in result.findings if f.code == "ea_controlled_epilepsy"]
    assert finding.action == "caution" and "electroacupuncture" in finding.message
    assert finding.note and "Sources disagree" in finding.note
    rule = kb.safety.rule("ea_controlled_epilepsy")
    assert {p.citation for p in rule.disagreement.positions} == {"seed_002_clbp_cochrane", "bacc_ea_guidance"}
    plan, _ = plan_of(kb, condition="fibromyalgia", pain={"duration_weeks": 30, "nrs": 6, "widespread": True},
                      safety={"epilepsy": "controlled"})
    assert plan.modality.primary == "electro"
    assert "ea_controlled_epilepsy" in {f.code for f in plan.findings}


def test_poorly_controlled_epilepsy_withholds_ea_and_says_why(kb) -> None:
    plan, result = plan_of(kb, condition="fibromyalgia", pain={"duration_weeks": 30, "nrs": 6, "widespread": True},
                           safety={"epilepsy": "poorly_controlled"})
    assert "ea_poorly_controlled_epilepsy" in {f.code for f in result.in_force()}
    assert "ea_controlled_epilepsy" not in {f.code for f in result.findings}
    assert plan.modality.primary == "manual" and plan.electroacupuncture is None
    assert any("withheld: ea_poorly_controlled_epilepsy" in w for w in plan.warnings)


# --- heat ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["skin_lesions_at", "metal_implants_at", "sensory_loss_at"])
def test_no_heat_at_or_next_to_the_region_on_its_side(kb, field) -> None:
    rules = constraints(kb, condition="knee_osteoarthritis", safety={field: ["left_knee"]})
    for code in ("ST35", "ST36", "SP10"):  # knee, lower leg, thigh
        assert not rules.heat_allowed_at(code, "left"), code
        assert not rules.warm_needle_allowed_at(code, "left"), code
        assert rules.heat_allowed_at(code, "right"), code
    assert rules.heat_allowed_at("KI3", "left")  # the ankle is two regions away
    assert not rules.heat_allowed_at("ST35", "bilateral")  # a needle on each side: judged at its worst


def test_sensory_loss_keeps_heat_away_but_not_needles(kb) -> None:
    rules = constraints(kb, condition="knee_osteoarthritis", safety={"sensory_loss_at": ["left_knee"]})
    assert rules.point_allowed("ST35", "left")
    allowed, reasons = rules.heat_allowed_at("SP10", "left")
    assert not allowed and reasons == ("sensory_loss_heat: no heat next to left_knee, at left_thigh",)


def test_a_cold_damp_knee_plan_puts_no_warm_needle_beside_sensory_loss(kb) -> None:
    plan, result = plan_of(kb, condition="knee_osteoarthritis", pattern="cold_damp",
                           pain={"duration_weeks": 30, "nrs": 5, "sites": ["left_knee"]},
                           safety={"sensory_loss_at": ["left_knee"]})
    assert not [p.code for p in plan.points if p.warm_needle]
    assert any("warm needle not used at SP10: sensory_loss_heat" in w for w in plan.warnings)
    assert violations(plan, result, kb) == []


def test_violations_name_heat_beside_an_excluded_region(kb) -> None:
    result = screen(build_intake(condition="knee_osteoarthritis", safety={"sensory_loss_at": ["right_knee"]}), kb=kb)
    warm = {"points": [{"code": "SP10", "side": "right", "role": "local", "warm_needle": True}],
            "modality": {"primary": "manual", "heat": "warm_needle"}}
    assert violations(warm, result, kb) == [
        "heat at SP10 (right): sensory_loss_heat: no heat next to right_knee, at right_thigh"]
    lamp = {"points": [{"code": "ST35", "side": "right", "role": "local"}, {"code": "KI3", "side": "right",
                                                                          "role": "distal"}],
            "modality": {"primary": "manual", "heat": "heat"}}
    assert PlanOutline.from_plan(lamp).heated == (("ST35", "right"),)  # the lamp is aimed at the local points
    assert violations(lamp, result, kb) == ["heat at ST35 (right): sensory_loss_heat: no heat at right_knee"]


def _forbidden_heat(kb: Any, intake: Any) -> set[str]:
    """Regions (sided as written) where heat may not go, and their neighbours, read straight from the data."""
    geometry = kb.safety.ea_geometry
    sources = [*intake.safety.skin_lesions_at, *intake.safety.metal_implants_at, *intake.safety.sensory_loss_at]
    forbidden: set[str] = set()
    for value in sources:
        side, region = split_side(value)
        near = {region}
        for limb in geometry.limbs.values():
            if region in limb:
                i = limb.index(region)
                near.update(limb[max(i - 1, 0): i + 2])
        near.update(r for pair in geometry.joins if region in pair for r in pair)
        forbidden.update(f"{side}_{r}" if side else r for r in near)
    return forbidden


def _touches(kb: Any, code: str, side: str | None, forbidden: set[str]) -> bool:
    point = kb.points.find(code)
    sides = {"midline"} if point.midline else ({side} if side in ("left", "right") else {"left", "right"})
    for region in (point.region, *point.other_regions):
        if region in forbidden:
            return True
        if any(f"{s}_{region}" in forbidden for s in ("left", "right") if point.midline or s in sides):
            return True
    return False


_KNEE_HEAT = st.fixed_dictionaries({
    "pattern": st.sampled_from(["cold_damp", "kidney_yang_deficiency"]),
    "sites": st.lists(st.sampled_from(["left_knee", "right_knee", "knee"]), min_size=1, max_size=2, unique=True),
})


@PROPERTY
@given(data=intake_data(phq9=False), knee=_KNEE_HEAT)
def test_no_heat_in_a_plan_at_or_beside_an_excluded_region(kb, data: dict[str, Any], knee: dict[str, Any]) -> None:
    data["condition"] = "knee_osteoarthritis"
    data["pattern"] = knee["pattern"]
    data["pain"]["sites"] = knee["sites"]
    data["red_flag_answers"], data["history"] = {}, {}  # referrals would stop planning: test the local rules
    intake = parse_intake(data)
    result = screen(intake, kb=kb)
    plan = build_plan(intake, result, kb)
    forbidden = _forbidden_heat(kb, intake)
    for code, side in PlanOutline.from_plan(plan).heated:
        assert not _touches(kb, code, side, forbidden), (code, side, sorted(forbidden))
    assert violations(plan, result, kb) == []


# --- pregnancy by gestational age -------------------------------------------------------------------------

@pytest.mark.parametrize(("weeks", "found"), [(4, True), (12, True), (13, False), (20, False), (None, True)])
def test_the_first_trimester_is_its_own_finding(kb, weeks, found) -> None:
    codes = {f.code for f in screen(build_intake(condition="neck_pain", patient=pregnant(weeks)), kb=kb).findings}
    assert ("pregnancy_first_trimester" in codes) is found
    assert "pregnancy_points_and_regions" in codes  # the later-pregnancy rules apply throughout


def test_overriding_the_general_pregnancy_finding_leaves_the_first_trimester_in_force(kb) -> None:
    override = [{"finding": "pregnancy_points_and_regions", "by": "Dr Lee",
                 "reason": "risk-benefit discussed and documented with the patient"}]
    early = constraints(kb, condition="neck_pain", patient=pregnant(8), overrides=override)
    later = constraints(kb, condition="neck_pain", patient=pregnant(20), overrides=override)
    assert not early.point_allowed("BL23", "left") and not early.point_allowed("CV4", "midline")
    assert not early.heat_allowed_at("GV4", "midline")  # WHO 1999: no moxibustion there either
    assert early.point_allowed("CV12", "midline")  # upper abdomen: a later-pregnancy region
    assert later.point_allowed("BL23", "left")


# --- movement disorders and tumour sites ------------------------------------------------------------------

def test_an_uncontrolled_movement_disorder_leaves_acupressure_only(kb) -> None:
    plan, result = plan_of(kb, safety={"movement_disorder": "uncontrolled"})
    assert "movement_disorder_uncontrolled" in {f.code for f in result.in_force()}
    assert plan.points and all(p.technique == "acupressure" for p in plan.points)
    assert plan.needles_per_session == 0 and plan.electroacupuncture is None
    assert violations(plan, result, kb) == []


def test_a_controlled_movement_disorder_is_a_caution_only(kb) -> None:
    plan, result = plan_of(kb, safety={"movement_disorder": "controlled"})
    (finding,) = [f for f in result.findings if f.code.startswith("movement_disorder")]
    assert finding.code == "movement_disorder_controlled" and finding.action == "caution"
    assert any(p.technique == "needle" for p in plan.points)


def test_no_needling_or_ea_across_a_tumour_site(kb) -> None:
    rules = constraints(kb, condition="knee_osteoarthritis", safety={"tumour_sites": ["left_thigh"]})
    assert not rules.point_allowed("SP10", "left") and rules.point_allowed("SP10", "right")
    assert not rules.ea_pair_allowed(("GB30", "left"), ("GB34", "left"))  # the current would cross the thigh
    assert rules.ea_pair_allowed(("ST35", "left"), ("EX-LE4", "left"))


# --- the example intakes ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "code"), [
    ("safety_epilepsy_controlled", "ea_controlled_epilepsy"),
    ("safety_epilepsy_poorly_controlled", "ea_poorly_controlled_epilepsy"),
    ("safety_sensory_loss_left_knee", "sensory_loss_heat"),
    ("safety_metal_implant_heat", "metal_implant_regions"),
    ("safety_pregnancy_first_trimester", "pregnancy_first_trimester"),
    ("safety_movement_disorder", "movement_disorder_uncontrolled"),
    ("safety_tumour_site", "tumour_site_regions"),
])
def test_each_new_example_intake_raises_its_finding_and_plans_safely(kb, name, code) -> None:
    intake = parse_intake(yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text()))
    result = screen(intake, kb=kb)
    assert code in {f.code for f in result.findings}
    plan = build_plan(intake, result, kb)
    assert plan.points and plan.sessions
    assert violations(plan, result, kb) == []
