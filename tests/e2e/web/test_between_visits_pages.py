"""The clinician's side of the time between visits: questionnaires assigned from the plan page, the urgent
task of a safety answer first on today's list with its word and icon, resolved with a note; homework
adherence on the progress page; the administrator's crisis contacts; who may see what."""

from __future__ import annotations

import re
from html import unescape

from test_plan_page import demo_plans
from test_progress_page import clinician_of
from web_world import TODAY, Site

from acupath.services.between_visits import answering, assignments, homework
from acupath.services.patient_actor import PatientActor
from acupath.services.records.clinical import PlanStatus


def active_plan(site: Site):
    return next(p for p in demo_plans(site) if p.status == PlanStatus.ACTIVE.value and p.plan.get("components"))


def test_a_clinician_assigns_the_plans_reassessments_and_one_questionnaire(site: Site) -> None:
    plan = active_plan(site)
    lee = site.as_("clinician")
    page = f"/clinic/plans/{plan.id}/questionnaires"
    assert lee.get(page).status_code == 200
    done = lee.post_form(f"{page}/from-plan", page, {})
    assert done.status_code == 303 and "done=" in done.headers["location"]
    bad = lee.post_form(page, page, {"instrument": "phq9", "due_on": "2020-01-01"})
    assert bad.status_code == 422 and 'href="#due_on"' in bad.text and "before today" in unescape(bad.text)
    assert lee.post_form(page, page, {"instrument": "phq9", "due_on": TODAY.isoformat()}).status_code == 303
    listed = assignments.plan_assignments(site.uow_factory(), clinician_of(site), plan.id)
    assert any(a.instrument == "phq9" and a.due_on == TODAY for a in listed)
    assert site.as_("reception").get(page).status_code == 403
    assert site.as_("outsider").get(page).status_code == 404


def test_a_safety_answer_is_the_first_thing_on_todays_list_and_is_resolved_with_a_note(site: Site) -> None:
    plan = active_plan(site)
    kb = site.app.state.acupath.kb
    given = assignments.assign_questionnaire(site.uow_factory(), clinician_of(site), plan.id,
                                             {"instrument": "phq9", "due_on": "2026-12-03"}, kb, today=TODAY)
    patient = PatientActor(plan.patient_id, plan.clinic_id)
    task = answering.save_answer(site.uow_factory(), patient, given.id, "q9", "1", kb).urgent_task
    lee = site.as_("clinician")
    today = lee.get("/clinic/today").text
    due_list = max(today.find("with a visit planned today"), today.find("No visits planned today"))
    assert 0 < today.index('id="urgent-title"') < due_list  # urgent tasks first
    assert f'href="/clinic/urgent-tasks/{task.id}"' in today and "badge-danger" in today and ">Urgent<" in today
    assert f'href="/clinic/patients/{plan.patient_id}"' in today
    assert "Safety answer on the portal" in lee.get(f"/clinic/patients/{plan.patient_id}").text
    page = f"/clinic/urgent-tasks/{task.id}"
    assert "better off dead" in lee.get(page).text
    short = lee.post_form(page, page, {"note": "ok"})
    assert short.status_code == 422 and 'href="#note"' in short.text
    done = lee.post_form(page, page, {"note": "Phoned her at 14:10; safety plan agreed, GP today."})
    assert done.status_code == 303 and done.headers["location"] == "/clinic/today?done=resolved"
    assert f"/clinic/urgent-tasks/{task.id}" not in lee.get("/clinic/today").text
    assert 'id="urgent-title"' not in site.as_("reception").get("/clinic/today").text
    assert site.as_("reception").get(page).status_code == 403
    assert site.as_("outsider").get(page).status_code == 404


def test_homework_adherence_is_shown_beside_the_outcomes(site: Site) -> None:
    plan = active_plan(site)
    lee = site.as_("clinician")
    page = f"/clinic/plans/{plan.id}/questionnaires"
    assert lee.post_form(f"/clinic/plans/{plan.id}/homework", page, {}).status_code == 303
    tasks = homework.plan_adherence(site.uow_factory(), clinician_of(site), plan.id, today=TODAY)
    assert tasks
    progress = lee.get(f"/clinic/plans/{plan.id}/progress").text
    assert 'id="homework-title"' in progress and unescape(tasks[0].task.title) in unescape(progress)
    listed = lee.get(page).text  # a weekly task read "1 times a week"
    assert "1 times a week" not in listed
    assert ("once a week" in listed) == any(t.task.times_per_week == 1 for t in tasks)


def test_the_administrator_sets_crisis_contacts_each_bad_line_named(site: Site) -> None:
    ada = site.as_("admin")
    page = "/clinic/admin/crisis-contacts"
    shown = ada.get(page).text
    assert "Samaritans" in shown and "116 123" in shown  # the demo clinic is en-GB: the cited default
    bad = ada.post_form(page, page, {"contacts[0].name": "Crisis team", "contacts[0].phone": "0800 1", "contacts[2].name": "Text line",
                                     "contacts[2].phone": "call us"})
    assert bad.status_code == 422 and 'href="#contacts[2].phone"' in bad.text and "Line 3, phone" in bad.text
    # Every bad line at once, and each problem of a line: they came one a round, the second as "1 more".
    many = ada.post_form(page, page, {"contacts[0].name": "x" * 81, "contacts[0].phone": "call us",
                                      "contacts[1].phone": "0800 1", "contacts[3].name": "No number"})
    named = re.findall(r'<a href="#(contacts\[\d\]\.\w+)">', many.text)
    assert many.status_code == 422 and named == ["contacts[0].name", "contacts[0].phone", "contacts[1].name",
                                                 "contacts[3].phone"]
    assert "more problems" not in many.text and 'value="No number"' in many.text
    assert ada.post_form(page, page, {"contacts[0].name": "Harbour crisis team",
                                      "contacts[0].phone": "0800 123 456"}).status_code == 303
    assert re.search(r"Harbour crisis team</strong>: call 0800 123 456", ada.get(page).text)
    assert ada.post_form(page, page, {}).status_code == 303  # nothing: back to the default
    assert "Samaritans" in ada.get(page).text
    assert site.as_("clinician").get(page).status_code == 403
