"""The narrow reads behind progress and session numbering give what the whole records say."""

from __future__ import annotations

import threading

from integration_support import Staff, fresh_uow
from sqlalchemy import Engine

from acupath import services
from acupath.services import repositories as abstract
from example_records import example_intake, example_session


def _knee_plan(engine: Engine, staff: Staff, kb):
    patient = services.register_patient(fresh_uow(engine), staff.rita, {
        "given_name": "Ida", "family_name": "Lane", "birth_date": "1958-03-03", "sex": "female"})
    intake = services.record_intake(fresh_uow(engine), staff.dr_lee, patient.id,
                                    example_intake("knee_osteoarthritis"), kb)
    return patient, services.create_plan(fresh_uow(engine), staff.dr_lee, intake.id, kb)


def test_session_summaries_head_and_next_number_match_the_full_records(engine: Engine, staff: Staff, kb) -> None:
    patient, plan = _knee_plan(engine, staff, kb)
    for pain in (6, 4):
        services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(pain_before=pain), kb)
    services.record_reassessment(fresh_uow(engine), staff.dr_lee, patient.id, {
        "assessed_on": "2026-12-05", "plan_id": plan.id,
        "answers": example_intake("chronic_low_back_pain")["questionnaires"]}, kb)
    with fresh_uow(engine) as uow:
        # The abstract defaults derive each view from the whole records: the store's queries must agree.
        assert uow.sessions.summaries(staff.clinic_id, plan.id) == abstract.SessionRepository.summaries(
            uow.sessions, staff.clinic_id, plan.id)
        assert [s.pain_before for s in uow.sessions.summaries(staff.clinic_id, plan.id)] == [6, 4]
        assert uow.sessions.next_number(staff.clinic_id, plan.id) == 3
        assert uow.plans.head(staff.clinic_id, plan.id) == abstract.PlanRepository.head(
            uow.plans, staff.clinic_id, plan.id)
        assert uow.reassessments.summaries_for_patient(staff.clinic_id, patient.id) == \
            abstract.ReassessmentRepository.summaries_for_patient(uow.reassessments, staff.clinic_id, patient.id)
        # Another clinic's id finds nothing, as with every lookup.
        assert uow.plans.head("another-clinic", plan.id) is None
        assert uow.sessions.summaries("another-clinic", plan.id) == []
        assert uow.sessions.next_number("another-clinic", plan.id) == 1


def test_concurrent_sessions_of_one_plan_are_all_stored_with_distinct_numbers(
    engine: Engine, staff: Staff, kb
) -> None:
    _, plan = _knee_plan(engine, staff, kb)
    errors: list[BaseException] = []

    def record() -> None:
        try:
            services.record_session(fresh_uow(engine), staff.dr_lee, plan.id, example_session(), kb)
        except Exception as error:  # reported by the assertions below
            errors.append(error)

    threads = [threading.Thread(target=record) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with fresh_uow(engine) as uow:
        numbers = [s.number for s in uow.sessions.summaries(staff.clinic_id, plan.id)]
    # The next number is read before the insert, so a racing writer may take it first: the loser gets
    # Conflict (409, the client sends it again), never a duplicate number or a lost session.
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert len(numbers) + len(errors) == 6 and numbers
    assert all(type(e).__name__ == "Conflict" for e in errors)
