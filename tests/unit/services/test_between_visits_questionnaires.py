"""Questionnaires between visits: assigned from the plan's reassessments, answered item by item on the
portal, a safety answer raising the urgent task at once, completion scored into a reassessment."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupath.errors import Conflict, InputError, NotFound, PermissionDenied
from acupath.services.between_visits import answering, assignments, urgent_tasks
from acupath.services.patient_actor import PatientActor
from acupath.services.progress_trends import get_trends
from acupath.services.records.between_visits import AssignmentStatus

TODAY = date(2026, 12, 20)
CALM = {f"q{n}": 1 for n in range(1, 9)} | {"q9": 0, "q10": 1}


@pytest.fixture
def phq9(uow, people, plan, kb):
    return assignments.assign_questionnaire(uow, people.dr_lee, plan.id, {"instrument": "phq9", "due_on": "2026-12-22"},
                                            kb, today=TODAY)


def _answer_all(uow, anna, assignment, answers, kb):
    for item, value in answers.items():
        answering.save_answer(uow, anna, assignment.id, item, value, kb)


def test_the_plans_reassessments_are_assigned_due_on_their_visits_and_only_once(uow, people, plan, kb) -> None:
    made = assignments.assign_plan_reassessments(uow, people.dr_lee, plan.id, kb, today=TODAY)
    planned = [(s["number"], i, s["date"]) for s in plan.plan["sessions"] if s["date"] >= TODAY.isoformat()
               for i in s.get("reassess") or []]
    assert planned and [(a.session_number, a.instrument, a.due_on.isoformat()) for a in made] == planned
    assert all(a.status == "due" and a.patient_id == plan.patient_id for a in made)
    assert assignments.assign_plan_reassessments(uow, people.dr_lee, plan.id, kb, today=TODAY) == []


def test_reception_may_not_assign_and_another_clinic_finds_no_plan(uow, people, plan, kb) -> None:
    with pytest.raises(PermissionDenied):
        assignments.assign_plan_reassessments(uow, people.rita, plan.id, kb, today=TODAY)
    with pytest.raises(NotFound):
        assignments.assign_plan_reassessments(uow, people.dr_outsider, plan.id, kb, today=TODAY)
    assert uow.stored("assignments") == []
    refusals = {(e.clinic_id, e.user_id, e.outcome.value) for e in uow.audit_entries()
                if e.action == "questionnaire.assign"}
    assert {("harbour", "rita", "denied"), ("hill", "out", "not_found")} <= refusals


def test_an_unknown_instrument_or_a_past_due_date_is_refused_naming_the_field(uow, people, plan, kb) -> None:
    with pytest.raises(InputError) as error:
        assignments.assign_questionnaire(uow, people.dr_lee, plan.id, {"instrument": "phq99", "due_on": "2026-12-22"},
                                         kb, today=TODAY)
    assert error.value.field == "instrument"
    with pytest.raises(InputError) as error:
        assignments.assign_questionnaire(uow, people.dr_lee, plan.id, {"instrument": "phq9", "due_on": "2026-12-19"},
                                         kb, today=TODAY)
    assert error.value.field == "due_on" and "2026-12-20" in str(error.value)


def test_answers_are_saved_one_at_a_time_so_the_patient_can_resume(uow, anna, phq9, kb) -> None:
    answering.save_answer(uow, anna, phq9.id, "q1", "2", kb)
    answering.save_answer(uow, anna, phq9.id, "q2", 1, kb)
    later = answering.get_assignment(uow, anna, phq9.id)
    assert later.answers == {"q1": 2, "q2": 1} and later.status == "in_progress"
    assert [a.id for a in answering.due_questionnaires(uow, anna)] == [phq9.id]


def test_an_answer_the_item_does_not_offer_is_refused_and_nothing_changes(uow, anna, phq9, kb) -> None:
    with pytest.raises(InputError) as error:
        answering.save_answer(uow, anna, phq9.id, "q1", "7", kb)
    assert "q1" in error.value.field
    with pytest.raises(InputError) as error:
        answering.save_answer(uow, anna, phq9.id, "q42", "1", kb)
    assert error.value.field == "item"
    assert uow.stored("assignments")[0].answers == {}


def test_another_patient_never_reaches_the_assignment(uow, people, phq9, kb) -> None:
    from acupath.services import register_patient

    ben = register_patient(uow, people.rita, {"given_name": "Ben", "family_name": "Jones", "birth_date": "1970-01-01",
                                              "sex": "male"})
    other = PatientActor(patient_id=ben.id, clinic_id="harbour")
    with pytest.raises(NotFound):
        answering.get_assignment(uow, other, phq9.id)
    with pytest.raises(NotFound):
        answering.save_answer(uow, other, phq9.id, "q1", 0, kb)
    assert answering.due_questionnaires(uow, other) == []


def test_item_9_above_0_raises_the_urgent_task_when_it_is_saved_not_at_completion(uow, people, anna, phq9, kb) -> None:
    answering.save_answer(uow, anna, phq9.id, "q1", 0, kb)
    saved = answering.save_answer(uow, anna, phq9.id, "q9", "1", kb)
    assert saved.crisis and saved.urgent_task is not None
    [task] = uow.stored("urgent_tasks")
    assert (task.patient_id, task.instrument, task.item, task.answer) == (anna.patient_id, "phq9", "q9", 1)
    assert uow.stored("assignments")[0].status == "in_progress"  # not completed: the task did not wait
    views = urgent_tasks.open_tasks(uow, people.dr_lee, kb)
    assert [v.task.id for v in views] == [task.id]
    assert views[0].question.startswith("Thoughts that you would be better off dead")
    assert views[0].answer_label == "several days"
    answer_entry = [e for e in uow.audit_entries() if e.action == "portal.questionnaire.answer"][-1]
    assert answer_entry.user_id == "patient:" + anna.patient_id and task.id in answer_entry.detail


def test_item_9_at_0_raises_nothing_and_changing_1_to_0_leaves_the_task_open(uow, people, anna, phq9, kb) -> None:
    assert not answering.save_answer(uow, anna, phq9.id, "q9", 0, kb).crisis
    assert uow.stored("urgent_tasks") == []
    answering.save_answer(uow, anna, phq9.id, "q9", 2, kb)
    answering.save_answer(uow, anna, phq9.id, "q9", 3, kb)  # the same item again: one task, not two
    answering.save_answer(uow, anna, phq9.id, "q9", 0, kb)
    [task] = uow.stored("urgent_tasks")
    # The clinician reads the gravest answer given (it said "several days" after "nearly every day").
    assert task.is_open and task.answer == 3


def test_completion_scores_the_answers_into_a_reassessment_on_the_progress_chart(uow, people, anna, plan, phq9, kb) -> None:
    _answer_all(uow, anna, phq9, CALM, kb)
    done = answering.complete(uow, anna, phq9.id, kb, today=TODAY)
    assert done.status == AssignmentStatus.COMPLETED.value and done.reassessment_id
    [record] = uow.stored("reassessments")
    assert (record.id, record.plan_id, record.assessed_on) == (done.reassessment_id, plan.id, TODAY)
    assert record.scores["phq9"]["total"] == 8 and record.recorded_by == "patient:" + anna.patient_id
    trends = {t.instrument: t for t in get_trends(uow, people.dr_lee, plan.id, kb).trends}
    assert [m.value for m in trends["phq9"].measures] == [8.0]
    with pytest.raises(Conflict):
        answering.save_answer(uow, anna, phq9.id, "q1", 3, kb)
    assert answering.due_questionnaires(uow, anna) == []


def test_completion_names_the_first_unanswered_question(uow, anna, phq9, kb) -> None:
    _answer_all(uow, anna, phq9, {k: v for k, v in CALM.items() if k not in ("q4", "q9")}, kb)
    with pytest.raises(InputError) as error:
        answering.complete(uow, anna, phq9.id, kb, today=TODAY)
    assert error.value.field == "q4" and "question 4" in str(error.value)
    assert uow.stored("reassessments") == []


def test_a_task_is_resolved_with_a_note_once_and_by_a_clinician(uow, people, anna, phq9, kb) -> None:
    task = answering.save_answer(uow, anna, phq9.id, "q9", 1, kb).urgent_task
    with pytest.raises(InputError) as error:
        urgent_tasks.resolve_task(uow, people.dr_lee, task.id, {"note": "ok"})
    assert error.value.field == "note"
    with pytest.raises(PermissionDenied):
        urgent_tasks.resolve_task(uow, people.rita, task.id, {"note": "Called her, safety plan agreed."})
    with pytest.raises(NotFound):
        urgent_tasks.resolve_task(uow, people.dr_outsider, task.id, {"note": "Called her, safety plan agreed."})
    resolved = urgent_tasks.resolve_task(uow, people.dr_patel, task.id, {"note": "Called her, safety plan agreed."})
    assert (resolved.resolved_by, resolved.resolution_note) == ("patel", "Called her, safety plan agreed.")
    assert urgent_tasks.open_tasks(uow, people.dr_lee, kb) == []
    with pytest.raises(Conflict):
        urgent_tasks.resolve_task(uow, people.dr_lee, task.id, {"note": "Called her again the next day."})
    entry = [e for e in uow.audit_entries() if e.action == "urgent_task.resolve" and e.outcome.value == "ok"]
    assert entry and entry[0].patient_id == anna.patient_id


def test_cancelling_the_questionnaire_never_hides_the_safety_answer(uow, people, anna, phq9, kb) -> None:
    answering.save_answer(uow, anna, phq9.id, "q9", 1, kb)
    assignments.cancel_assignment(uow, people.dr_lee, phq9.id)
    assert [t.is_open for t in uow.stored("urgent_tasks")] == [True]


answer = st.integers(min_value=0, max_value=3)
#: The store as each property example starts (the fixtures run once for all examples).
_fresh: dict[int, object] = {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(others=st.dictionaries(st.sampled_from([f"q{n}" for n in range(1, 11)]), answer),
       item9=st.integers(min_value=1, max_value=3), order=st.randoms(use_true_random=False),
       then=st.sampled_from(["nothing", "complete", "change_to_0", "cancel"]))
def test_any_phq9_answers_with_item_9_above_0_always_give_an_urgent_task_and_crisis_contacts(
        uow, people, patient, plan, kb, others, item9, order, then) -> None:
    uow.committed = copy.deepcopy(_fresh.setdefault(id(uow), copy.deepcopy(uow.committed)))  # each example anew
    anna = PatientActor(patient_id=patient.id, clinic_id="harbour")
    assignment = assignments.assign_questionnaire(
        uow, people.dr_lee, plan.id, {"instrument": "phq9", "due_on": TODAY.isoformat()}, kb, today=TODAY)
    answers = {**{k: v for k, v in others.items() if k != "q9"}, "q9": item9}
    items = list(answers)
    order.shuffle(items)
    crisis_shown = False
    for item in items:
        saved = answering.save_answer(uow, anna, assignment.id, item, answers[item], kb)
        if item == "q9":
            crisis_shown = saved.crisis
            assert any(t.assignment_id == assignment.id and t.is_open for t in uow.stored("urgent_tasks"))
    if then == "complete" and all(k in answers for k in [f"q{n}" for n in range(1, 10)]):
        answering.complete(uow, anna, assignment.id, kb, today=TODAY)
    elif then == "change_to_0":
        answering.save_answer(uow, anna, assignment.id, "q9", 0, kb)
    elif then == "cancel":
        assignments.cancel_assignment(uow, people.dr_lee, assignment.id)
    assert crisis_shown
    mine = [v for v in urgent_tasks.open_tasks(uow, people.dr_lee, kb) if v.task.assignment_id == assignment.id]
    assert len(mine) == 1 and mine[0].task.item == "q9" and mine[0].task.answer == item9


def test_another_clinics_probe_of_a_task_is_in_the_owners_log_too(uow, people, anna, phq9, kb) -> None:
    task = answering.save_answer(uow, anna, phq9.id, "q9", 1, kb).urgent_task
    with pytest.raises(NotFound):
        urgent_tasks.get_task(uow, people.dr_outsider, task.id, kb)
    probes = [(e.clinic_id, e.outcome.value, e.patient_id) for e in uow.audit_entries() if e.action == "urgent_task.read"]
    assert ("hill", "not_found", None) in probes and ("harbour", "denied", anna.patient_id) in probes
