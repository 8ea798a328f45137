"""One responder verdict on the chart, the progress page and the progress report (PDF): too early to judge
before the first checkpoint with what changed so far, then responding or not by the measure that decided;
the plan page's checkpoints table lists every checkpoint its visits mark (no Medicare extension checkpoint
on a plan Medicare covers none of)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from typing import Any

from web_world import TODAY, Site

from acupath.services import intakes, patients, plans, progress, sessions
from acupath.services.actor import Actor, Role
from acupath.services.records import PlanRecord
from example_records import example_intake, example_session
from pdf_text import pdf_text


def _actor(site: Site) -> Actor:
    return Actor(user_id="verdict-test", clinic_id=site.demo["clinic_id"], role=Role.CLINICIAN)


def _plan(site: Site, name: str, **changes: Any) -> PlanRecord:
    actor, kb = _actor(site), site.app.state.acupath.kb
    patient = patients.register_patient(site.uow_factory(), actor, {
        "given_name": "Vera", "family_name": "Dict", "birth_date": "1950-03-04", "sex": "female"})
    data = example_intake(name)
    data["schedule"]["start"] = (TODAY - timedelta(days=40)).isoformat()
    for section, values in changes.items():
        data[section] = {**data.get(section, {}), **values} if isinstance(values, dict) else values
    intake = intakes.record_intake(site.uow_factory(), actor, patient.id, data, kb)
    intakes.screen_intake(site.uow_factory(), actor, intake.id, kb, today=TODAY)
    return plans.create_plan(site.uow_factory(), actor, intake.id, kb, today=TODAY)


def _treat(site: Site, plan: PlanRecord, upto: int, nrs: int) -> None:
    """Give the plan's sessions up to ``upto`` and reassess there: NRS ``nrs``, WOMAC halved."""
    actor, kb = _actor(site), site.app.state.acupath.kb
    done = len(sessions.list_sessions(site.uow_factory(), actor, plan.id, limit=200).items)
    for visit in plan.plan["sessions"][done:upto]:
        sessions.record_session(site.uow_factory(), actor, plan.id, example_session(
            session_date=visit["date"], pain_before=None, pain_after=None), kb, today=TODAY)
    progress.record_reassessment(site.uow_factory(), actor, plan.patient_id, {
        "assessed_on": plan.plan["sessions"][upto - 1]["date"], "plan_id": plan.id, "session_number": upto,
        "answers": {"nrs": {"nrs": nrs}, "womac": {f"q{i}": 1 for i in range(1, 25)}}}, kb, today=TODAY)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _knee(site: Site) -> PlanRecord:
    """A knee plan: NRS 6 and WOMAC 48 at intake, a medication list without an opioid (MME 0)."""
    plan = _plan(site, "knee_osteoarthritis", pain={"nrs": 6},
                 questionnaires={"womac": {f"q{i}": 2 for i in range(1, 25)}},
                 medications=[{"name": "paracetamol", "class": "other", "dose": "1 g"}])
    assert date.fromisoformat(plan.plan["sessions"][5]["date"]) <= TODAY
    return plan


def test_before_the_first_checkpoint_every_page_and_the_report_say_too_early_with_what_changed(site: Site) -> None:
    plan = _knee(site)
    _treat(site, plan, upto=4, nrs=3)
    browser = site.as_("clinician")
    first = min(c["session"] for c in plan.plan["checkpoints"])
    chart = _text(browser.get(f"/clinic/patients/{plan.patient_id}").text)
    assert f"Too early to judge: the first checkpoint is at session {first}" in chart
    page = _text(browser.get(f"/clinic/plans/{plan.id}/progress").text)
    header = page[page.index("Sessions given"):page.index("Alerts")]
    assert "Latest (session 4) Too early to judge" in header and "Not responding" not in header
    assert f"Too early to judge: the first checkpoint is at session {first}; what has changed so far (session 4)" in header
    assert "NRS 6 → 3 (session 4): 3 better, 50 %; MCID reached" in header
    assert "Opioid MME/day" not in page  # 0 at intake and nothing since: no opioid outcome
    report = pdf_text(browser.get(f"/clinic/patients/{plan.patient_id}/documents/progress.pdf").content)
    assert f"Too early to judge at session 4: the first checkpoint is at session {first}." in report
    assert "So far: Numeric Rating Scale for pain (0-10) 6 → 3;" in report
    assert "Not a responder" not in report and "Responder at" not in report
    assert "OPIOID_MME_PER_DAY" not in report and "Opioid use" not in report  # no MME 0 "measure"


def test_at_the_first_checkpoint_the_page_and_the_report_name_the_measure_that_decided(site: Site) -> None:
    plan = _knee(site)
    first = min(c["session"] for c in plan.plan["checkpoints"])
    _treat(site, plan, upto=first, nrs=3)
    browser = site.as_("clinician")
    page = _text(browser.get(f"/clinic/plans/{plan.id}/progress").text)
    header = page[page.index("Sessions given"):page.index("Alerts")]
    assert f"Latest (session {first}) Responding" in header
    assert f"Responding at session {first}: improved by at least the MCID on NRS." in header
    report = pdf_text(browser.get(f"/clinic/patients/{plan.patient_id}/documents/progress.pdf").content)
    assert f"Responder at session {first}: improved by at least the MCID on Numeric Rating Scale for pain" in report


def _marked(html: str) -> dict[int, str]:
    """Return the visits the schedule marks as a checkpoint, by number."""
    found = {}
    for row in re.finditer(r'<tr[^>]*><th scope="row">(\d+)</th>(.*?)</tr>', html, re.S):
        mark = re.search(r"\(checkpoint: ([^)]+)\)", row.group(2))
        if mark:
            found[int(row.group(1))] = mark.group(1)
    return found


def _checkpoint_rows(html: str) -> list[int]:
    table = html[html.index("<h3>Checkpoints</h3>"):]
    return [int(n) for n in re.findall(r'<tr id="checkpoint-[a-z_]+"><th scope="row">(\d+)</th>', table)]


def test_the_checkpoints_table_lists_every_checkpoint_the_visits_mark_and_no_phase_end(site: Site) -> None:
    plan = _plan(site, "chronic_low_back_pain", payer="medicare", pain={"duration_weeks": 30})
    html = site.as_("clinician").get(f"/clinic/plans/{plan.id}").text
    marked = _marked(html)
    assert sorted(marked) == _checkpoint_rows(html) == sorted(c["session"] for c in plan.plan["checkpoints"])
    assert "medicare extension" in marked.values()  # Medicare covers this plan: its extension is judged
    ends = [s["number"] for s in plan.plan["sessions"] if (s.get("checkpoint") or "").startswith("end of")]
    assert ends and not set(ends) & set(marked)
    assert all(re.search(rf'<th scope="row">{n}</th>.*?\(end of [a-z ]+\)', html, re.S) for n in ends)


def test_a_plan_medicare_covers_none_of_shows_no_extension_checkpoint(site: Site) -> None:
    plan = _plan(site, "chronic_low_back_pain", payer="medicare", pain={"duration_weeks": 8})
    assert {s["coverage"] for s in plan.plan["sessions"]} == {"not_covered"}
    browser = site.as_("clinician")
    html = browser.get(f"/clinic/plans/{plan.id}").text
    assert sorted(_marked(html)) == _checkpoint_rows(html)
    assert "medicare extension" not in _marked(html).values() and 'id="checkpoint-medicare_extension"' not in html
    progress_page = browser.get(f"/clinic/plans/{plan.id}/progress").text
    assert 'id="checkpoint-medicare_extension"' not in progress_page
    assert 'id="checkpoint-response_expected"' in progress_page


def test_past_the_first_checkpoint_the_chart_says_what_the_progress_page_says(site: Site) -> None:
    # The chart judged on its own rule (a checkpoint "reached" by the latest session's number) and said
    # "not reached yet" where the progress page said "Not responding".
    plan = _knee(site)
    first = min(c["session"] for c in plan.plan["checkpoints"])
    _treat(site, plan, upto=first + 1, nrs=6)  # no better than at intake
    browser = site.as_("clinician")
    chart = _text(browser.get(f"/clinic/patients/{plan.patient_id}").text)
    page = _text(browser.get(f"/clinic/plans/{plan.id}/progress").text)
    said = f"Not responding at session {first + 1}: no measure improved by its MCID"
    assert said in chart and said in page and "Non-responder" in chart
