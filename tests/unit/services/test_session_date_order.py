"""A session's number and date never disagree in order, through the services and the fakes.

A session is dated on or after the plan's start and every lower-numbered session of the plan, and on or
before today and every higher-numbered one; two sessions on one day keep their order by number. The
walk-through that found it: sessions on 2, 5 and 9 Dec, then one dated 3 Dec was stored as session 4.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_fakes import FROZEN_NOW, FakeUnitOfWork

from acupath.errors import Conflict, InputError
from acupath.reports.locale_formats import format_day
from acupath.services import create_plan, record_intake, record_session, register_patient
from acupath.services.amendments import amend_session
from acupath.services.records import Clinic
from acupath.services.records.summaries import SessionSummary
from acupath.services.session_dates import SessionDateRefused, charting_opens, session_dates
from example_records import example_intake
from example_records import example_session as session

START = date(2026, 12, 1)  # the knee plan's start; the fake's today is 2026-12-31
TODAY = date(2026, 12, 31)


@pytest.fixture
def knee_plan(uow: FakeUnitOfWork, people, patient, kb):
    """A knee osteoarthritis plan starting 2026-12-01."""
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("knee_osteoarthritis"), kb)
    return create_plan(uow, people.dr_lee, intake.id, kb)


def _chart(uow, people, plan, kb, *days: str, **changes):
    return [record_session(uow, people.dr_lee, plan.id, session(session_date=day, **changes), kb) for day in days]


def _stored(uow: FakeUnitOfWork) -> list[tuple[int, date]]:
    return sorted((s.number, s.session_date) for s in uow.stored("sessions"))


def test_a_session_dated_before_the_last_one_is_refused_naming_that_session(uow, people, knee_plan, kb) -> None:
    _chart(uow, people, knee_plan, kb, "2026-12-02", "2026-12-05", "2026-12-09")
    with pytest.raises(SessionDateRefused) as refused:
        _chart(uow, people, knee_plan, kb, "2026-12-03")
    assert refused.value.field == "session_date"
    assert refused.value.problem == "2026-12-03 is before the date of session 3 (2026-12-09)"
    assert refused.value.allowed == ("a date on or after 2026-12-09, the date of session 3, "
                                     "and on or before today, 2026-12-31")
    assert _stored(uow) == [(1, date(2026, 12, 2)), (2, date(2026, 12, 5)), (3, date(2026, 12, 9))]


def test_the_clinic_wording_writes_dates_in_the_clinic_format(uow, people, knee_plan, kb) -> None:
    _chart(uow, people, knee_plan, kb, "2026-12-09")
    with pytest.raises(SessionDateRefused) as refused:
        _chart(uow, people, knee_plan, kb, "2026-12-03")
    problem, allowed = refused.value.worded(lambda day: format_day(day, "en-GB"))
    assert problem == "3 Dec 2026 is before the date of session 1 (9 Dec 2026)"
    assert allowed.startswith("a date on or after 9 Dec 2026, the date of session 1,")


def test_two_sessions_on_one_day_are_allowed_in_the_order_charted(uow, people, knee_plan, kb) -> None:
    first, second = _chart(uow, people, knee_plan, kb, "2026-12-09", "2026-12-09")
    assert (first.number, second.number) == (1, 2)
    assert _chart(uow, people, knee_plan, kb, "2026-12-31")[0].number == 3


@pytest.mark.parametrize(("day", "named"), [("2026-12-01", "before the date of session 1 (2026-12-02)"),
                                            ("2026-12-10", "after the date of session 5 (2026-12-09)")])
def test_a_number_named_by_the_client_must_fit_between_its_neighbours(uow, people, knee_plan, kb, day,
                                                                      named) -> None:
    _chart(uow, people, knee_plan, kb, "2026-12-02", number=1)
    _chart(uow, people, knee_plan, kb, "2026-12-09", number=5)
    with pytest.raises(SessionDateRefused) as refused:
        _chart(uow, people, knee_plan, kb, day, number=3)
    assert named in refused.value.problem
    assert "on or after 2026-12-02, the date of session 1" in refused.value.allowed
    assert "on or before 2026-12-09, the date of session 5" in refused.value.allowed
    for number, fits in ((2, "2026-12-02"), (3, "2026-12-05"), (4, "2026-12-09")):  # the neighbours' days too
        assert _chart(uow, people, knee_plan, kb, fits, number=number)[0].number == number
    assert [d.isoformat() for _, d in _stored(uow)] == ["2026-12-02", "2026-12-02", "2026-12-05", "2026-12-09",
                                                        "2026-12-09"]


def test_a_taken_number_is_still_a_conflict(uow, people, knee_plan, kb) -> None:
    _chart(uow, people, knee_plan, kb, "2026-12-02", number=1)
    with pytest.raises(Conflict):
        _chart(uow, people, knee_plan, kb, "2026-12-03", number=1)


def test_an_amended_date_must_stay_between_the_neighbouring_sessions(uow, people, knee_plan, kb) -> None:
    _, middle, _ = _chart(uow, people, knee_plan, kb, "2026-12-02", "2026-12-05", "2026-12-09")
    for day, named in (("2026-12-10", "after the date of session 3 (2026-12-09)"),
                       ("2026-12-01", "before the date of session 1 (2026-12-02)")):
        with pytest.raises(SessionDateRefused) as refused:
            amend_session(uow, people.dr_lee, middle.id, {"version": 1, "changes": {"session_date": day},
                                                          "reason": "wrong day typed"}, kb)
        assert refused.value.field == "session_date" and named in refused.value.problem
    assert uow.stored("sessions")[1].version == 1 and not uow.committed.amendments
    moved = amend_session(uow, people.dr_lee, middle.id, {"version": 1, "changes": {"session_date": "2026-12-09"},
                                                          "reason": "wrong day typed"}, kb)
    assert moved.session_date == date(2026, 12, 9) and moved.version == 2


def test_an_amended_number_must_agree_with_its_date(uow, people, knee_plan, kb) -> None:
    first, _ = _chart(uow, people, knee_plan, kb, "2026-12-02", "2026-12-05")
    with pytest.raises(SessionDateRefused) as refused:  # 2 Dec as session 3, after session 2 of 5 Dec
        amend_session(uow, people.dr_lee, first.id, {"version": 1, "changes": {"number": 3},
                                                     "reason": "numbered wrongly"}, kb)
    assert "before the date of session 2 (2026-12-05)" in refused.value.problem
    assert _stored(uow) == [(1, date(2026, 12, 2)), (2, date(2026, 12, 5))]


def test_a_correction_keeping_date_and_number_is_allowed_on_sessions_stored_out_of_order(
        uow, people, knee_plan, kb) -> None:
    # Stored before the rule: session 2 on 9 Dec, session 3 on 3 Dec. Their notes can still be corrected;
    # a date is moved only where the neighbours' dates allow, which is how the order is mended.
    _, second = _chart(uow, people, knee_plan, kb, "2026-12-02", "2026-12-09")
    with uow:
        uow.sessions.add(replace(second, id="out-of-order", number=3, session_date=date(2026, 12, 3)))
        uow.commit()
    for record_id in (second.id, "out-of-order"):
        noted = amend_session(uow, people.dr_lee, record_id, {"version": 1, "changes": {"notes": "needle felt"},
                                                              "reason": "notes left out"}, kb)
        assert noted.version == 2
    with pytest.raises(SessionDateRefused) as refused:
        amend_session(uow, people.dr_lee, second.id, {"version": 2, "changes": {"session_date": "2026-12-04"},
                                                      "reason": "wrong day typed"}, kb)
    assert refused.value.allowed == ("a date on or after 2026-12-02, the date of session 1, "
                                     "and on or before 2026-12-03, the date of session 3")
    mended = amend_session(uow, people.dr_lee, second.id, {"version": 2, "changes": {"session_date": "2026-12-03"},
                                                           "reason": "wrong day typed"}, kb)
    assert mended.session_date == date(2026, 12, 3)


def test_a_window_between_disagreeing_neighbours_says_no_date_fits() -> None:
    sessions = [SessionSummary(number=1, session_date=date(2026, 12, 9)),
                SessionSummary(number=3, session_date=date(2026, 12, 3))]
    window = session_dates(START, sessions, 2, TODAY)
    assert window.empty and window.not_started is None
    assert window.allowed() == ("none: a date would have to be on or after 2026-12-09, the date of session 1, "
                                "and on or before 2026-12-03, the date of session 3")


def test_a_plan_starting_after_today_says_when_sessions_can_be_charted(uow, people, knee_plan, kb) -> None:
    with pytest.raises(SessionDateRefused) as refused:
        record_session(uow, people.dr_lee, knee_plan.id, session(session_date="2026-11-30"), kb,
                       today=date(2026, 11, 30))
    assert refused.value.problem == "2026-11-30 is before the plan's start (2026-12-01)"
    assert refused.value.allowed == "none yet: this plan starts on 2026-12-01; sessions can be charted from that day"
    assert charting_opens(START, date(2026, 11, 30)) == START
    assert charting_opens(START, START) is None and charting_opens(None, START) is None
    assert not uow.stored("sessions")


def test_on_a_tie_the_window_names_the_session_rather_than_the_start_or_today() -> None:
    sessions = [SessionSummary(number=1, session_date=START), SessionSummary(number=3, session_date=TODAY)]
    window = session_dates(START, sessions, 2, TODAY)
    assert window.earliest is not None
    assert (window.earliest.what, window.latest.what) == ("the date of session 1", "the date of session 3")
    assert session_dates(START, sessions, 3, TODAY).earliest == session_dates(START, sessions[:1], 3, TODAY).earliest


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts=st.lists(st.tuples(st.none() | st.integers(1, 8), st.integers(-3, 34)), min_size=1, max_size=8))
def test_stored_sessions_never_disagree_and_only_a_disagreeing_date_is_refused(people, kb, attempts) -> None:
    uow = FakeUnitOfWork()  # a fresh one per example (the fixture's would keep the sessions of the last)
    with uow:
        uow.clinics.add(Clinic(id="harbour", name="Harbour Clinic", created_at=FROZEN_NOW))
        uow.commit()
    patient = register_patient(uow, people.rita, {"given_name": "Ann", "family_name": "Lo",
                                                  "birth_date": "1960-03-04", "sex": "female"})
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("knee_osteoarthritis"), kb)
    plan = create_plan(uow, people.dr_lee, intake.id, kb)
    for number, offset in attempts:
        day = START + timedelta(days=offset)
        held = dict(_stored(uow))
        taken = number is not None and number in held
        given_number = number or max(held, default=0) + 1
        fits = START <= day <= TODAY and all(
            (d <= day if n < given_number else d >= day) for n, d in held.items() if n != given_number)
        try:
            record_session(uow, people.dr_lee, plan.id, session(session_date=day.isoformat(), number=number), kb)
        except SessionDateRefused as refused:
            assert not fits and refused.field == "session_date"
        except Conflict:
            assert taken and fits
        except InputError as other:  # pragma: no cover - a refusal of anything else is a failure
            raise AssertionError(other) from None
        else:
            assert fits and not taken
    dates = [d for _, d in _stored(uow)]
    assert dates == sorted(dates)
