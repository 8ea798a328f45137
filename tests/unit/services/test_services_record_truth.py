"""The record cannot say what did not happen (issue 10 item 9), through the services and the fakes.

Dates between the treatment's start and today; sessions given counted; ending a plan always allowed;
no session while the latest screening calls for referral unless overridden; intakes and plans listed;
sessions, adverse events and reassessments corrected only by versioned, audited amendments.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from service_fakes import FROZEN_NOW, FakeUnitOfWork

from acupath.errors import Conflict, InputError, PermissionDenied, SafetyBlock
from acupath.services import (
    amend_plan,
    create_plan,
    get_progress,
    record_adverse_event,
    record_intake,
    record_reassessment,
    record_session,
    screen_intake,
)
from acupath.services.amendments import amend_adverse_event, amend_reassessment, amend_session, record_history
from acupath.services.patient_records import list_intakes, list_plans
from acupath.services.record_dates import check_record_date
from acupath.services.records import AmendedType
from example_records import example_intake
from example_records import example_session as session

GOOD = "Emergency MRI 2026-11-20 excluded cauda equina compression (ED letter on file)"
PEG = {"peg": {"q1": 4, "q2": 3, "q3": 3}}


@pytest.fixture
def knee_plan(uow: FakeUnitOfWork, people, patient, kb):
    """A knee osteoarthritis plan starting 2026-12-01 (the fake's today is 2026-12-31)."""
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("knee_osteoarthritis"), kb)
    return create_plan(uow, people.dr_lee, intake.id, kb)


@pytest.mark.parametrize("day", ["2027-01-01", "2026-11-30", "2099-12-31"])
def test_a_session_dated_before_the_plan_or_after_today_is_refused(uow, people, knee_plan, kb, day) -> None:
    with pytest.raises(InputError) as refused:
        record_session(uow, people.dr_lee, knee_plan.id, session(session_date=day), kb)
    assert refused.value.field == "session_date"
    assert not uow.stored("sessions")


def test_today_comes_from_the_caller(uow, people, knee_plan, kb) -> None:
    with pytest.raises(InputError, match="after today"):
        record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb,
                       today=date(2026, 12, 3))
    assert record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb,
                          today=date(2026, 12, 4)).number == 1


def test_adverse_events_and_reassessments_refuse_impossible_dates(uow, people, patient, knee_plan, kb) -> None:
    first = record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb)
    event = {"occurred_on": "2026-12-03", "type": "bruising", "severity": "mild", "outcome": "resolved",
             "session_id": first.id}
    with pytest.raises(InputError) as before_session:
        record_adverse_event(uow, people.dr_lee, patient.id, event)
    assert before_session.value.field == "occurred_on" and "session" in before_session.value.problem
    with pytest.raises(InputError, match="after today"):
        record_adverse_event(uow, people.dr_lee, patient.id, {**event, "occurred_on": "2027-02-01"})
    with pytest.raises(InputError, match="treatment start"):
        record_adverse_event(uow, people.dr_lee, patient.id, {**event, "session_id": None, "occurred_on": "2026-11-01"})
    for day, plan_id in (("2026-11-30", knee_plan.id), ("2027-01-02", None), ("2026-11-01", None)):
        with pytest.raises(InputError) as refused:
            record_reassessment(uow, people.dr_lee, patient.id,
                                {"assessed_on": day, "plan_id": plan_id, "answers": PEG}, kb)
        assert refused.value.field == "assessed_on"
    assert not uow.stored("adverse_events") and not uow.stored("reassessments")


@settings(max_examples=100, deadline=None)
@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)), offset=st.integers(-400, 400),
       span=st.integers(0, 400))
def test_a_record_date_is_accepted_exactly_between_the_start_and_today(start, offset, span) -> None:
    today = start + timedelta(days=span)
    day = start + timedelta(days=offset)
    if start <= day <= today:
        check_record_date("session_date", day, today, start, "the plan's start")
    else:
        with pytest.raises(InputError) as refused:
            check_record_date("session_date", day, today, start, "the plan's start")
        assert refused.value.field == "session_date"


def test_sessions_given_counts_sessions_when_numbers_skip(uow, people, knee_plan, kb) -> None:
    for number, day in ((1, "2026-12-01"), (2, "2026-12-04"), (5, "2026-12-11")):
        record_session(uow, people.dr_lee, knee_plan.id, session(session_date=day, number=number), kb)
    assert get_progress(uow, people.dr_lee, knee_plan.id, kb).sessions_given == 3


def _red_flag_screening(uow, people, patient, kb):
    # A new intake with cauda equina signs, screened after the plan was made: the latest screening.
    later = record_intake(uow, people.dr_lee, patient.id, example_intake("safety_cauda_equina"), kb)
    uow.clock = lambda: FROZEN_NOW + timedelta(hours=1)  # screened after the plan's own screening
    return screen_intake(uow, people.dr_lee, later.id, kb)


def test_no_session_while_the_latest_screening_calls_for_referral_unless_overridden(uow, people, patient,
                                                                                     knee_plan, kb) -> None:
    screening = _red_flag_screening(uow, people, patient, kb)
    assert screening.status in ("referral", "urgent_referral")
    with pytest.raises(SafetyBlock, match="referral"):
        record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb)
    assert not uow.stored("sessions")
    referrals = [f["code"] for f in screening.findings if f["action"] in ("referral", "urgent_referral")]
    overridden = session(session_date="2026-12-04", overrides=[{"finding": c, "reason": GOOD} for c in referrals])
    assert record_session(uow, people.dr_lee, knee_plan.id, overridden, kb).number == 1


@pytest.mark.parametrize("status", ["discontinued", "completed"])
def test_ending_a_plan_is_allowed_whatever_the_latest_screening(uow, people, patient, knee_plan, kb, status) -> None:
    _red_flag_screening(uow, people, patient, kb)
    with pytest.raises(SafetyBlock):  # rebuilding it is not: the referral stands
        amend_plan(uow, people.dr_lee, knee_plan.id, kb, expected_version=1)
    ended = amend_plan(uow, people.dr_lee, knee_plan.id, kb, expected_version=1, status=status,
                       note="referred to the spinal team")
    assert ended.status == status and ended.version == 2 and ended.plan == knee_plan.plan
    with pytest.raises(InputError, match="active plan"):
        record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb)


def test_a_patients_intakes_and_plans_are_listed_for_clinicians(uow, people, patient, knee_plan, kb) -> None:
    intakes = list_intakes(uow, people.dr_patel, patient.id)
    assert intakes.total == 1 and intakes.items[0].id == knee_plan.intake_id
    assert [p.id for p in list_plans(uow, people.ada, patient.id, limit=1).items] == [knee_plan.id]
    with pytest.raises(PermissionDenied):
        list_plans(uow, people.rita, patient.id)
    actions = [e.action for e in uow.audit_entries()]
    assert "intake.list" in actions and "plan.list" in actions


def test_an_amendment_keeps_the_original_and_refuses_a_stale_version(uow, people, knee_plan, kb) -> None:
    first = record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb)
    amended = amend_session(uow, people.dr_patel, first.id, {
        "version": 1, "changes": {"retention_min": 30, "session_date": "2026-12-05"},
        "reason": "retention and date were entered wrongly"}, kb)
    assert (amended.version, amended.retention_minutes, amended.session_date) == (2, 30, date(2026, 12, 5))
    with pytest.raises(Conflict, match="version 2"):
        amend_session(uow, people.dr_lee, first.id, {"version": 1, "changes": {"notes": "x"},
                                                     "reason": "a stale correction"}, kb)
    history = record_history(uow, people.dr_lee, AmendedType.SESSION, first.id)
    assert history.current.version == 2
    (kept,) = history.amendments
    assert kept.version == 1 and kept.previous["retention_minutes"] == 20
    assert kept.previous["session_date"] == "2026-12-04" and kept.amended_by == people.dr_patel.user_id
    assert "session.amend" in [e.action for e in uow.audit_entries()]


@pytest.mark.parametrize(("changes", "field"), [
    ({"session_date": "2027-03-01"}, "session_date"),
    ({"retention_minutes": 121}, "changes.retention_minutes"),
    ({"practitioner_id": "someone"}, "changes.practitioner_id"),
])
def test_an_amendment_cannot_say_what_did_not_happen(uow, people, knee_plan, kb, changes, field) -> None:
    first = record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb)
    with pytest.raises(InputError) as refused:
        amend_session(uow, people.dr_lee, first.id, {"version": 1, "changes": changes, "reason": "a correction"}, kb)
    assert refused.value.field == field
    assert uow.stored("sessions")[0].version == 1 and not uow.committed.amendments


def test_adverse_events_and_reassessments_are_amended_with_a_version(uow, people, patient, knee_plan, kb) -> None:
    first = record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-12-04"), kb)
    event = record_adverse_event(uow, people.dr_lee, patient.id, {
        "occurred_on": "2026-12-04", "type": "bruising", "severity": "mild", "outcome": "ongoing",
        "session_id": first.id})
    fixed = amend_adverse_event(uow, people.dr_lee, event.id, {
        "version": 1, "changes": {"outcome": "resolved"}, "reason": "resolved at the next visit"})
    assert fixed.version == 2 and fixed.outcome == "resolved"
    with pytest.raises(InputError):
        amend_adverse_event(uow, people.dr_lee, event.id, {
            "version": 2, "changes": {"occurred_on": "2026-12-02"}, "reason": "before its session"})
    reassessment = record_reassessment(uow, people.dr_lee, patient.id, {
        "assessed_on": "2026-12-04", "plan_id": knee_plan.id, "answers": PEG}, kb)
    rescored = amend_reassessment(uow, people.dr_lee, reassessment.id, {
        "version": 1, "changes": {"answers": {"peg": {"q1": 2, "q2": 2, "q3": 2}}}, "reason": "answers swapped"}, kb)
    assert rescored.version == 2 and rescored.scores["peg"]["total"] != reassessment.scores["peg"]["total"]
    assert [a.record_type for a in uow.committed.amendments] == ["adverse_event", "reassessment"]
