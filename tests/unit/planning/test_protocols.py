"""Every protocol plans as its condition file's worked examples say (examples run as tests)."""

from __future__ import annotations

from datetime import date

import pytest

from acupath.errors import InputError
from acupath.planning import build_plan
from acupath.safety import screen, violations
from strategies import build_intake


def _examples(kb):
    for condition in kb.conditions.values():
        for example in condition.examples:
            yield pytest.param(example, id=f"{condition.id}: {example['name']}")


def _plan(kb, **sections):
    intake = build_intake(**sections)
    screening = screen(intake, kb=kb, today=intake.schedule.start)
    return build_plan(intake, screening, kb), screening


def pytest_generate_tests(metafunc):
    if "condition_example" in metafunc.fixturenames:
        from acupath.knowledge import load_knowledge

        metafunc.parametrize("condition_example", list(_examples(load_knowledge())))


def test_condition_file_examples_hold(kb, condition_example):
    given = condition_example["intake"]
    expect = condition_example["expect"]
    plan, screening = _plan(kb, **given)
    assert plan.status == "planned"
    assert violations(plan, screening, kb) == []
    if "points" in expect:
        assert [p.code for p in plan.points] == expect["points"]
    if "dropped" in expect:
        assert [o.code for o in plan.dropped_points] == expect["dropped"]
    if "modality" in expect:
        assert plan.modality.primary == expect["modality"]
    if "electrode_pairs" in expect:
        assert {(a, b) for a, b, _ in plan.electroacupuncture.pairs} == {tuple(p) for p in expect["electrode_pairs"]}
    if "heat" in expect:
        assert plan.modality.heat == expect["heat"]


@pytest.mark.parametrize(
    "pattern, added",
    [
        ("liver_yang_rising", ["LR2", "GB34", "GB43"]),
        ("blood_deficiency", ["ST36", "SP6", "BL17"]),
        ("phlegm_dampness", ["ST40", "SP9", "CV12"]),
        ("kidney_deficiency", ["KI3", "KI7", "GV20"]),
    ],
)
def test_each_migraine_pattern_adds_its_points_from_seed_001(kb, pattern, added):
    plan, _ = _plan(kb, condition="migraine", pattern=pattern, pain={"sites": ["scalp"]})
    codes = [p.code for p in plan.points]
    for code in ["LI4", "LR3", "GB20", "GV20", "EX-HN5", "EX-HN3", "GB8", *added]:
        assert code in codes
    assert 10 <= plan.needles_per_session <= 20


def test_upper_back_variant_uses_gb21_bl12_si11_with_their_pneumothorax_cautions(kb):
    plan, _ = _plan(kb, condition="upper_back_pain", pain={"sites": ["upper_back"]})
    local = {p.code: p for p in plan.points if p.role == "local"}
    assert set(local) == {"GB21", "BL12", "SI11"}
    assert any("pneumothorax" in c for c in local["GB21"].cautions)


def test_knee_oa_cold_damp_gets_warm_needle_on_local_points(kb):
    plan, screening = _plan(kb, condition="knee_osteoarthritis", pattern="cold_damp", pain={"sites": ["left_knee"]})
    assert plan.modality.heat == "warm_needle"
    assert {p.code for p in plan.points if p.warm_needle} >= {"ST35", "EX-LE4"}
    assert all(p.side in ("left", "bilateral") for p in plan.points)
    assert violations(plan, screening, kb) == []


def test_warm_needle_is_never_marked_on_a_moxibustion_caution_point_and_the_plan_says_so(kb):
    plan, _ = _plan(kb, condition="knee_osteoarthritis", pattern="cold_damp", pain={"sites": ["left_knee"]})
    bl40 = next(p for p in plan.points if p.code == "BL40")  # flagged moxibustion_caution in points.yaml
    assert not bl40.warm_needle
    assert any(w.startswith("warm needle not used at BL40: moxibustion_caution") for w in plan.warnings)
    flagged = {p.code for p in kb.points.with_flag("moxibustion_caution")}
    assert not {p.code for p in plan.points if p.warm_needle} & flagged


def test_a_point_dropped_for_the_budget_names_the_whole_budget_and_the_ashi_share(kb):
    plan, _ = _plan(kb, condition="fibromyalgia", pain={"widespread": True, "sites": ["upper_back"]})
    dropped = [o.reason for o in plan.dropped_points]
    assert dropped and all(r == "needle budget (20 per session, 2 of them ashi)" for r in dropped)
    assert not any("budget" in o.reason for o in plan.omitted_points)
    assert plan.needles_per_session <= 20


def test_fibromyalgia_pairs_each_seed_ea_point_on_its_own_limb_and_2_per_week_for_12_weeks(kb):
    plan, _ = _plan(kb, condition="fibromyalgia", pain={"widespread": True, "sites": []})
    assert plan.electroacupuncture.frequency_hz == "2/100"
    # seed 001's ST36-LI4 (leg to arm, across the trunk) is corrected to one limb per circuit (issue 10)
    assert set(plan.electroacupuncture.pairs) == {("ST36", "SP6", "left"), ("ST36", "SP6", "right"),
                                                  ("LI4", "HT7", "left"), ("LI4", "HT7", "right")}
    early = [s for s in plan.sessions if s.date < date(2027, 2, 23)]  # first 12 weeks from 2026-12-01
    assert len(early) == 24


def test_migraine_gets_at_least_12_sessions_in_8_weeks_with_two_clinic_days(kb):
    plan, _ = _plan(kb, condition="migraine", schedule={"start": "2026-12-01", "clinic_days": ["tue", "fri"]})
    in_8_weeks = [s for s in plan.sessions if (s.date - date(2026, 12, 1)).days < 56]
    assert len(in_8_weeks) >= 12
    assert not any("at least 12" in w for w in plan.warnings)


def test_ea_for_nrs_7_and_manual_below(kb):
    severe, _ = _plan(kb, pain={"nrs": 7})
    mild, _ = _plan(kb, pain={"nrs": 6})
    assert severe.modality.primary == "electro" and "NRS 7" in severe.electroacupuncture.indication
    assert mild.modality.primary == "manual" and mild.electroacupuncture is None


def test_pacemaker_withholds_ea_and_says_why(kb):
    plan, screening = _plan(kb, pain={"radiating_leg_pain": True}, safety={"implanted_electronic_device": True})
    assert plan.modality.primary == "manual"
    assert any("withheld" in w for w in plan.warnings)
    assert violations(plan, screening, kb) == []


def test_components_record_their_triggers(kb):
    plan, _ = _plan(
        kb,
        questionnaires={
            "pcs": {f"q{i}": 3 for i in range(1, 14)},
            "isi": {f"q{i}": 3 for i in range(1, 8)},
            "gad7": {f"q{i}": 2 for i in range(1, 8)},
        },
    )
    by_id = {c.id: c for c in plan.components}
    assert by_id["cbt_for_pain"].trigger == "pcs 39 >= 30"
    assert by_id["cbt_i"].trigger == "isi 21 >= 15"
    assert "gad7 14 >= 10" in by_id["anxiety_care"].trigger
    assert by_id["pharmacology_review"].prescriber_review
    assert "depression_care" not in by_id
    sources = {p.source for p in plan.points}
    assert "adjunct:sleep" in sources or plan.dropped_points
    assert plan.needles_per_session <= 20


def test_needle_phobia_gives_auricular_seeds_and_acupressure(kb):
    plan, screening = _plan(kb, safety={"needle_phobia": True})
    assert plan.modality.primary == "auricular"
    assert plan.needles_per_session == 0
    assert {p.technique for p in plan.points} == {"acupressure", "ear_seed"}
    assert violations(plan, screening, kb) == []


def test_referral_plan_has_findings_and_no_points_or_sessions(kb):
    plan, _ = _plan(kb, red_flag_answers={"saddle_anaesthesia": True})
    assert plan.status == "urgent_referral" and plan.is_referral
    assert plan.points == () and plan.sessions == ()
    assert plan.referral and plan.referral[0].startswith("systemic_cauda_equina_or_myelopathy")


def test_unknown_pattern_is_an_input_error_naming_the_patterns(kb):
    with pytest.raises(InputError, match="pattern"):
        _plan(kb, condition="migraine", pattern="wind_cold")


def test_plan_json_round_trip(kb):
    import json

    from acupath.planning import Plan

    plan, _ = _plan(kb, payer="medicare", pain={"radiating_leg_pain": True})
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan
    data = plan.to_dict()
    for key in ("status", "findings", "points", "modality", "electroacupuncture", "components", "phases",
                "sessions", "checkpoints", "coverage", "overrides", "knowledge_version"):
        assert key in data
    assert set(data["sessions"][0]) >= {"number", "date", "phase", "reassess"}


def test_a_components_referral_reads_back_as_the_one_professional_it_names(kb):
    # programme.yaml names one professional per component; read back from JSON it was once spelt out as
    # a tuple of letters ("p, s, y, c, h, ..." on the plan page).
    from acupath.planning import Plan

    plan, _ = _plan(kb)
    data = plan.to_dict()
    data["components"] = [{**data["components"][0], "referral": "psychologist"}]
    again = Plan.from_dict(data)
    assert again.components[0].referral == "psychologist"
    assert again.to_dict()["components"][0]["referral"] == "psychologist"
