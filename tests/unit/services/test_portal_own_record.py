"""What a signed-in patient reads of their own record: their plan, their access log, their download;
never another patient's, and every read audited with the patient as actor."""

from __future__ import annotations

from datetime import date

import pytest
from service_fakes import FROZEN_NOW, FakeUnitOfWork, PlainHasher

from acupath.errors import InputError, NotFound
from acupath.knowledge import load_knowledge
from acupath.services import create_user, get_patient, register_patient
from acupath.services.patient_actor import PatientActor
from acupath.services.portal import own_record, record_export
from acupath.services.records import Outcome, Patient, PlanRecord

KB = load_knowledge()


def _plan(uow: FakeUnitOfWork, patient: Patient, status: str = "active", document_status: str = "planned",
          plan_id: str = "plan-1") -> PlanRecord:
    document = {"status": document_status, "condition": "chronic_low_back_pain", "components": [],
                "phases": [{"id": "relief", "starts": "2027-01-04", "ends": "2027-01-31", "frequency": "2/week",
                            "sessions": 2}],
                "sessions": [{"number": 1, "date": "2027-01-04", "phase": "relief", "reassess": []},
                             {"number": 2, "date": "2027-01-07", "phase": "relief", "reassess": ["odi"]}],
                "electroacupuncture": None}
    plan = PlanRecord(id=plan_id, clinic_id=patient.clinic_id, patient_id=patient.id, intake_id="i", screening_id="s",
                      status=status, plan=document, knowledge_version=KB.version, created_at=FROZEN_NOW,
                      created_by="lee", updated_at=FROZEN_NOW, updated_by="lee")
    with uow:
        uow.plans.add(plan)
        uow.commit()
    return plan


@pytest.fixture
def other(uow: FakeUnitOfWork, people) -> Patient:
    return register_patient(uow, people.rita, {"given_name": "Ben", "family_name": "Ode", "birth_date": "1970-01-02",
                                               "sex": "male"})


def test_the_plan_is_explained_as_of_today_and_the_read_is_audited(uow: FakeUnitOfWork, patient: Patient) -> None:
    _plan(uow, patient)
    me = PatientActor(patient.id, "harbour", "10.1.1.1")
    mine = own_record.my_plan(uow, me, KB, date(2027, 1, 5))
    assert mine.who.patient.given_name == "Anna" and mine.plain is not None
    assert [s.number for s in mine.plain.upcoming] == [2]
    assert mine.plain.upcoming[0].questionnaires == ("Oswestry Disability Index v2.1a",)
    entry = uow.audit_entries()[-1]
    assert (entry.action, entry.user_id, entry.record_id, entry.outcome) == (
        "portal.plan_read", f"patient:{patient.id}", "plan-1", Outcome.OK)


def test_a_referral_is_not_explained_as_a_course_and_no_plan_is_said(uow: FakeUnitOfWork, patient: Patient) -> None:
    me = PatientActor(patient.id, "harbour")
    assert own_record.my_plan(uow, me, KB, date(2027, 1, 5)).plan is None
    _plan(uow, patient, document_status="referral")
    assert own_record.my_plan(uow, me, KB, date(2027, 1, 5)).referral is True


def test_another_patients_plan_is_never_shown(uow: FakeUnitOfWork, patient: Patient, other: Patient) -> None:
    _plan(uow, other, plan_id="plan-of-ben")
    mine = own_record.my_plan(uow, PatientActor(patient.id, "harbour"), KB, date(2027, 1, 5))
    assert mine.plan is None
    with pytest.raises(NotFound):  # an actor of another clinic never finds the patient
        own_record.my_plan(uow, PatientActor(patient.id, "hill"), KB, date(2027, 1, 5))


def test_the_access_log_names_staff_leaves_out_the_patient_and_other_patients(
        uow: FakeUnitOfWork, people, patient: Patient, other: Patient) -> None:
    user = create_user(uow, people.ada, email="lee@harbour.example", name="Dr Mei Lee", role="clinician",
                       password="correct horse battery", hasher=PlainHasher())
    lee = type(people.dr_lee)(user.id, "harbour", "clinician", "10.0.0.1")
    get_patient(uow, lee, patient.id)
    get_patient(uow, lee, other.id)
    me = PatientActor(patient.id, "harbour")
    own_record.portal_patient(uow, me)
    page = own_record.access_log(uow, me)
    # Newest first; the patient's own portal read is left out, Ben's record is not Anna's log, and the
    # receptionist of the fixtures ("rita") has no user record, so she shows as an unknown user.
    assert [(e.who, e.role, e.action) for e in page.items] == [
        ("Dr Mei Lee", "clinician", "patient.read"), ("Unknown user", "", "patient.register")]
    with pytest.raises(InputError):
        own_record.access_log(uow, me, cursor="bm90LWEtY3Vyc29y")


def test_the_download_holds_only_this_patients_records(uow: FakeUnitOfWork, patient: Patient, other: Patient) -> None:
    _plan(uow, patient)
    _plan(uow, other, plan_id="plan-of-ben")
    record = record_export.export_record(uow, PatientActor(patient.id, "harbour"))
    assert record["format"] == "acupath-patient-record/1"
    assert record["patient"]["id"] == patient.id and "clinic_id" not in record["patient"]
    assert [p["id"] for p in record["plans"]] == ["plan-1"]
    assert record["plans"][0]["created_by"] == "clinic staff"  # "lee" is no user of the fake clinic
    assert uow.audit_entries()[-1].action == "portal.record_export"
