"""The stored outcomes (``course_outcomes``) on SQLite and PostgreSQL: every kind of write makes its
courses stale through the triggers, and the refresh gives what the cohort query derives."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integration_support import Staff, fresh_uow
from sqlalchemy import Connection, Engine, text

from acupath import services
from acupath.analytics import CohortFilter, outcome_table
from acupath.analytics.course_sql import OUTCOME_NAMES, course_sql, prepare, target_session
from acupath.analytics.outcome_table import refresh
from acupath.services.amendments import amend_adverse_event, amend_reassessment, amend_session
from example_records import example_intake, example_session

TODAY = date(2026, 12, 6)


def _intake(pain: int) -> dict:
    intake = example_intake("knee_osteoarthritis")
    intake["pain"]["nrs"] = pain
    return intake


def _patient(engine: Engine, staff: Staff, kb, name: str, courses: int = 1) -> list:
    """Return ``courses`` knee plans of one new patient (intake NRS 5)."""
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": name, "family_name": "Stored", "birth_date": "1960-04-04", "sex": "female"})
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient.id, _intake(5), kb)
    return [services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb) for _ in range(courses)]


def _derived(connection: Connection, kb, clinic_id: str) -> dict[str, tuple]:
    sql, params = course_sql(kb, prepare(connection), CohortFilter(clinic_id=clinic_id), first_response=True)
    params["at_session"] = target_session(None)
    return {row[0]: tuple(row[1:]) for row in connection.execute(text(
        f"SELECT x.plan_id, {', '.join('x.' + n for n in OUTCOME_NAMES)} FROM ({sql}) x"), params)}


def _stored(connection: Connection, clinic_id: str) -> dict[str, tuple]:
    return {row[0]: tuple(row[1:]) for row in connection.execute(text(
        f"SELECT plan_id, {', '.join(OUTCOME_NAMES)} FROM course_outcomes WHERE clinic_id = :c"), {"c": clinic_id})}


def _refreshed(engine: Engine, kb, clinic_id: str) -> int:
    """Refresh the clinic's outcomes (committed); assert they equal the derived ones; return how many were rewritten."""
    with engine.begin() as connection:
        rewritten = refresh(connection, kb, CohortFilter(clinic_id=clinic_id))
        stored, derived = _stored(connection, clinic_id), _derived(connection, kb, clinic_id)
        behind = connection.execute(text(
            "SELECT COUNT(*) FROM course_outcomes o LEFT JOIN course_changes c ON c.plan_id = o.plan_id "
            "WHERE o.clinic_id = :c AND o.version <> COALESCE(c.version, 0)"), {"c": clinic_id}).scalar_one()
    assert stored == derived
    assert behind == 0  # every row at its course's current version: fresh
    return rewritten


def _stale(engine: Engine, clinic_id: str) -> set[str]:
    """Return the clinic's courses whose stored row is behind their change counter."""
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(text(
            "SELECT o.plan_id FROM course_outcomes o JOIN course_changes c ON c.plan_id = o.plan_id "
            "WHERE o.clinic_id = :c AND o.version <> c.version"), {"c": clinic_id})}


@pytest.mark.parametrize("listed", [outcome_table.LISTED, 0], ids=["by plan ids", "by the stale condition"])
def test_every_kind_of_write_makes_its_courses_stale_and_the_refresh_equals_the_cohort_query(
        engine: Engine, staff: Staff, kb, listed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outcome_table, "LISTED", listed)  # the refresh after a bulk load takes the other path
    first, second = _patient(engine, staff, kb, "Mia", courses=2)
    (other,) = _patient(engine, staff, kb, "Noa")
    assert _refreshed(engine, kb, staff.clinic_id) == 3  # new courses: no row yet

    def wrote(expected: set[str]) -> None:
        assert _stale(engine, staff.clinic_id) == expected
        assert _refreshed(engine, kb, staff.clinic_id) == len(expected)
        assert _stale(engine, staff.clinic_id) == set()

    session = services.record_session(fresh_uow(engine), staff.dr_lee, first.id,
                                      example_session(pain_before=4, session_date="2026-12-01"), kb, today=TODAY)
    wrote({first.id})
    later = services.record_session(fresh_uow(engine), staff.dr_lee, first.id,
                                    example_session(pain_before=2, session_date="2026-12-03"), kb, today=TODAY)
    wrote({first.id})
    amend_session(fresh_uow(engine), staff.dr_lee, later.id, {
        "version": 1, "changes": {"pain_before": 5}, "reason": "the patient's score misheard"}, kb)
    wrote({first.id})
    with engine.begin() as connection:  # removed by hand (no service removes a session)
        connection.execute(text("DELETE FROM session_points WHERE session_id = :s"), {"s": later.id})
        connection.execute(text("DELETE FROM session_records WHERE id = :s"), {"s": later.id})
    wrote({first.id})
    reassessment = services.record_reassessment(fresh_uow(engine), staff.dr_lee, first.patient_id, {
        "assessed_on": "2026-12-02", "plan_id": first.id, "session_number": 1, "answers": {"nrs": {"nrs": 2}}},
        kb, today=TODAY)
    wrote({first.id})
    amend_reassessment(fresh_uow(engine), staff.dr_lee, reassessment.id, {
        "version": 1, "changes": {"answers": {"nrs": {"nrs": 4}}}, "reason": "the patient's score misread"}, kb)
    wrote({first.id})
    services.record_reassessment(fresh_uow(engine), staff.dr_lee, first.patient_id, {
        "assessed_on": "2026-12-04", "answers": {"nrs": {"nrs": 1}}}, kb, today=TODAY)
    wrote({first.id, second.id})  # no plan: every course of the patient, not another patient's
    event = services.record_adverse_event(fresh_uow(engine), staff.dr_lee, first.patient_id, {
        "occurred_on": "2026-12-01", "type": "bruising", "severity": "mild", "outcome": "ongoing",
        "session_id": session.id})
    wrote({first.id})
    amend_adverse_event(fresh_uow(engine), staff.dr_lee, event.id, {
        "version": 1, "changes": {"outcome": "resolved"}, "reason": "resolved by the next visit"})
    wrote({first.id})
    services.record_session(fresh_uow(engine), staff.dr_lee, other.id,
                            example_session(pain_before=3, session_date="2026-12-01"), kb, today=TODAY)
    wrote({other.id})
    services.record_intake(fresh_uow(engine), staff.dr_lee, other.patient_id, _intake(8), kb)
    services.amend_plan(fresh_uow(engine), staff.dr_lee, other.id, kb, expected_version=1, note="pain worse")
    wrote({other.id})  # the plan rebuilt from the new intake: a new baseline
    with engine.connect() as connection:
        baseline = connection.execute(text("SELECT pain_baseline FROM course_outcomes WHERE plan_id = :p"),
                                      {"p": other.id}).scalar_one()
    assert baseline == 8.0  # was 5


def test_new_rules_or_a_new_knowledge_base_make_every_course_stale(engine: Engine, staff: Staff, kb) -> None:
    plans = _patient(engine, staff, kb, "Ola", courses=2)
    _refreshed(engine, kb, staff.clinic_id)
    with engine.begin() as connection:
        connection.execute(text("UPDATE course_outcomes SET computed_by = 'rules-0/kb-older' WHERE clinic_id = :c"),
                           {"c": staff.clinic_id})
    with engine.begin() as connection:
        assert refresh(connection, kb, CohortFilter(clinic_id=staff.clinic_id)) == len(plans)
        assert refresh(connection, kb, CohortFilter(clinic_id=staff.clinic_id)) == 0


#: A write of the property: (kind, course 0 or 1, a value 0-10).
WRITES = st.lists(st.tuples(st.sampled_from(["session", "amend_session", "remove_session", "reassess_plan",
                                             "reassess_patient", "adverse_event", "baseline"]),
                            st.integers(0, 1), st.integers(0, 10)), min_size=1, max_size=6)


def test_after_any_writes_the_refreshed_outcomes_equal_the_cohort_query(engine: Engine, staff: Staff, kb) -> None:
    courses = _patient(engine, staff, kb, "Pia", courses=2)

    def sessions_of(plan_id: str) -> list[tuple[str, int, str]]:
        with engine.connect() as connection:
            return [(row[0], row[1], str(row[2])[:10]) for row in connection.execute(text(
                "SELECT id, version, session_date FROM session_records WHERE plan_id = :p ORDER BY number"),
                {"p": plan_id})]

    def write(kind: str, course: int, value: int) -> None:
        plan = courses[course]
        done = sessions_of(plan.id)
        day = f"2026-12-0{1 + value % 5}"
        if kind == "session" or (not done and kind in ("amend_session", "remove_session", "adverse_event")):
            # Not before the plan's last session: a session's number and date agree in order (the service checks).
            session_day = max([day] + [d for _, _, d in done])
            services.record_session(fresh_uow(engine), staff.dr_lee, plan.id,
                                    example_session(pain_before=value, session_date=session_day), kb, today=TODAY)
        elif kind == "amend_session":
            session_id, version, _ = done[-1]
            amend_session(fresh_uow(engine), staff.dr_lee, session_id, {
                "version": version, "changes": {"pain_before": value}, "reason": "corrected"}, kb)
        elif kind == "remove_session":
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM adverse_events WHERE session_id = :s"), {"s": done[-1][0]})
                connection.execute(text("DELETE FROM session_points WHERE session_id = :s"), {"s": done[-1][0]})
                connection.execute(text("DELETE FROM session_records WHERE id = :s"), {"s": done[-1][0]})
        elif kind == "adverse_event":
            session_id, _, session_day = done[value % len(done)]
            services.record_adverse_event(fresh_uow(engine), staff.dr_lee, plan.patient_id, {
                "occurred_on": session_day, "type": "bruising", "severity": "mild", "outcome": "resolved",
                "session_id": session_id}, today=TODAY)
        elif kind in ("reassess_plan", "reassess_patient"):
            services.record_reassessment(fresh_uow(engine), staff.dr_lee, plan.patient_id, {
                "assessed_on": day, "answers": {"nrs": {"nrs": value}},
                **({"plan_id": plan.id} if kind == "reassess_plan" else {})}, kb, today=TODAY)
        else:  # a plan amendment's new baseline, as the plan repository rewrites it (delete, insert)
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM course_baselines WHERE plan_id = :p AND instrument = 'nrs'"),
                                   {"p": plan.id})
                connection.execute(text("INSERT INTO course_baselines (plan_id, instrument, value) "
                                        "VALUES (:p, 'nrs', :v)"), {"p": plan.id, "v": float(value)})

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(writes=WRITES)
    def check(writes: list[tuple[str, int, int]]) -> None:
        for kind, course, value in writes:
            write(kind, course, value)
        assert {courses[c].id for _, c, _ in writes} <= _stale(engine, staff.clinic_id) | _missing()
        _refreshed(engine, kb, staff.clinic_id)

    def _missing() -> set[str]:
        with engine.connect() as connection:
            kept = {row[0] for row in connection.execute(text("SELECT plan_id FROM course_outcomes"))}
        return {c.id for c in courses} - kept

    check()


@pytest.mark.postgres
def test_a_session_committed_during_a_refresh_leaves_its_course_stale_not_wrongly_fresh(
        postgres_engine: Engine, kb) -> None:
    uow = fresh_uow(postgres_engine)
    clinic = services.create_clinic(uow, "Race Clinic")
    staff = Staff(clinic.id, services.Actor("lee", clinic.id, "clinician", "10.0.0.1"),
                  services.Actor("patel", clinic.id, "clinician", "10.0.0.2"),
                  services.Actor("rita", clinic.id, "reception", "10.0.0.3"),
                  services.Actor("out", "x" * 32, "clinician", "10.9.9.9"))
    (plan,) = _patient(postgres_engine, staff, kb, "Rae")
    services.record_session(fresh_uow(postgres_engine), staff.dr_lee, plan.id,
                            example_session(pain_before=6, session_date="2026-12-01"), kb, today=TODAY)
    where = CohortFilter(clinic_id=clinic.id)
    with postgres_engine.connect() as reader:
        assert refresh(reader, kb, where) == 1  # read and written; not committed yet
        # Another user's session, committed between the refresh's read and its commit (READ COMMITTED:
        # the refresh's statement did not see it).
        services.record_session(fresh_uow(postgres_engine), staff.dr_lee, plan.id,
                                example_session(pain_before=1, session_date="2026-12-02"), kb, today=TODAY)
        reader.commit()
    assert _stale(postgres_engine, clinic.id) == {plan.id}
    with postgres_engine.begin() as connection:
        assert refresh(connection, kb, where) == 1
        assert _stored(connection, clinic.id)[plan.id][0] == 2  # both sessions given
    _refreshed(postgres_engine, kb, clinic.id)
