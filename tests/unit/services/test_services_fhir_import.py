"""Importing a patient and their intake in one transaction (``services.fhir_import``): the same validation,
scorer and screening as a clinician's intake, all or nothing, duplicates never silent, roles and audit."""

from __future__ import annotations

from typing import Any

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import Conflict, InputError, PermissionDenied
from acupath.services import fhir_import, record_intake
from acupath.services.records import Outcome, Patient
from example_records import example_intake

ANNA = {"given_name": "Anna", "family_name": "Smith", "birth_date": "1960-03-04", "sex": "female", "mrn": "H-001"}
BEN = {"given_name": "Ben", "family_name": "Okafor", "birth_date": "1971-07-09", "sex": "male", "mrn": "HILL-7"}


def _intake(name: str = "chronic_low_back_pain", **changes: Any) -> dict[str, Any]:
    return {**example_intake(name), **changes}


def test_an_import_stores_the_patient_the_scored_intake_and_its_screening(uow: FakeUnitOfWork, people, kb) -> None:
    done = fhir_import.import_intake(uow, people.dr_lee, BEN, _intake(), kb)
    assert done.created_patient and not done.repeated
    [patient] = uow.stored("patients")
    assert (patient.mrn, patient.clinic_id, patient.sex) == ("HILL-7", "harbour", "male")
    [intake] = uow.stored("intakes")
    assert intake.patient_id == patient.id and intake.recorded_by == "lee"
    assert intake.answers["patient"]["birth_date"] == "1971-07-09"
    [screening] = uow.stored("screenings")
    assert screening.intake_id == intake.id and screening.status == done.screening.status


def test_the_scores_are_those_a_clinicians_intake_gets(uow: FakeUnitOfWork, people, kb, patient: Patient) -> None:
    by_hand = record_intake(uow, people.dr_lee, patient.id, _intake(), kb)
    imported = fhir_import.import_intake(uow, people.dr_patel, BEN, _intake(), kb).intake
    assert imported.scores == by_hand.scores and imported.scores["odi"]["total"] is not None


def test_a_refused_intake_leaves_no_patient_behind(uow: FakeUnitOfWork, people, kb) -> None:
    bad = _intake(pain={**example_intake("chronic_low_back_pain")["pain"], "nrs": 11})
    with pytest.raises(InputError) as refused:
        fhir_import.import_intake(uow, people.dr_lee, BEN, bad, kb)
    assert refused.value.field == "intake.pain.nrs"
    assert uow.stored("patients") == [] and uow.stored("intakes") == [] and uow.stored("screenings") == []
    assert uow.audit_entries()[-1].action == "fhir.import" and uow.audit_entries()[-1].outcome is Outcome.INVALID


def test_bad_demographics_are_named_as_demographics(uow: FakeUnitOfWork, people, kb) -> None:
    with pytest.raises(InputError) as refused:
        fhir_import.import_intake(uow, people.dr_lee, {**BEN, "birth_date": "2999-01-01"}, _intake(), kb)
    assert refused.value.field == "demographics.birth_date" and uow.stored("patients") == []


def test_a_patient_whose_mrn_the_clinic_has_is_a_conflict_and_nothing_is_written(
        uow: FakeUnitOfWork, people, kb, patient: Patient) -> None:
    with pytest.raises(Conflict) as refused:
        fhir_import.import_intake(uow, people.dr_lee, ANNA, _intake(), kb)
    assert f"Patient/{patient.id}" in str(refused.value) and "ifNoneExist" in str(refused.value)
    assert len(uow.stored("patients")) == 1 and uow.stored("intakes") == []


def test_matching_by_mrn_records_the_intake_for_the_clinics_patient(uow: FakeUnitOfWork, people, kb, patient) -> None:
    done = fhir_import.import_intake(uow, people.dr_lee, ANNA, _intake(), kb, match_existing=True)
    assert not done.created_patient and done.patient.id == patient.id
    assert [i.patient_id for i in uow.stored("intakes")] == [patient.id] and len(uow.stored("patients")) == 1


def test_the_same_bundle_sent_twice_writes_nothing_the_second_time(uow: FakeUnitOfWork, people, kb) -> None:
    first = fhir_import.import_intake(uow, people.dr_lee, BEN, _intake(), kb, match_existing=True)
    again = fhir_import.import_intake(uow, people.dr_lee, BEN, _intake(), kb, match_existing=True)
    assert again.repeated and again.intake.id == first.intake.id and again.screening.id == first.screening.id
    assert len(uow.stored("intakes")) == 1 and len(uow.stored("screenings")) == 1
    changed = fhir_import.import_intake(uow, people.dr_lee, BEN, _intake("chronic_low_back_pain_self_pay"), kb,
                                        match_existing=True)
    assert not changed.repeated and len(uow.stored("intakes")) == 2


def test_reception_may_not_import(uow: FakeUnitOfWork, people, kb) -> None:
    with pytest.raises(PermissionDenied):
        fhir_import.import_intake(uow, people.rita, BEN, _intake(), kb)
    assert uow.stored("patients") == [] and uow.audit_entries()[-1].outcome is Outcome.DENIED


def test_an_import_leaves_the_entries_of_registration_intake_and_screening(uow: FakeUnitOfWork, people, kb) -> None:
    done = fhir_import.import_intake(uow, people.dr_lee, BEN, _intake(), kb)
    entries = [(e.action, e.record_id, e.patient_id, e.outcome) for e in uow.audit_entries()]
    assert entries == [("patient.register", done.patient.id, done.patient.id, Outcome.OK),
                       ("intake.record", done.intake.id, done.patient.id, Outcome.OK),
                       ("screening.create", done.screening.id, done.patient.id, Outcome.OK),
                       ("fhir.import", done.intake.id, done.patient.id, Outcome.OK)]


def test_an_intake_with_closures_is_stored_so_that_it_can_be_screened_and_planned(
        uow: FakeUnitOfWork, people, kb, patient: Patient) -> None:
    from acupath.services import create_plan, screen_intake

    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("migraine_holidays"), kb)
    assert intake.answers["schedule"]["closures"][0]["from"] == "2026-12-24"
    assert screen_intake(uow, people.dr_lee, intake.id, kb).status
    assert create_plan(uow, people.dr_lee, intake.id, kb).id


def test_a_match_by_mrn_with_another_birth_date_is_refused(uow: FakeUnitOfWork, people, kb, patient) -> None:
    with pytest.raises(InputError) as refused:
        fhir_import.import_intake(uow, people.dr_lee, {**ANNA, "birth_date": "1961-03-04"}, _intake(), kb,
                                  match_existing=True)
    assert refused.value.field == "demographics.birth_date" and f"Patient/{patient.id}" in refused.value.problem
    assert uow.stored("intakes") == []
