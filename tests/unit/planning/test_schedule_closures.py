"""Closures (public holidays, leave): no session falls on one; a session that would moves to the next
free clinic day, keeping the spacing of seed 001 (at least 2 days apart)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupath.cli.plan_render import render_plan
from acupath.errors import InputError
from acupath.planning import build_plan
from acupath.planning.schedule import WEEKDAYS, lay_out, moved_note
from acupath.safety import screen
from strategies import CONDITIONS, START, build_intake, intakes

CHRISTMAS = {"from": "2026-12-25", "reason": "Christmas"}


def _plan(kb, **sections):
    intake = build_intake(**sections)
    return build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)


def test_a_session_on_christmas_moves_to_the_next_free_clinic_day(kb):
    plan = _plan(kb, schedule={"start": "2026-12-01", "clinic_days": ["tue", "fri"], "closures": [CHRISTMAS]})
    dates = [s.date for s in plan.sessions]
    assert date(2026, 12, 25) not in dates
    moved = [s for s in plan.sessions if s.moved_from is not None]
    assert [(s.moved_from, s.date, s.closure) for s in moved] == [(date(2026, 12, 25), date(2026, 12, 29), "Christmas")]
    assert moved_note(moved[0]) == "moved from 2026-12-25 (closure: Christmas) to 2026-12-29"


def test_a_bare_closure_date_is_a_closure_without_a_reason(kb):
    plan = _plan(kb, schedule={"start": "2026-12-01", "clinic_days": ["tue", "fri"], "closures": ["2026-12-25"]})
    moved = next(s for s in plan.sessions if s.moved_from is not None)
    assert moved.closure == ""
    assert moved_note(moved) == "moved from 2026-12-25 (closure) to 2026-12-29"


def test_the_moved_session_is_shown_in_text_markdown_and_json(kb):
    plan = _plan(kb, schedule={"start": "2026-12-01", "clinic_days": ["tue", "fri"], "closures": [CHRISTMAS]})
    line = "moved from 2026-12-25 (closure: Christmas) to 2026-12-29"
    assert line in render_plan(plan)
    assert line in render_plan(plan, markdown=True)
    sessions = json.loads(json.dumps(plan.to_dict()))["sessions"]
    moved = [s for s in sessions if s["moved_from"]]
    assert moved == [{**moved[0], "moved_from": "2026-12-25", "date": "2026-12-29", "closure": "Christmas"}]


def test_a_leave_of_two_weeks_moves_one_session_past_it_and_reports_the_shortfall(kb):
    leave = {"from": "2026-12-14", "to": "2026-12-27", "reason": "leave"}
    plan = _plan(kb, schedule={"start": "2026-12-01", "clinic_days": ["tue", "fri"], "closures": [leave]})
    inside = [s for s in plan.sessions if date(2026, 12, 14) <= s.date <= date(2026, 12, 27)]
    assert inside == []
    moved = [s for s in plan.sessions if s.moved_from is not None]
    assert [(s.moved_from, s.date) for s in moved] == [(date(2026, 12, 15), date(2026, 12, 29))]
    assert any("relief phase" in w and "around the closures" in w for w in plan.warnings)


def test_without_closures_in_reach_the_schedule_is_unchanged(kb):
    phases = kb.conditions["chronic_low_back_pain"].phases
    plain = lay_out(phases, START, ("mon", "thu"), 2)
    past = ((date(2020, 1, 1), date(2020, 12, 31), "long ago"),)
    assert lay_out(phases, START, ("mon", "thu"), 2, past) == plain


@pytest.mark.parametrize(
    "closures, field",
    [
        (["2026-12-32"], "schedule.closures[0].from"),
        ([20261225], "schedule.closures[0]"),
        (["2026-12-25T10:00"], "schedule.closures[0].from"),
        ([{"from": "2026-12-28", "to": "2026-12-20"}], "schedule.closures[0].to"),
        ([{"from": "2026-01-01", "to": "2027-06-01"}], "schedule.closures[0].to"),
        ([{"to": "2026-12-20"}], "schedule.closures[0].from"),
        ([{"from": "2026-12-20", "reason": "  "}], "schedule.closures[0].reason"),
        ([{"from": "2026-12-20", "until": "2026-12-21"}], "schedule.closures[0].until"),
        ("2026-12-25", "schedule.closures"),
        (["2026-12-24", {"from": True}], "schedule.closures[1].from"),
    ],
)
def test_malformed_closures_name_the_field(closures, field):
    with pytest.raises(InputError) as raised:
        build_intake(schedule={"start": "2026-12-01", "clinic_days": ["tue"], "closures": closures})
    assert raised.value.field == field


@st.composite
def _schedules(draw):
    start = START + timedelta(days=draw(st.integers(0, 6)))
    days = tuple(draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True)))
    closures = []
    for _ in range(draw(st.integers(0, 6))):
        first = start + timedelta(days=draw(st.integers(-3, 200)))
        length = draw(st.sampled_from([0, 0, 0, 1, 3, 13]))
        reason = draw(st.sampled_from([None, "public holiday", "leave"]))
        closures.append((first, first + timedelta(days=length), reason))
    return start, days, tuple(closures)


@settings(max_examples=150, deadline=None)
@given(condition=st.sampled_from(CONDITIONS), schedule=_schedules())
def test_no_session_falls_on_a_closure_or_off_a_clinic_day_and_spacing_holds(kb, condition, schedule):
    start, days, closures = schedule
    source = next(c for c in kb.conditions.values() if c.id == condition or
                  any(v.condition == condition for v in c.variants))
    sessions, _phases, _warnings = lay_out(source.phases, start, days, 2, closures)
    closed = {first + timedelta(days=i) for first, last, _ in closures for i in range((last - first).days + 1)}
    for s in sessions:
        assert s.date not in closed
        assert WEEKDAYS[s.date.weekday()] in days
        assert s.date >= start
        if s.moved_from is not None:
            assert s.moved_from in closed and s.moved_from < s.date
    assert all((b.date - a.date).days >= 2 for a, b in zip(sessions, sessions[1:], strict=False))
    assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))


@settings(max_examples=100, deadline=None)
@given(intake=intakes(phq9=False))
def test_no_planned_session_falls_on_a_closure_of_the_intake(kb, intake):
    plan = build_plan(intake, screen(intake, kb=kb, today=intake.schedule.start), kb)
    closed = {first + timedelta(days=i) for c in intake.schedule.closures
              for first, last, _ in [c.span] for i in range((last - first).days + 1)}
    for session in plan.sessions:
        assert session.date not in closed
        assert WEEKDAYS[session.date.weekday()] in intake.schedule.clinic_days
