"""Homework from the plan's components with the knowledge data's frequency, ticks with date rules,
adherence; the clinic's crisis contacts and their cited default."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from acupath.errors import InputError, NotFound, PermissionDenied
from acupath.services.between_visits import crisis_contacts, homework
from acupath.services.patient_actor import PatientActor
from acupath.services.records import Clinic

TODAY = date(2026, 12, 20)


#: The day the homework is given in these tests: before the plan starts (2026-12-01).
GIVEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_the_plans_components_become_tasks_with_the_knowledge_datas_frequency(uow, people, plan, kb) -> None:
    uow.clock = lambda: GIVEN
    tasks = {t.component: t for t in homework.start_homework(uow, people.dr_lee, plan.id, kb)}
    programme = {c.id: c for c in kb.programme.components}
    components = [c["id"] for c in plan.plan["components"] if programme[c["id"]].homework is not None]
    assert sorted(tasks) == sorted(components) and "graded_walking" in tasks
    phases = {p["id"]: p for p in plan.plan["phases"]}
    walking = tasks["graded_walking"]
    assert walking.times_per_week == programme["graded_walking"].homework.times_per_week == 7
    assert (walking.starts_on.isoformat(), walking.ends_on.isoformat()) == (phases["relief"]["starts"],
                                                                            phases["relief"]["ends"])
    assert homework.start_homework(uow, people.dr_lee, plan.id, kb) == []  # again: nothing twice
    with pytest.raises(PermissionDenied):
        homework.start_homework(uow, people.rita, plan.id, kb)


def _walking(uow, people, plan, kb):
    uow.clock = lambda: GIVEN
    return next(t for t in homework.start_homework(uow, people.dr_lee, plan.id, kb) if t.component == "graded_walking")


def test_homework_given_after_its_phase_began_counts_from_that_day(uow, people, plan, kb) -> None:
    # Given a month into its phase, it counted the month as undone: "so far 0 of 36".
    uow.clock = lambda: datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    walking = next(t for t in homework.start_homework(uow, people.dr_lee, plan.id, kb) if t.component == "graded_walking")
    assert walking.starts_on == date(2026, 12, 10)
    [adherence] = [a for a in homework.plan_adherence(uow, people.dr_lee, plan.id, today=date(2026, 12, 11))
                   if a.task.component == "graded_walking"]
    assert (adherence.days, adherence.expected) == (2, 2)


def test_a_tick_in_the_future_or_before_the_plan_started_is_refused_naming_done_on(uow, people, plan, anna, kb) -> None:
    task = _walking(uow, people, plan, kb)
    for day, words in ((date(2026, 12, 21), "after today"), (date(2026, 11, 30), "before this homework started")):
        with pytest.raises(InputError) as error:
            homework.tick(uow, anna, task.id, day, True, today=TODAY)
        assert error.value.field == "done_on" and words in str(error.value)
    assert uow.committed.table("homework_ticks") == {}


def test_ticks_count_once_a_day_can_be_taken_back_and_give_the_adherence(uow, people, plan, anna, kb) -> None:
    task = _walking(uow, people, plan, kb)
    for day in (1, 2, 3, 3, 5):
        homework.tick(uow, anna, task.id, date(2026, 12, day), True, today=TODAY)
    assert homework.tick(uow, anna, task.id, date(2026, 12, 5), False, today=TODAY) is True
    assert homework.tick(uow, anna, task.id, date(2026, 12, 5), False, today=TODAY) is False
    [walking] = [a for a in homework.plan_adherence(uow, people.dr_lee, plan.id, today=date(2026, 12, 7))
                 if a.task.component == "graded_walking"]
    # 7 days of a daily task so far, 3 of them done.
    assert (walking.days, walking.expected, walking.done, walking.percent) == (7, 7, 3, 43)
    assert walking.last_done == date(2026, 12, 3)


def test_a_three_times_a_week_task_expects_three_a_week() -> None:
    from acupath.services.records.between_visits import HomeworkTask, HomeworkTick

    task = HomeworkTask(id="t", clinic_id="c", patient_id="p", plan_id="x", component="aerobic_exercise", title="",
                        task="", times_per_week=3, starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 1),
                        created_at=None, created_by="", knowledge_version="")  # type: ignore[arg-type]
    ticks = [HomeworkTick(task_id="t", clinic_id="c", done_on=date(2027, 1, d), ticked_at=None)  # type: ignore[arg-type]
             for d in (2, 4, 6, 9)]
    assert homework.adherence_of(task, ticks, date(2027, 1, 2)).percent is None  # nothing expected yet
    fortnight = homework.adherence_of(task, ticks, date(2027, 1, 14))
    assert (fortnight.expected, fortnight.done, fortnight.percent) == (6, 4, 67)
    assert homework.adherence_of(task, ticks, date(2027, 1, 5)).percent == 100  # more than expected counts as all


def test_the_patient_sees_the_last_days_to_tick_and_never_another_patients_task(uow, people, plan, anna, kb) -> None:
    task = _walking(uow, people, plan, kb)
    homework.tick(uow, anna, task.id, date(2026, 12, 19), True, today=TODAY)
    shown = {d.task.component: d for d in homework.patient_homework(uow, anna, today=TODAY)}
    days = shown["graded_walking"].days
    assert days[0] == (TODAY, False) and (date(2026, 12, 19), True) in days and len(days) == homework.TICK_WINDOW
    stranger = PatientActor(patient_id="someone-else", clinic_id="harbour")
    with pytest.raises(NotFound):
        homework.tick(uow, stranger, task.id, TODAY, True, today=TODAY)


def test_without_its_own_contacts_a_clinic_shows_the_cited_default_of_its_country(uow, kb) -> None:
    with uow:
        uow.clinics.add(Clinic(id="boston", name="Boston", created_at=uow.clock(), locale="en-US"))
        uow.clinics.add(Clinic(id="lyon", name="Lyon", created_at=uow.clock(), locale="fr-FR"))
        uow.commit()
    uk = crisis_contacts.crisis_advice(uow, "harbour", kb)
    assert not uk.own and [(c.name, c.phone) for c in uk.contacts] == [("Samaritans", "116 123")]
    assert "samaritans_contact" in uk.citations and "emergency" in uk.general
    us = crisis_contacts.crisis_advice(uow, "boston", kb)
    assert [(c.phone, c.text) for c in us.contacts] == [("988", "988")] and "lifeline_988" in us.citations
    france = crisis_contacts.crisis_advice(uow, "lyon", kb)
    assert france.contacts == () and france.general == uk.general  # no cited line: the advice alone


def test_an_administrator_sets_the_clinics_own_contacts_and_an_empty_list_restores_the_default(uow, people, kb) -> None:
    crisis_contacts.set_crisis_contacts(uow, people.ada, [
        {"name": "Harbour crisis team", "phone": "+44 20 7946 0000", "hours": "9-17 weekdays"},
        {"name": "Text line", "text": "85258"}])
    advice = crisis_contacts.crisis_advice(uow, "harbour", kb)
    assert advice.own and [c.name for c in advice.contacts] == ["Harbour crisis team", "Text line"]
    assert advice.contacts[1].phone is None and advice.citations == ()
    crisis_contacts.set_crisis_contacts(uow, people.ada, [])
    assert not crisis_contacts.crisis_advice(uow, "harbour", kb).own
    assert [e.detail for e in uow.audit_entries() if e.action == "clinic.crisis_contacts"] == [
        "2 contacts", "back to the default"]


def test_bad_contacts_are_refused_naming_the_field_and_only_administrators_set_them(uow, people, kb) -> None:
    for contacts, field in (([{"name": "Line", "phone": "call me"}], "contacts[0].phone"),
                            ([{"name": "Ok", "phone": "123"}, {"name": "No number"}], "contacts[1].phone"),
                            ([{"name": "", "phone": "123"}], "contacts[0].name"),
                            ([{"name": "Line", "phone": "123"}] * 7, "contacts")):
        with pytest.raises(InputError) as error:
            crisis_contacts.set_crisis_contacts(uow, people.ada, contacts)
        assert error.value.field == field
    with pytest.raises(PermissionDenied):
        crisis_contacts.set_crisis_contacts(uow, people.dr_lee, [{"name": "Line", "phone": "123"}])
    assert not crisis_contacts.crisis_advice(uow, "harbour", kb).own
