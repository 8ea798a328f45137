"""The patient's whole record names staff by name and role, never by internal user id: who screened,
recorded, and who overrode a finding (in the screening and in the plan), in the PDF and the JSON alike."""

from __future__ import annotations

import re
from datetime import date

from service_fakes import FakeUnitOfWork, PlainHasher

from acupath.reports.documents.html import document_html
from acupath.services import create_plan, create_user, record_intake
from acupath.services.documents import gather
from acupath.services.intakes import screen_intake
from acupath.services.patient_actor import PatientActor
from acupath.services.portal import own_record, record_export
from acupath.services.staff_names import who_is
from example_records import example_intake

REASON = "MRI and oncology review clear (letter 2026-11-20)"


def _overridden_by_a_named_clinician(uow: FakeUnitOfWork, people, patient, kb) -> str:
    user = create_user(uow, people.ada, email="lee@harbour.example", name="Dr Mei Lee", role="clinician",
                       password="correct horse battery", hasher=PlainHasher())
    lee = type(people.dr_lee)(user.id, "harbour", "clinician", "10.0.0.1")
    intake = record_intake(uow, lee, patient.id, example_intake("safety_malignancy"), kb)
    create_plan(uow, lee, intake.id, kb, overrides=[{"finding": "systemic_malignancy", "reason": REASON}])
    return user.id


def test_the_record_pdf_names_who_overrode_a_finding(uow: FakeUnitOfWork, people, patient, kb) -> None:
    user_id = _overridden_by_a_named_clinician(uow, people, patient, kb)
    html = document_html(gather(uow, people.dr_lee, patient.id, "record", kb), kb)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Overridden by Dr Mei Lee (clinician)" in text and "by Dr Mei Lee (clinician) on" in text
    assert user_id not in text


def test_the_patients_plan_names_the_clinician_who_went_ahead(uow: FakeUnitOfWork, people, patient, kb) -> None:
    _overridden_by_a_named_clinician(uow, people, patient, kb)
    html = document_html(gather(uow, people.dr_lee, patient.id, "plan", kb), kb)
    assert "Your clinician, Dr Mei Lee (clinician), decided to go ahead" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    mine = own_record.my_plan(uow, PatientActor(patient.id, "harbour"), kb, date(2027, 1, 5))
    assert set(mine.staff.values()) == {"Dr Mei Lee (clinician)", "the clinic's administrator (command line)"}


def test_the_record_json_names_who_overrode_a_finding(uow: FakeUnitOfWork, people, patient, kb) -> None:
    user_id = _overridden_by_a_named_clinician(uow, people, patient, kb)
    record = record_export.export_record(uow, PatientActor(patient.id, "harbour"))
    assert user_id not in str(record)
    [override] = record["plans"][-1]["overrides"]
    assert (override["author"], override["reason"]) == ("Dr Mei Lee (clinician)", REASON)
    assert "staff" not in record


def test_a_clinician_named_as_typed_in_an_intakes_override_is_shown_as_typed(uow: FakeUnitOfWork, people, patient,
                                                                           kb) -> None:
    answers = example_intake("safety_malignancy")
    answers["overrides"] = [{"finding": "systemic_malignancy", "reason": REASON, "by": "Dr Patel", "on": "2026-11-20"}]
    intake = record_intake(uow, people.dr_lee, patient.id, answers, kb)
    create_plan(uow, people.dr_lee, intake.id, kb)
    html = document_html(gather(uow, people.dr_lee, patient.id, "record", kb), kb)
    assert "Overridden by Dr Patel on" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    # The plan keeps the typed name as the finding's overrider and the override's author: shown as typed.
    [plan] = uow.stored("plans")
    assert who_is(uow, people.dr_lee, (plan.overrides, plan.plan["findings"])).get("Dr Patel") == "Dr Patel"


def test_an_earlier_screening_says_its_findings_stood_then_not_now(uow: FakeUnitOfWork, people, patient, kb) -> None:
    # A screening before the one that overrode a finding read "In force" beside the overridden one.
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("safety_malignancy"), kb)
    screen_intake(uow, people.dr_lee, intake.id, kb)
    create_plan(uow, people.dr_lee, intake.id, kb, overrides=[{"finding": "systemic_malignancy", "reason": REASON}])
    text = " ".join(re.sub(r"<[^>]+>", " ", document_html(gather(uow, people.dr_lee, patient.id, "record", kb),
                                                           kb)).split())
    assert "In force at this screening; see the later one" in text and "(a later screening follows)" in text
    assert "Overridden by" in text
