"""Progress leaves out a questionnaire given again before its recall period passed (HIT-6 4 weeks,
MIDAS 3 months: recall_days in the instrument files) and says so."""

from __future__ import annotations

from datetime import date, timedelta

from acupath.outcomes import Reassessment, evaluate
from acupath.planning import build_plan
from acupath.safety import screen
from strategies import build_intake

HIT6 = {"q1": "very_often", "q2": "very_often", "q3": "always", "q4": "sometimes", "q5": "very_often",
        "q6": "sometimes"}
HIT6_BETTER = {"q1": "rarely", "q2": "sometimes", "q3": "sometimes", "q4": "rarely", "q5": "rarely", "q6": "rarely"}
START = date(2026, 12, 7)


def _plan(kb):
    intake = build_intake(condition="migraine", pain={"sites": ["scalp"]}, questionnaires={"hit6": HIT6},
                          schedule={"start": START.isoformat(), "clinic_days": ["mon", "thu"]})
    return build_plan(intake, screen(intake, kb=kb, today=START), kb)


def _hit6_after(kb, days):
    again = Reassessment(date=START + timedelta(days=days), session=6, questionnaires={"hit6": HIT6_BETTER})
    return evaluate(_plan(kb), (), (again,), kb=kb)


def test_hit6_two_weeks_after_the_intake_is_left_out_with_an_alert(kb):
    progress = _hit6_after(kb, 14)
    alert = next(a for a in progress.alerts if a.code == "recall_period_not_passed")
    assert "hit6 given on 2026-12-21, 14 days after 2026-12-07" in alert.message and "28 days" in alert.message
    assert "hit6" not in {c.instrument for c in progress.latest.changes}


def test_hit6_four_weeks_after_the_intake_counts(kb):
    progress = _hit6_after(kb, 28)
    assert not any(a.code == "recall_period_not_passed" for a in progress.alerts)
    hit6 = next(c for c in progress.latest.changes if c.instrument == "hit6")
    assert (hit6.baseline, hit6.followup) == (66, 52)


def test_a_second_administration_is_measured_from_the_first_not_the_baseline(kb):
    first = Reassessment(date=START + timedelta(days=30), session=8, totals={"midas": 10.0, "hit6": 60.0})
    second = Reassessment(date=START + timedelta(days=100), session=16, totals={"midas": 8.0, "hit6": 55.0})
    progress = evaluate(_plan(kb), (), (second, first), kb=kb)
    early = [a.message for a in progress.alerts if a.code == "recall_period_not_passed"]
    # MIDAS has no baseline in this plan: its first administration is free, the second 70 days later is not.
    assert len(early) == 1 and early[0].startswith("midas given on 2027-03-17, 70 days after 2027-01-06")
