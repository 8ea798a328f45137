"""The patient's questionnaires and homework on the portal: one question a page, resumed later, item 9
above 0 showing the crisis contacts at once and the urgent task on the clinician's list, check your
answers, the reassessment recorded; homework ticked; another patient's questionnaire is 404."""

from __future__ import annotations

from portal_world import set_up
from test_between_visits_pages import active_plan
from test_plan_page import demo_plans
from test_progress_page import clinician_of
from web_world import TODAY, Site, noon

from acupath.services.between_visits import assignments, homework, urgent_tasks
from acupath.services.records.clinical import PlanStatus


def _phq9(site: Site, plan, due: str):
    return assignments.assign_questionnaire(site.uow_factory(), clinician_of(site), plan.id,
                                            {"instrument": "phq9", "due_on": due}, site.app.state.acupath.kb,
                                            today=TODAY)


def test_a_patient_fills_in_a_phq9_one_question_a_page_and_item_9_shows_help_at_once(site: Site) -> None:
    plan = active_plan(site)
    given = _phq9(site, plan, "2026-12-05")
    anna = set_up(site, plan.patient_id, "between.anna@example.org")
    listed = anna.get("/portal/questionnaires").text
    assert "Patient Health Questionnaire-9" in listed and f'href="/portal/questionnaires/{given.id}"' in listed
    start = anna.get(f"/portal/questionnaires/{given.id}")
    assert start.headers["location"] == f"/portal/questionnaires/{given.id}/questions/1"
    first = anna.get(start.headers["location"]).text
    assert "Question 1 of 10" in first and "<progress" in first and "Little interest or pleasure" in first
    page = f"/portal/questionnaires/{given.id}/questions/1"
    blank = anna.post_form(page, page, {})
    assert blank.status_code == 422 and 'href="#answer"' in blank.text and "Choose an answer" in blank.text
    for n in range(1, 9):
        page = f"/portal/questionnaires/{given.id}/questions/{n}"
        done = anna.post_form(page, page, {"answer": "1"})
        assert done.headers["location"] == f"/portal/questionnaires/{given.id}/questions/{n + 1}"
    # Stopping here and coming back resumes at question 9.
    assert anna.get(f"/portal/questionnaires/{given.id}").headers["location"].endswith("/questions/9")
    page = f"/portal/questionnaires/{given.id}/questions/9"
    saved = anna.post_form(page, page, {"answer": "1"})
    assert saved.headers["location"].startswith("/portal/support?answered=1&next=")
    help_page = anna.get(saved.headers["location"]).text
    assert "Samaritans" in help_page and 'href="tel:116123"' in help_page and "emergency" in help_page
    assert "You told us" in help_page and "your clinic has been told" in help_page
    # Opened without an answer (a bookmark, the back button), the same help says nothing the patient did not do.
    opened = anna.get("/portal/support").text
    assert 'href="tel:116123"' in opened and "You told us" not in opened and "has been told" not in opened
    assert "Continue the questionnaire" not in opened and "Continue the questionnaire" in help_page
    tasks = urgent_tasks.open_tasks(site.uow_factory(), clinician_of(site), site.app.state.acupath.kb)
    assert any(v.task.assignment_id == given.id and v.task.item == "q9" for v in tasks)  # before submitting
    page = f"/portal/questionnaires/{given.id}/questions/10"
    assert anna.post_form(page, page, {"answer": "0"}).headers["location"].endswith("/check")
    check = anna.get(f"/portal/questionnaires/{given.id}/check").text
    assert "Check your answers" in check and check.count(">Change<") == 10 and "Several days" in check
    sent = anna.post_form(f"/portal/questionnaires/{given.id}/check", f"/portal/questionnaires/{given.id}/check", {})
    assert sent.headers["location"] == "/portal/questionnaires?done=1"
    listed = assignments.plan_assignments(site.uow_factory(), clinician_of(site), plan.id)
    done = next(a for a in listed if a.id == given.id)
    assert done.status == "completed" and done.reassessment_id
    assert "Your answers are sent" in anna.get("/portal/questionnaires?done=1").text


def test_a_questionnaire_due_months_ahead_is_listed_later_without_a_start(site: Site) -> None:
    # Every questionnaire up to the plan's last visit was offered with "Start", months ahead of its visit.
    plan = active_plan(site)
    soon, ahead = _phq9(site, plan, "2026-12-08"), _phq9(site, plan, "2027-03-01")
    listed = set_up(site, plan.patient_id, "between.later@example.org").get("/portal/questionnaires").text
    now, later = listed.split("<h2>Later</h2>")
    assert f'href="/portal/questionnaires/{soon.id}"' in now and "10 questions · due 8 Dec 2026" in now
    assert f'href="/portal/questionnaires/{ahead.id}"' not in listed
    assert "Patient Health Questionnaire-9: from 22 Feb 2027, due 1 Mar 2027" in later


def test_a_number_question_asks_for_a_number_not_a_choice(site: Site) -> None:
    # The pain NRS, a number box, said "Choose the answer that fits best".
    plan = active_plan(site)
    given = assignments.assign_questionnaire(site.uow_factory(), clinician_of(site), plan.id,
                                             {"instrument": "nrs", "due_on": "2026-12-03"}, site.app.state.acupath.kb,
                                             today=TODAY)
    mere = set_up(site, plan.patient_id, "between.number@example.org")
    page = mere.get(f"/portal/questionnaires/{given.id}/questions/1").text
    assert "Type a whole number." in page and "Choose the answer" not in page
    assert "1 question · due 3 Dec 2026" in mere.get("/portal/questionnaires").text


def test_another_patient_gets_404_for_the_questionnaire(site: Site) -> None:
    plans = [p for p in demo_plans(site) if p.status == PlanStatus.ACTIVE.value]
    mine, theirs = plans[0], next(p for p in plans if p.patient_id != plans[0].patient_id)
    given = _phq9(site, mine, "2026-12-06")
    ben = set_up(site, theirs.patient_id, "between.ben@example.org")
    for path in (f"/portal/questionnaires/{given.id}", f"/portal/questionnaires/{given.id}/questions/1",
                 f"/portal/questionnaires/{given.id}/check"):
        assert ben.get(path).status_code == 404
    page = "/portal/questionnaires"
    posted = ben.post_form(f"/portal/questionnaires/{given.id}/questions/9", page, {"answer": "2"})
    assert posted.status_code == 404
    assert f"/portal/questionnaires/{given.id}" not in ben.get(page).text


def test_the_patient_ticks_homework_and_a_future_day_is_refused(site: Site) -> None:
    plan = active_plan(site)
    given = site.uow_factory()
    given.clock = lambda: noon(TODAY)  # given on the pages' day (homework counts from the day it is given)
    homework.start_homework(given, clinician_of(site), plan.id, site.app.state.acupath.kb)
    anna = set_up(site, plan.patient_id, "between.homework@example.org")
    page = anna.get("/portal/homework").text
    assert "Homework" in page and "Today" in page
    task = next(t for t in homework.plan_adherence(site.uow_factory(), clinician_of(site), plan.id, today=TODAY)
                if t.task.starts_on <= TODAY <= t.task.ends_on).task
    done = anna.post_form(f"/portal/homework/{task.id}", "/portal/homework", {"done_on": TODAY.isoformat(), "done": "1"})
    assert done.status_code == 303
    assert 'aria-pressed="true"' in anna.get("/portal/homework").text
    future = anna.post_form(f"/portal/homework/{task.id}", "/portal/homework", {"done_on": "2026-12-09", "done": "1"})
    assert future.status_code == 422 and "after today" in future.text


def test_save_and_come_back_later_keeps_the_ticked_answer_and_change_returns_to_the_check(site: Site) -> None:
    # "Save and come back later" was a link: the answer ticked on its page was lost. "Change" on the check
    # page led on to the next question, and the patient stepped through every later one again.
    plan = active_plan(site)
    given = _phq9(site, plan, "2026-12-05")
    patient = set_up(site, plan.patient_id, "between.later.check@example.org")
    first = f"/portal/questionnaires/{given.id}/questions/1"
    later = patient.post_form(first, first, {"answer": "2", "later": "1"})
    assert later.headers["location"] == "/portal/questionnaires"
    assert 'value="2" checked' in patient.get(first).text
    for n in range(2, 11):
        page = f"/portal/questionnaires/{given.id}/questions/{n}"
        patient.post_form(page, page, {"answer": "0"})
    check = patient.get(f"/portal/questionnaires/{given.id}/check").text
    assert f'href="/portal/questionnaires/{given.id}/questions/3?back=check"' in check
    third = f"/portal/questionnaires/{given.id}/questions/3"
    opened = patient.get(f"{third}?back=check").text
    assert '<input type="hidden" name="back" value="check">' in opened and f'href="/portal/questionnaires/{given.id}/check">Back' in opened
    changed = patient.post_form(third, f"{third}?back=check", {"answer": "1", "back": "check"})
    assert changed.headers["location"] == f"/portal/questionnaires/{given.id}/check"
