"""Electroacupuncture geometry (issue 10, item 3): an electrode pair stays within one limb, or within one
side of one trunk segment; never arm to leg, never left to right, never across the chest or head
(clinical.md §2.4). A standing rule: ``PlanConstraints`` refuses it in a plan and in a recorded session.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.assessment.intake import parse_intake
from acupath.errors import InputError
from acupath.planning.build import build_plan
from acupath.safety import PlanConstraints, screen, violations
from acupath.services.electrodes import check_electrode_geometry
from acupath.services.records import Electrode
from strategies import build_intake, intake_data

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RULE = "ea_pair_within_one_limb_or_segment"


@pytest.fixture
def standing(kb: Any) -> PlanConstraints:
    return PlanConstraints.standing_rules(kb)


def one_group_oracle(kb: Any, a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    """Written apart from the code under test: read the groups straight from safety.yaml's lists."""
    geometry = kb.safety.ea_geometry
    points = {code: kb.points.find(code) for code, _ in (a, b)}
    regions = {r for code, _ in (a, b) for r in (points[code].region, *points[code].other_regions)}
    in_limb = any(regions <= set(limb) for limb in geometry.limbs.values())
    in_segment = any(regions <= set(segment) for segment in geometry.trunk_segments.values())
    sides = set()
    for code, side in (a, b):
        if points[code].midline:
            if in_limb:
                return False
            continue
        if side not in ("left", "right"):
            return False  # a lateral needle of unknown side might be on the other side
        sides.add(side)
    return (in_limb or in_segment) and len(sides) <= 1


@pytest.mark.parametrize(("a", "b"), [
    (("ST36", "left"), ("SP6", "left")),  # one lower leg
    (("LI4", "right"), ("HT7", "right")),  # one hand and wrist
    (("ST35", "left"), ("EX-LE4", "left")),  # the eyes of the knee
    (("GB30", "right"), ("GB34", "right")),  # buttock to lower leg: one limb
    (("BL23", "left"), ("BL25", "left")),  # one side of the lumbosacral segment
    (("GV3", None), ("BL25", "left")),  # the midline joins one side of its segment
])
def test_pairs_within_one_limb_or_one_side_of_a_segment_are_allowed(standing, a, b) -> None:
    assert standing.ea_pair_geometry(a, b)
    assert standing.ea_pair_allowed(a, b)


@pytest.mark.parametrize(("a", "b", "why"), [
    (("ST36", "left"), ("LI4", "left"), "lower_limb and upper_limb"),  # seed 001's fibromyalgia circuit
    (("PC6", "right"), ("ST36", "right"), "lower_limb and upper_limb"),
    (("ST36", "left"), ("ST36", "right"), "left and right lower_limb"),
    (("LI4", "left"), ("LI4", "right"), "left and right upper_limb"),
    (("BL23", "left"), ("BL23", "right"), "left to right across the lumbosacral"),
    (("BL25", "left"), ("GB30", "left"), "lower_limb and lumbosacral"),  # trunk to limb
    (("EX-HN5", "left"), ("GB8", "left"), "no electrode pair there"),  # the head: over the brain
    (("GB20", "left"), ("GB21", "left"), "no electrode pair there"),  # the neck
    (("LI4", None), ("LI11", "bilateral"), "not stated"),  # sides unknown: judged at the worst
])
def test_pairs_that_leave_one_limb_or_segment_are_refused_by_the_standing_rule(standing, a, b, why) -> None:
    verdict = standing.ea_pair_geometry(a, b)
    assert not verdict
    (reason,) = verdict.reasons
    assert reason.startswith(f"{RULE}: ") and why in reason, reason
    assert not standing.ea_pair_allowed(a, b)


def test_no_override_lifts_the_geometry_rule(kb) -> None:
    data = {"safety": {"epilepsy": "controlled", "needle_phobia": True}}
    result = screen(build_intake(**data), kb=kb)
    overrides = [{"finding": f.code, "reason": "discussed with the patient and documented", "by": "Dr Lee"}
                 for f in result.findings]
    overridden = screen(build_intake(**data, overrides=overrides), kb=kb)
    assert not overridden.in_force()
    rules = PlanConstraints.from_screening(overridden, kb)
    assert not rules.ea_pair_allowed(("ST36", "left"), ("LI4", "left"))
    assert RULE not in {f.code for f in overridden.findings}  # a standing rule is never a finding


def test_every_protocol_circuit_keeps_to_one_limb_or_segment(kb, standing) -> None:
    for source in kb.conditions.values():
        circuits = list(source.electroacupuncture.electrode_pairs)
        for variant in source.variants:
            circuits += list(variant.electrode_pairs)
        for a, b in circuits:
            for side in ("left", "right"):
                needles = [(code, None if kb.points.find(code).midline else side) for code in (a, b)]
                assert standing.ea_pair_geometry(*needles), (source.id, a, b, side)


def test_a_recorded_session_with_a_breaking_pair_is_a_422_naming_the_pair(kb) -> None:
    fine = (Electrode("BL23", "left"), Electrode("BL25", "left"))
    across = (Electrode("ST36", "left"), Electrode("LI4", "left"))
    check_electrode_geometry([fine], kb)
    with pytest.raises(InputError) as error:
        check_electrode_geometry([fine, across], kb)
    assert error.value.field == "stimulation.electrode_pairs[1]"
    assert error.value.http_status == 422
    assert "lower_limb and upper_limb" in error.value.problem and "no override" in error.value.problem


def test_violations_report_a_breaking_pair_in_a_plan(kb) -> None:
    result = screen(build_intake(), kb=kb)
    plan = {"points": [{"code": "ST36", "side": "bilateral"}, {"code": "LI4", "side": "bilateral"}],
            "modality": {"primary": "electro"}, "electroacupuncture": {"pairs": [["ST36", "LI4", "left"]]}}
    found = violations(plan, result, kb)
    assert any(RULE in line and line.startswith("electrode pair ST36(left)-LI4(left)") for line in found)


_POINT_SIDES = st.sampled_from(["left", "right", None, "bilateral"])


@PROPERTY
@given(data=st.data())
def test_an_allowed_pair_of_any_two_points_stays_in_one_limb_or_one_side_of_a_segment(kb, data) -> None:
    codes = [p.code for p in kb.points.points if p.plannable]
    a = (data.draw(st.sampled_from(codes)), data.draw(_POINT_SIDES))
    b = (data.draw(st.sampled_from(codes)), data.draw(_POINT_SIDES))
    rules = PlanConstraints.standing_rules(kb)
    if rules.ea_pair_allowed(a, b):
        assert one_group_oracle(kb, a, b), (a, b)
    if not one_group_oracle(kb, a, b):
        assert not rules.ea_pair_geometry(a, b), (a, b)


@PROPERTY
@given(data=intake_data(phq9=False))
def test_no_plan_from_a_generated_intake_holds_a_breaking_pair(kb, data) -> None:
    data["red_flag_answers"], data["history"] = {}, {}  # referrals would stop planning before EA is chosen
    intake = parse_intake(data)
    result = screen(intake, kb=kb)
    plan = build_plan(intake, result, kb)
    pairs = plan.electroacupuncture.pairs if plan.electroacupuncture else ()
    for a, b, side in pairs:
        needles = [(code, None if kb.points.find(code).midline else side) for code in (a, b)]
        assert one_group_oracle(kb, *needles), (a, b, side)
