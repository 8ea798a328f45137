"""The progress report's contents (``services.documents`` ``progress``): the verdict progress makes, the
intake's instrument scores as the baseline (not the opioid MME), the checkpoints in force on the charts."""

from __future__ import annotations

from datetime import date

from service_fakes import FakeUnitOfWork

from acupath.reports.documents.html import document_html
from acupath.services import create_plan, record_intake
from acupath.services.documents import gather
from acupath.services.progress import record_reassessment
from acupath.services.sessions import record_session
from example_records import example_intake, example_session

TODAY = date(2027, 6, 1)


def _knee_plan(uow, people, patient, kb, given: int, nrs: int):
    """A knee plan (NRS 6, WOMAC 48, a medication list without opioids), ``given`` sessions, then NRS ``nrs``."""
    data = example_intake("knee_osteoarthritis")
    data["pain"]["nrs"] = 6
    data["questionnaires"] = {"womac": {f"q{i}": 2 for i in range(1, 25)}}
    data["medications"] = [{"name": "paracetamol", "class": "other", "dose": "1 g"}]
    plan = create_plan(uow, people.dr_lee, record_intake(uow, people.dr_lee, patient.id, data, kb).id, kb)
    for visit in plan.plan["sessions"][:given]:
        record_session(uow, people.dr_lee, plan.id, example_session(session_date=visit["date"], pain_before=None),
                       kb, today=TODAY)
    record_reassessment(uow, people.dr_lee, patient.id, {
        "assessed_on": plan.plan["sessions"][given - 1]["date"], "plan_id": plan.id, "session_number": given,
        "answers": {"nrs": {"nrs": nrs}, "womac": {f"q{i}": 1 for i in range(1, 25)}}}, kb, today=TODAY)
    return plan


def test_before_the_first_checkpoint_the_report_carries_too_early_and_what_changed(
        uow: FakeUnitOfWork, people, patient, kb) -> None:
    _knee_plan(uow, people, patient, kb, given=4, nrs=3)
    body = gather(uow, people.dr_lee, patient.id, "progress", kb).body
    progress = body.trends.progress
    assert (progress.verdict.state, progress.verdict.session) == ("too_early", 4)
    assert {c.instrument: c.followup for c in progress.latest.changes} == {"nrs": 3, "womac": 24}


def test_at_the_first_checkpoint_the_report_names_the_nrs_that_decided(uow: FakeUnitOfWork, people, patient,
                                                                       kb) -> None:
    plan = _knee_plan(uow, people, patient, kb, given=6, nrs=3)
    assert min(c["session"] for c in plan.plan["checkpoints"]) == 6
    verdict = gather(uow, people.dr_lee, patient.id, "progress", kb).body.trends.progress.verdict
    assert (verdict.state, verdict.deciding, verdict.checkpoint) == ("responder", ("nrs",), "response_expected")


def test_the_baseline_lists_the_instruments_not_an_opioid_mme_of_0(uow: FakeUnitOfWork, people, patient,
                                                                   kb) -> None:
    plan = _knee_plan(uow, people, patient, kb, given=4, nrs=3)
    assert plan.plan["baseline"]["opioid_mme_per_day"] == 0  # no opioid on the medication list
    body = gather(uow, people.dr_lee, patient.id, "progress", kb).body
    assert dict(body.baseline) == {"nrs": 6, "womac": 48}
    assert body.trends.progress.opioids is not None and not body.trends.progress.opioids.reported


def test_the_charts_of_a_plan_medicare_covers_none_of_have_no_extension_checkpoint(
        uow: FakeUnitOfWork, people, patient, kb) -> None:
    data = example_intake("chronic_low_back_pain")
    data["payer"], data["pain"]["duration_weeks"] = "medicare", 8  # NCD 30.3.3: 12 weeks or longer
    plan = create_plan(uow, people.dr_lee, record_intake(uow, people.dr_lee, patient.id, data, kb).id, kb)
    assert "medicare_extension" not in {c["id"] for c in plan.plan["checkpoints"]}  # planned without it
    # A plan stored before planning left it out still carries it: the report leaves it out on reading.
    stored = uow.stored("plans")[-1]
    extension = {"id": "medicare_extension", "session": 12, "date": plan.plan["sessions"][11]["date"],
                 "expect": "improvement", "if_not": "stop", "citations": [], "evidence_claims": []}
    stored.plan = {**stored.plan, "checkpoints": [*stored.plan["checkpoints"], extension]}
    plan = stored
    record_session(uow, people.dr_lee, plan.id, example_session(session_date=plan.plan["sessions"][0]["date"]),
                   kb, today=TODAY)
    trends = gather(uow, people.dr_lee, patient.id, "progress", kb).body.trends
    assert [c.id for c in trends.plan.checkpoints] == [
        c["id"] for c in plan.plan["checkpoints"] if c["id"] != "medicare_extension"]


def test_a_migraine_reports_baseline_keeps_the_headache_diary_month_in_words(uow: FakeUnitOfWork, people, patient,
                                                                            kb) -> None:
    data = example_intake("migraine_holidays")  # 10 headache days, 8 migraine days a month at intake
    plan = create_plan(uow, people.dr_lee, record_intake(uow, people.dr_lee, patient.id, data, kb).id, kb)
    record_session(uow, people.dr_lee, plan.id, example_session(session_date=plan.plan["sessions"][0]["date"]), kb,
                   today=TODAY)
    data = gather(uow, people.dr_lee, patient.id, "progress", kb)
    assert {"headache_days": 10, "migraine_days": 8}.items() <= dict(data.body.baseline).items()
    assert "opioid_mme_per_day" not in dict(data.body.baseline)
    html = document_html(data, kb)
    assert "Headache days 10" in html and "Migraine days 8" in html and "HEADACHE_DAYS" not in html
