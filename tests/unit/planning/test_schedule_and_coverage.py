"""Dated sessions and NCD 30.3.3 coverage: worked examples with fixed dates."""

from __future__ import annotations

from datetime import date

from acupath.planning import build_plan
from acupath.planning.schedule import lay_out
from acupath.safety import screen
from strategies import build_intake


def _plan(kb, **sections):
    intake = build_intake(**sections)
    return build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)


def test_lbp_schedule_is_2_per_week_for_6_weeks_then_weekly_then_monthly(kb):
    plan = _plan(kb, schedule={"start": "2026-12-01", "clinic_days": ["tue", "fri"]})
    phases = {p.id: p for p in plan.phases}
    assert (phases["relief"].sessions, phases["activation"].sessions, phases["consolidation"].sessions) == (12, 4, 4)
    assert [s.date.isoformat() for s in plan.sessions[:4]] == ["2026-12-01", "2026-12-04", "2026-12-08", "2026-12-11"]
    assert plan.sessions[0].number == 1 and plan.sessions[-1].number == len(plan.sessions)


def test_adjacent_clinic_days_cannot_hold_two_sessions_a_week(kb):
    sessions, phases, warnings = lay_out(
        kb.conditions["chronic_low_back_pain"].phases, date(2026, 12, 7), ("mon", "tue"), 2
    )
    assert phases[0].sessions == 6  # one a week: Monday and Tuesday are 1 day apart
    assert phases[0].frequency == "1/week"  # what the days hold, not the protocol's 2/week
    # A pregnancy's limit three weeks in: the weeks after it do not count towards the rhythm.
    _sessions, cut, _warnings = lay_out(kb.conditions["chronic_low_back_pain"].phases, date(2026, 12, 7),
                                        ("mon", "tue"), 2, before=date(2026, 12, 28))
    assert (cut[0].sessions, cut[0].frequency) == (3, "1/week")
    assert any("allow 6 of the 12" in w for w in warnings)
    assert all((b.date - a.date).days >= 2 for a, b in zip(sessions, sessions[1:], strict=False))


def test_reassessment_sessions_name_the_instruments(kb):
    plan = _plan(kb, questionnaires={"isi": {f"q{i}": 3 for i in range(1, 8)}})
    marked = {s.number: s for s in plan.sessions if s.reassess}
    assert 6 in marked and 8 in marked
    assert marked[8].reassess[:3] == ("nrs", "odi", "pcs")
    # The ISI asks about the last 2 weeks: given at session 6, it is not given again 7 days later.
    assert "isi" in marked[6].reassess and "isi" not in marked[8].reassess
    assert (marked[8].date - marked[6].date).days < 14
    assert marked[8].checkpoint == "reassess_diagnosis"
    checkpoint = next(c for c in plan.checkpoints if c.id == "reassess_diagnosis")
    assert checkpoint.date == marked[8].date


def test_medicare_covers_12_in_90_days_then_8_conditional(kb):
    plan = _plan(kb, payer="medicare", pain={"duration_weeks": 20})
    statuses = [s.coverage for s in plan.sessions]
    assert statuses[:12] == ["covered"] * 12
    assert statuses[12:20] == ["conditional"] * 8
    assert all(s == "not_covered" for s in statuses[20:])
    assert plan.coverage.covered == 12 and plan.coverage.conditional == 8
    assert any("documented improvement" in w for w in plan.coverage.warnings)


def test_only_a_medicare_plan_has_the_medicare_extension_checkpoint(kb):
    # NCD 30.3.3's "8 additional sessions" at session 12 mean nothing to a private insurer or self-pay.
    by_payer = {payer: _plan(kb, payer=payer, pain={"duration_weeks": 20})
                for payer in ("medicare", "private", "self_pay")}
    ids = {payer: [c.id for c in plan.checkpoints] for payer, plan in by_payer.items()}
    assert ids["medicare"] == ["response_expected", "reassess_diagnosis", "medicare_extension"]
    assert ids["private"] == ids["self_pay"] == ["response_expected", "reassess_diagnosis"]
    assert by_payer["private"].sessions[11].checkpoint == "end of relief"
    assert by_payer["medicare"].sessions[11].checkpoint == "medicare_extension"


def test_medicare_does_not_cover_lbp_under_12_weeks_or_after_surgery_or_other_conditions(kb):
    short = _plan(kb, payer="medicare", pain={"duration_weeks": 11})
    surgery = _plan(kb, payer="medicare", pain={"related_to_surgery": True})
    knee = _plan(kb, payer="medicare", condition="knee_osteoarthritis", pain={"sites": ["knee"]})
    for plan in (short, surgery, knee):
        assert plan.coverage.covered == 0 and plan.coverage.conditional == 0
        assert not plan.coverage.eligible and plan.coverage.warnings
    assert "NCD 30.3.2" in " ".join(knee.coverage.warnings)


def test_self_pay_cost_range_is_65_to_125_per_session(kb):
    plan = _plan(kb, payer="self_pay")
    assert plan.coverage.self_pay_per_session == (65, 125)
    assert plan.coverage.self_pay_total == (65 * len(plan.sessions), 125 * len(plan.sessions))


def test_private_payer_warns_that_coverage_varies(kb):
    plan = _plan(kb, payer="private")
    assert any("varies" in w for w in plan.coverage.warnings)
    assert {s.coverage for s in plan.sessions} == {"check_plan"}
