"""Seed content the plans now use (issue 10 item 7, planning parts).

Yaotongdian (EX-UE7) in an acute flare of low back pain, BL20 and GB30 from seed 003, needle retention
from seeds 002 and 003 in every rendering, auricular Shenmen placed when a component promises it, and
the points the needle budget drops named as dropped. New points go through the safety constraints.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.cli.plan_render import render_plan
from acupath.planning import build_plan
from acupath.safety import screen, violations
from strategies import build_intake

_ISI_SEVERE = {"isi": {f"q{i}": 3 for i in range(1, 8)}}


def _plan(kb, **sections):
    intake = build_intake(**sections)
    screening = screen(intake, kb=kb, today=intake.schedule.start)
    return build_plan(intake, screening, kb), screening


def _outputs(plan) -> list[str]:
    return [render_plan(plan), render_plan(plan, markdown=True), json.dumps(plan.to_dict())]


def test_an_acute_flare_of_low_back_pain_adds_yaotongdian_two_needles_per_hand(kb):
    plan, screening = _plan(kb, condition="chronic_low_back_pain", pain={"nrs": 5, "acute_exacerbation": True})
    ex = next(p for p in plan.points if p.code == "EX-UE7")
    assert (ex.side, ex.needles, ex.source) == ("bilateral", 4, "acute_exacerbation")
    assert ex.evidence_claims == ("seed003_yaotongdian_acute",)
    said = next(e for e in plan.evidence if e.id == "seed003_yaotongdian_acute")
    assert said.status == "unverified" and "acute lumbar pain" in said.text
    assert violations(plan, screening, kb) == []
    assert plan.needles_per_session <= 20


def test_no_flare_no_yaotongdian_and_the_upper_back_variant_never_gets_it(kb):
    calm, _ = _plan(kb, condition="chronic_low_back_pain", pain={"nrs": 5})
    upper, _ = _plan(kb, condition="upper_back_pain", pain={"nrs": 5, "acute_exacerbation": True})
    assert "EX-UE7" not in {p.code for p in calm.points}
    assert "EX-UE7" not in {p.code for p in upper.points}


def test_yaotongdian_goes_through_the_constraints_a_hand_lesion_keeps_it_off_that_hand(kb):
    plan, screening = _plan(
        kb, condition="chronic_low_back_pain", pain={"nrs": 5, "acute_exacerbation": True},
        safety={"skin_lesions_at": ["left_hand"]},
    )
    ex = [p for p in plan.points if p.code == "EX-UE7"]
    assert ex and ex[0].side == "right" and ex[0].needles == 2
    assert any(o.code == "EX-UE7" and o.side == "left" for o in plan.omitted_points)
    assert violations(plan, screening, kb) == []


def test_bl20_and_gb30_are_in_the_low_back_protocol_cited_and_not_in_the_upper_back_variant(kb):
    plan, _ = _plan(kb, condition="chronic_low_back_pain", pain={"nrs": 5})
    by_code = {p.code: p for p in plan.points}
    for code in ("BL20", "GB30"):
        assert "seed_003_back_pain_research" in by_code[code].evidence
        assert by_code[code].evidence_claims == ("seed003_effect_size_points",)
    upper, _ = _plan(kb, condition="upper_back_pain", pain={"nrs": 5})
    assert not {"BL20", "GB30"} & {p.code for p in upper.points}


def test_a_point_the_budget_drops_is_named_as_dropped_in_every_rendering(kb):
    plan, _ = _plan(kb, condition="chronic_low_back_pain", pain={"nrs": 5, "acute_exacerbation": True})
    assert [o.code for o in plan.dropped_points] == ["GB34"]
    assert "GB34" not in {p.code for p in plan.points}
    for output in _outputs(plan)[:2]:
        assert "dropped for the needle budget" in output.lower()
        assert "GB34 (bilateral): dropped, needle budget (20 per session, 2 of them ashi)" in output
    assert json.loads(_outputs(plan)[2])["dropped_points"][0]["code"] == "GB34"


@pytest.mark.parametrize("condition", ["chronic_low_back_pain", "upper_back_pain", "fibromyalgia",
                                       "knee_osteoarthritis", "migraine", "neck_pain"])
def test_needle_retention_of_both_seeds_is_in_every_rendering_with_its_source(kb, condition):
    plan, _ = _plan(kb, condition=condition, pain={"nrs": 5})
    assert [(r.minutes, r.source) for r in plan.retention] == [
        ((20, 25), "seed_002_clbp_cochrane"), ((20, 35), "seed_003_back_pain_research"),
    ]
    assert {r.status for r in plan.retention} == {"unverified"}
    text, markdown, raw = _outputs(plan)
    for output in (text, markdown):
        assert "20-25 min (seed_002_clbp_cochrane; unverified)" in output
        assert "20-35 min (seed_003_back_pain_research; unverified)" in output
    retention = json.loads(raw)["retention"]
    assert [(r["minutes"], r["source"]) for r in retention] == [
        ([20, 25], "seed_002_clbp_cochrane"), ([20, 35], "seed_003_back_pain_research"),
    ]


def test_the_sleep_component_places_auricular_shenmen_it_promises(kb):
    plan, screening = _plan(kb, condition="migraine", questionnaires=_ISI_SEVERE)
    assert "sleep_hygiene" in {c.id for c in plan.components}
    tf4 = [p for p in plan.points if p.code == "TF4"]
    assert len(tf4) == 1 and tf4[0].technique == "ear_seed" and tf4[0].source == "adjunct:sleep"
    assert violations(plan, screening, kb) == []


def test_needle_phobia_with_a_sleep_trigger_places_shenmen_once(kb):
    plan, _ = _plan(kb, safety={"needle_phobia": True}, questionnaires=_ISI_SEVERE)
    assert [p.code for p in plan.points].count("TF4") == 1


def _promised_ear_points(kb, plan) -> set[str]:
    adjuncts = {a.id: a for a in kb.programme.adjunct_sets}
    promised: set[str] = set()
    for planned in plan.components:
        component = next(c for c in kb.programme.components if c.id == planned.id)
        if component.adds_points:
            promised.update(adjuncts[component.adds_points].auricular)
    return promised


@settings(max_examples=60, deadline=None)
@given(
    condition=st.sampled_from(["chronic_low_back_pain", "fibromyalgia", "knee_osteoarthritis", "migraine", "neck_pain"]),
    isi=st.integers(0, 4),
    gad=st.integers(0, 3),
    phobia=st.booleans(),
    flare=st.booleans(),
)
def test_every_ear_point_a_component_promises_is_placed_or_named_as_left_out(kb, condition, isi, gad, phobia, flare):
    plan, screening = _plan(
        kb, condition=condition, pain={"nrs": 5, "acute_exacerbation": flare}, safety={"needle_phobia": phobia},
        questionnaires={"isi": {f"q{i}": min(isi, 4) for i in range(1, 8)}, "gad7": {f"q{i}": gad for i in range(1, 8)}},
    )
    placed = {p.code for p in plan.points}
    left_out = {o.code for o in plan.omitted_points}
    assert _promised_ear_points(kb, plan) <= placed | left_out
    assert plan.needles_per_session <= 20
    assert violations(plan, screening, kb) == []
