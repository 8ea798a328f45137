"""Migraine outcomes by headache days: the diary against baseline, responders by >= 50 % fewer migraine
days (Linde 2016, conditions/migraine.yaml)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from acupath.cli.planning import render_progress
from acupath.errors import InputError
from acupath.outcomes import evaluate, parse_diary, parse_records
from acupath.planning import build_plan
from acupath.safety import screen
from strategies import build_intake

ROOT = Path(__file__).resolve().parents[3]


def _plan(kb, **pain):
    intake = build_intake(condition="migraine", pain={"sites": ["scalp"], **pain},
                          schedule={"start": "2026-12-07", "clinic_days": ["mon", "thu"]})
    return build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)


def _diary(*months):
    return parse_diary({"headache_diary": [
        {"month_start": start, "headache_days": headache, "migraine_days": migraine}
        for start, headache, migraine in months
    ]})


def test_half_the_migraine_days_of_the_intake_baseline_is_a_responder(kb):
    plan = _plan(kb, headache_days_per_month=10, migraine_days_per_month=8)
    diary = _diary(("2026-12-07", 9, 6), ("2027-01-07", 6, 4))
    days = evaluate(plan, (), (), kb=kb, diary=diary).headache_days
    assert (days.baseline_headache_days, days.baseline_migraine_days, days.baseline_from) == (10, 8, "intake")
    assert [(m.reduction_percent, m.responder) for m in days.months] == [(25, False), (50, True)]
    assert days.responder is True and days.reduction_percent_needed == 50
    assert "linde_2016_migraine_cochrane" in days.citations


def test_without_an_intake_baseline_the_diary_month_before_the_plan_is_the_baseline(kb):
    plan = _plan(kb)
    diary = _diary(("2026-10-07", 12, 10), ("2026-11-07", 10, 8), ("2026-12-07", 8, 5))
    days = evaluate(plan, (), (), kb=kb, diary=diary).headache_days
    assert days.baseline_from == "diary month from 2026-11-07" and days.baseline_migraine_days == 8
    assert [m.month_start for m in days.months] == [date(2026, 12, 7)]
    assert days.responder is False


def test_a_diary_with_no_baseline_is_refused_naming_the_diary(kb):
    with pytest.raises(InputError) as raised:
        evaluate(_plan(kb), (), (), kb=kb, diary=_diary(("2026-12-07", 8, 5)))
    assert raised.value.field == "headache_diary"


def test_a_baseline_of_no_migraine_days_gives_no_percent_and_no_verdict(kb):
    plan = _plan(kb, headache_days_per_month=4, migraine_days_per_month=0)
    days = evaluate(plan, (), (), kb=kb, diary=_diary(("2026-12-07", 2, 0))).headache_days
    assert (days.months[0].reduction_percent, days.months[0].responder) == (None, None)


def test_a_condition_without_a_diary_refuses_one(kb):
    intake = build_intake()
    plan = build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)
    with pytest.raises(InputError) as raised:
        evaluate(plan, (), (), kb=kb, diary=_diary(("2026-12-07", 2, 1)))
    assert raised.value.field == "headache_diary"


def test_no_diary_leaves_headache_days_out(kb):
    assert evaluate(_plan(kb), (), (), kb=kb).headache_days is None


def test_the_example_records_show_the_diary_in_text_and_json(kb):
    intake_data = yaml.safe_load((ROOT / "examples/intakes/migraine_holidays.yaml").read_text())
    intake = build_intake(**intake_data)
    plan = build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)
    records = yaml.safe_load((ROOT / "examples/records/migraine_headache_diary.yaml").read_text())
    progress = evaluate(plan, *parse_records(records), kb=kb, diary=parse_diary(records))
    text = render_progress(progress)
    assert "Headache diary: baseline 10 headache days, 8 migraine days a month (intake)" in text
    assert progress.headache_days.responder is True
    data = json.loads(json.dumps(progress.to_dict()))
    assert data["headache_days"]["months"][-1]["responder"] is True
    assert data["headache_days"]["months"][0]["month_start"] == "2026-12-07"


@pytest.mark.parametrize(
    "entry, field",
    [
        ({"month_start": "2026-12-07", "headache_days": 5}, "headache_diary[0].migraine_days"),
        ({"month_start": "2026-12-07", "headache_days": 5, "migraine_days": 6}, "headache_diary[0].migraine_days"),
        ({"month_start": "2027-02-01", "headache_days": 29, "migraine_days": 1}, "headache_diary[0].headache_days"),
        ({"month_start": "2026-12-41", "headache_days": 5, "migraine_days": 1}, "headache_diary[0].month_start"),
        ({"month_start": "2026-12-07", "headache_days": 5, "migraine_days": 1, "aura": 1}, "headache_diary[0].aura"),
        ({"month_start": "2026-12-07", "headache_days": -1, "migraine_days": 0}, "headache_diary[0].headache_days"),
    ],
)
def test_malformed_diary_entries_name_the_field(entry, field):
    with pytest.raises(InputError) as raised:
        parse_diary({"headache_diary": [entry]})
    assert raised.value.field == field


def test_overlapping_diary_months_are_refused():
    with pytest.raises(InputError) as raised:
        _diary(("2026-12-07", 5, 2), ("2026-12-20", 5, 2))
    assert raised.value.field == "headache_diary"


def test_february_holds_28_days_and_january_31():
    feb, jan = _diary(("2027-01-01", 31, 1), ("2027-02-01", 28, 1))[::-1]
    assert (jan.days, feb.days) == (31, 28)
