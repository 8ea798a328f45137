"""The outcome cohort on SQLite and PostgreSQL: one row per course, the progress page's responder rule."""

from __future__ import annotations

import itertools

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine, text

from acupath import services
from acupath.analytics import CohortFilter, cohort, mean_changes, responder_table
from acupath.analytics.responder_sql import reached_sql
from acupath.assessment import classify_change
from acupath.services.amendments import amend_reassessment
from example_records import example_intake, example_session

# Pain before each session of each course (knee osteoarthritis, intake NRS 5): [] is a course never treated.
PAINS = ([6, 5, 3], [6, 6, 5], [5, 4, 4, 3], [], [6, 7, 8], [2], [6, 4])


def _course(engine: Engine, staff: Staff, kb, pains: list[int], n: int):
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": f"Ida{n}", "family_name": "Lane", "birth_date": "1958-03-03", "sex": "female"})
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient.id,
                                    example_intake("knee_osteoarthritis"), kb)
    plan = services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb)
    for day, pain in enumerate(pains, start=1):
        session = services.record_session(fresh_uow(engine), staff.dr_lee, plan.id,
                                          example_session(pain_before=pain, session_date=f"2026-12-0{day}"), kb)
        if pain > 6:  # a flare after the session: recorded as an adverse event of the course
            services.record_adverse_event(fresh_uow(engine), staff.dr_lee, patient.id, {
                "occurred_on": session.session_date.isoformat(), "type": "pain flare", "severity": "mild",
                "outcome": "resolved", "session_id": session.id})
    return plan


@pytest.fixture
def courses(engine: Engine, staff: Staff, kb):
    return [_course(engine, staff, kb, pains, n) for n, pains in enumerate(PAINS)]


def test_every_course_is_a_row_and_responds_as_its_progress_page_says(engine: Engine, staff: Staff, kb,
                                                                       courses) -> None:
    with engine.connect() as connection:
        rows = {c.plan_id: c for c in cohort(connection, kb, CohortFilter(clinic_id=staff.clinic_id))}
    assert set(rows) == {p.id for p in courses}  # the untreated course is a row too, never dropped
    for plan, pains in zip(courses, PAINS, strict=True):
        progress = services.get_progress(fresh_uow(engine), staff.dr_lee, plan.id, kb)
        row = rows[plan.id]
        assert row.responder == progress.latest.responder
        assert row.sessions_given == len(pains) == progress.sessions_given
        assert row.condition == "knee_osteoarthritis" and row.practitioner == "lee"
        assert row.pain_followup == (float(pains[-1]) if pains else None)
        assert row.adverse_events == sum(1 for pain in pains if pain > 6)
    assert rows[courses[3].id].responder is None and not rows[courses[3].id].followed_up


def test_another_clinics_courses_are_not_in_the_cohort(engine: Engine, staff: Staff, kb, courses) -> None:
    with engine.connect() as connection:
        assert cohort(connection, kb, CohortFilter(clinic_id=staff.dr_outsider.clinic_id)) == []


def test_itt_counts_the_course_without_follow_up_and_completers_do_not(engine: Engine, staff: Staff, kb,
                                                                        courses) -> None:
    with engine.connect() as connection:
        table = responder_table(connection, kb, CohortFilter(clinic_id=staff.clinic_id), "condition", min_cell=1)
    # By hand: the NRS MCID is 2 points or 30 % of baseline 5 (Farrar 2001): last pains 3, 4 and 2 reach it.
    responders = 3
    assert [r.n for r in table.itt] == [len(PAINS)]
    assert [r.n for r in table.completers] == [len(PAINS) - 1]
    assert [r.responders for r in table.itt] == [r.responders for r in table.completers] == [responders]


def test_mean_change_and_responders_by_hand_at_the_latest_and_by_session_3(engine: Engine, staff: Staff, kb,
                                                                           courses) -> None:
    # Baseline NRS 5. Latest changes 2, 0, 2, none, -3, 3, 1. By session 3 each course's latest NRS up to
    # it: 3, 5, 4, none, 8, 2, 4 (changes 2, 0, 1, -, -3, 3, 1); courses 5 and 6 stopped before session 3.
    where = CohortFilter(clinic_id=staff.clinic_id)
    with engine.connect() as connection:
        def means(analysis: str, at: int | None) -> tuple[int | None, float | None]:
            [row] = mean_changes(connection, kb, where, "condition", at_session=at, analysis=analysis, min_cell=1)
            return row.n, row.mean

        assert means("completers", None) == (6, pytest.approx(5 / 6))
        assert means("itt", None) == (7, pytest.approx(5 / 7))  # the untreated course counts as 0
        assert means("completers", 3) == (4, pytest.approx(0.0))
        # Intention to treat keeps a course's last change before session 3, as the responder rate does:
        # the two disagreed (a 0.0 mean beside responders) when it counted those courses as 0.
        assert means("itt", 3) == (7, pytest.approx(4 / 7))
        table = responder_table(connection, kb, where, "condition", at_session=3, min_cell=1)
    assert [(r.n, r.responders) for r in table.itt] == [(7, 2)]  # courses 0 and 5 (MCID 2 points or 30 %)
    assert [(r.n, r.responders) for r in table.completers] == [(4, 1)]


@pytest.mark.parametrize("instrument", ["nrs", "odi", "womac", "koos", "pcs", "ndi", "peg", "bpi_sf"])
def test_the_sql_rule_decides_as_classify_change(engine: Engine, kb, instrument: str) -> None:
    expression = reached_sql(kb, ":instrument", "CAST(:baseline AS FLOAT)", "CAST(:followup AS FLOAT)")
    # Item means too (thirds, fifths): 11/3 -> 5/3 is exactly 2 points, 6 -> 4.2 exactly 30 %, in float just under.
    values = [0.0, 1 / 3, 2 / 5, 2 / 3, 1.0, 7 / 5, 5 / 3, 7 / 3, 10 / 3, 11 / 3, 4.2, 2.0, 3.0, 4.5, 6.0, 7.0, 10.0, 20.0, 33.0, 50.0, 68.0, 100.0]
    with engine.connect() as connection:
        for baseline, followup in itertools.product(values, values):
            got = connection.execute(text(f"SELECT {expression}"), {
                "instrument": instrument, "baseline": baseline, "followup": followup}).scalar()
            try:
                expected = classify_change(instrument, baseline, followup, kb=kb).mcid_reached
            except Exception:  # a total the instrument's scale cannot take: not a stored score
                continue
            assert got == (None if expected is None else int(expected)), (baseline, followup)


def _pain_row(engine: Engine, staff: Staff, kb, plan_id: str):
    with engine.connect() as connection:
        row = next(c for c in cohort(connection, kb, CohortFilter(clinic_id=staff.clinic_id)) if c.plan_id == plan_id)
    progress = services.get_progress(fresh_uow(engine), staff.dr_lee, plan_id, kb)
    assert row.responder == progress.latest.responder  # one rule with the progress page
    return row


def test_reassessment_totals_are_read_as_written_and_as_amended(engine: Engine, staff: Staff, kb) -> None:
    plan = _course(engine, staff, kb, [6, 6, 6], 0)
    row = _pain_row(engine, staff, kb, plan.id)
    assert (row.pain_followup, row.responder) == (6.0, False)
    # A reassessment's NRS at the last session wins over that session's rating: 5 -> 2 responds.
    reassessment = services.record_reassessment(fresh_uow(engine), staff.dr_lee, plan.patient_id, {
        "assessed_on": "2026-12-03", "plan_id": plan.id, "session_number": 3, "answers": {"nrs": {"nrs": 2}}}, kb)
    row = _pain_row(engine, staff, kb, plan.id)
    assert (row.pain_followup, row.responder) == (2.0, True)
    amend_reassessment(fresh_uow(engine), staff.dr_lee, reassessment.id, {
        "version": 1, "changes": {"answers": {"nrs": {"nrs": 5}}}, "reason": "the patient's score misread"}, kb)
    row = _pain_row(engine, staff, kb, plan.id)
    assert (row.pain_followup, row.responder) == (5.0, False)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT instrument, total FROM reassessment_totals WHERE reassessment_id = :r"),
                                  {"r": reassessment.id}).all() == [("nrs", 5.0)]


def test_a_later_sessions_pain_wins_over_an_earlier_reassessment(engine: Engine, staff: Staff, kb) -> None:
    plan = _course(engine, staff, kb, [6, 6, 6, 6], 0)
    services.record_reassessment(fresh_uow(engine), staff.dr_lee, plan.patient_id, {
        "assessed_on": "2026-12-02", "plan_id": plan.id, "session_number": 2, "answers": {"nrs": {"nrs": 2}}}, kb)
    # The pain came back at sessions 3 and 4 (6 against the intake's 5): the course has not responded.
    row = _pain_row(engine, staff, kb, plan.id)
    assert (row.pain_followup, row.responder) == (6.0, False)
