"""Between visits on both databases: assignments resume their answers, a safety answer's urgent task is
stored with it, tasks resolve once, crisis contacts replace, homework ticks once a day, clinics apart."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from integration_support import Staff

from acupath import services
from acupath.errors import Conflict, NotFound
from acupath.services import Actor
from acupath.services.between_visits import answering, assignments, crisis_contacts, homework, urgent_tasks
from acupath.services.patient_actor import PatientActor
from acupath.storage import SqlAlchemyUnitOfWork
from example_records import example_intake

TODAY = date(2026, 12, 20)


@pytest.fixture
def planned(uow: SqlAlchemyUnitOfWork, staff: Staff, kb) -> dict:
    patient = services.register_patient(uow, staff.rita, {
        "given_name": "Anna", "family_name": "Smith", "birth_date": "1955-08-08", "sex": "female"})
    intake = services.record_intake(uow, staff.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    plan = services.create_plan(uow, staff.dr_lee, intake.id, kb)
    return {"patient": patient, "plan": plan, "anna": PatientActor(patient.id, staff.clinic_id, "10.2.2.2")}


def test_answers_resume_a_safety_answer_stores_its_task_and_completion_a_reassessment(
        uow: SqlAlchemyUnitOfWork, staff: Staff, planned: dict, kb) -> None:
    plan, anna = planned["plan"], planned["anna"]
    made = assignments.assign_plan_reassessments(uow, staff.dr_lee, plan.id, kb, today=TODAY)
    assert made and {a.id for a in assignments.plan_assignments(uow, staff.dr_lee, plan.id)} == {a.id for a in made}
    phq9 = assignments.assign_questionnaire(uow, staff.dr_lee, plan.id, {"instrument": "phq9", "due_on": "2026-12-22"},
                                            kb, today=TODAY)
    for n in range(1, 9):
        answering.save_answer(uow, anna, phq9.id, f"q{n}", n % 4, kb)
    first = answering.save_answer(uow, anna, phq9.id, "q9", "1", kb)
    saved = answering.save_answer(uow, anna, phq9.id, "q9", "2", kb)  # changed to a graver answer
    assert saved.crisis and saved.urgent_task.id == first.urgent_task.id
    resumed = answering.get_assignment(uow, anna, phq9.id)
    assert resumed.answers == {**{f"q{n}": n % 4 for n in range(1, 9)}, "q9": 2} and resumed.version == 11
    [task] = [v.task for v in urgent_tasks.open_tasks(uow, staff.dr_lee, kb)]
    assert (task.id, task.answer, task.assignment_id) == (saved.urgent_task.id, 2, phq9.id)
    done = answering.complete(uow, anna, phq9.id, kb, today=TODAY)
    with uow:
        record = uow.reassessments.get(staff.clinic_id, done.reassessment_id)
    assert record is not None and record.plan_id == plan.id and record.scores["phq9"]["total"] == 14
    resolved = urgent_tasks.resolve_task(uow, staff.dr_patel, task.id, {"note": "Phoned; GP seeing her today."})
    with uow:
        assert uow.urgent_tasks.resolve(resolved) is False  # a second resolution changes nothing
        stored = uow.urgent_tasks.get(staff.clinic_id, task.id)
    assert stored is not None and stored.resolution_note == "Phoned; GP seeing her today."
    with pytest.raises(Conflict):
        urgent_tasks.resolve_task(uow, staff.dr_lee, task.id, {"note": "Phoned again the next morning."})


def test_another_clinic_finds_nothing(uow: SqlAlchemyUnitOfWork, staff: Staff, planned: dict, kb) -> None:
    phq9 = assignments.assign_questionnaire(uow, staff.dr_lee, planned["plan"].id,
                                            {"instrument": "phq9", "due_on": "2026-12-22"}, kb, today=TODAY)
    answering.save_answer(uow, planned["anna"], phq9.id, "q9", 1, kb)
    stranger = PatientActor(planned["patient"].id, staff.dr_outsider.clinic_id)
    with pytest.raises(NotFound):
        answering.get_assignment(uow, stranger, phq9.id)
    assert urgent_tasks.open_tasks(uow, staff.dr_outsider, kb) == []
    with pytest.raises(NotFound):
        assignments.cancel_assignment(uow, staff.dr_outsider, phq9.id)


def test_crisis_contacts_replace_the_whole_list(uow: SqlAlchemyUnitOfWork, staff: Staff, kb) -> None:
    admin = Actor("admin", staff.clinic_id, "admin")
    crisis_contacts.set_crisis_contacts(uow, admin, [{"name": "A line", "phone": "0800 000"},
                                                     {"name": "B line", "text": "85258", "hours": "24/7"}])
    crisis_contacts.set_crisis_contacts(uow, admin, [{"name": "C line", "phone": "0800 111"}])
    advice = crisis_contacts.crisis_advice(uow, staff.clinic_id, kb)
    assert advice.own and [(c.name, c.phone) for c in advice.contacts] == [("C line", "0800 111")]
    crisis_contacts.set_crisis_contacts(uow, admin, [])
    assert not crisis_contacts.crisis_advice(uow, staff.clinic_id, kb).own


def test_homework_ticks_once_a_day_and_unticks(uow: SqlAlchemyUnitOfWork, staff: Staff, planned: dict, kb) -> None:
    uow.clock = lambda: datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # given before the plan starts
    tasks = homework.start_homework(uow, staff.dr_lee, planned["plan"].id, kb)
    walking = next(t for t in tasks if t.component == "graded_walking")
    with pytest.raises(Conflict), uow:
        uow.homework.add_tasks([walking])
    anna = planned["anna"]
    assert homework.tick(uow, anna, walking.id, date(2026, 12, 2), True, today=TODAY) is True
    assert homework.tick(uow, anna, walking.id, date(2026, 12, 2), True, today=TODAY) is False
    assert homework.tick(uow, anna, walking.id, date(2026, 12, 3), True, today=TODAY) is True
    assert homework.tick(uow, anna, walking.id, date(2026, 12, 3), False, today=TODAY) is True
    [adherence] = [a for a in homework.plan_adherence(uow, staff.dr_lee, planned["plan"].id, today=date(2026, 12, 7))
                   if a.task.id == walking.id]
    assert (adherence.done, adherence.expected) == (1, 7)
