"""Registering, updating, finding and listing patients: demographics, versions, paging, audit."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import Conflict, InputError, NotFound
from acupath.services import get_patient, list_patients, register_patient, update_patient
from acupath.services.records import Outcome, Patient
from acupath.services.records.listings import Total


def test_registering_a_patient_stores_demographics_in_the_actors_clinic(uow: FakeUnitOfWork, patient: Patient) -> None:
    [stored] = uow.stored("patients")
    assert stored.clinic_id == "harbour"
    assert (stored.given_name, stored.family_name, stored.version) == ("Anna", "Smith", 1)


def test_a_bad_birth_date_is_refused_naming_the_field(uow: FakeUnitOfWork, people) -> None:
    with pytest.raises(InputError) as error:
        register_patient(uow, people.rita, {"given_name": "A", "family_name": "B", "birth_date": "soon",
                                            "sex": "female"})
    assert error.value.field == "birth_date"
    assert uow.stored("patients") == []
    assert uow.audit_entries()[-1].outcome is Outcome.INVALID


def test_a_too_long_phone_is_counted_in_characters(uow: FakeUnitOfWork, people, patient: Patient) -> None:
    # One-line text has a validator of its own, and pydantic then said "at most 40 items after validation".
    with pytest.raises(InputError) as error:
        update_patient(uow, people.rita, patient.id, {"phone": "5" * 60}, expected_version=1)
    assert (error.value.field, error.value.problem) == ("phone", "String should have at most 40 characters")


def test_a_change_of_birth_date_into_the_future_is_refused_as_at_registration(uow: FakeUnitOfWork, people,
                                                                              patient: Patient) -> None:
    with pytest.raises(InputError) as error:
        update_patient(uow, people.rita, patient.id, {"birth_date": "2190-01-01"}, expected_version=1)
    assert (error.value.field, error.value.problem) == ("birth_date", "must not be in the future")
    assert uow.stored("patients")[0].birth_date.isoformat() == "1960-03-04"


@pytest.mark.parametrize("phone", ["+64 21 555 1001", "(03) 555-0100 ext. 2", "021 555", "0400 000 000 X12"])
def test_a_phone_is_written_in_digits_with_the_marks_numbers_use(uow: FakeUnitOfWork, people, patient: Patient,
                                                                phone: str) -> None:
    assert update_patient(uow, people.rita, patient.id, {"phone": phone}, expected_version=1).phone == phone


@pytest.mark.parametrize("phone", ["call me maybe", "abc", "---", "+64 21 five"])
def test_a_phone_without_its_number_is_refused_naming_the_field(uow: FakeUnitOfWork, people, patient: Patient,
                                                                phone: str) -> None:
    # "call me maybe" was stored and printed on the patient's documents.
    with pytest.raises(InputError) as error:
        update_patient(uow, people.rita, patient.id, {"phone": phone}, expected_version=1)
    assert error.value.field == "phone" and uow.stored("patients")[0].phone is None


def test_a_duplicate_mrn_in_the_same_clinic_is_a_conflict(uow: FakeUnitOfWork, people, patient: Patient) -> None:
    with pytest.raises(Conflict):
        register_patient(uow, people.dr_lee, {"given_name": "B", "family_name": "C", "birth_date": "1970-01-01",
                                              "sex": "male", "mrn": "H-001"})
    assert len(uow.stored("patients")) == 1


def test_an_update_with_the_current_version_raises_the_version(uow: FakeUnitOfWork, people, patient: Patient) -> None:
    updated = update_patient(uow, people.rita, patient.id, {"phone": "555-0101"}, expected_version=1)
    assert updated.version == 2
    assert uow.stored("patients")[0].phone == "555-0101"


def test_a_stale_update_gets_conflict_and_loses_nothing(uow: FakeUnitOfWork, people, patient: Patient) -> None:
    update_patient(uow, people.rita, patient.id, {"phone": "555-0101"}, expected_version=1)
    with pytest.raises(Conflict):
        update_patient(uow, people.dr_lee, patient.id, {"phone": "555-9999"}, expected_version=1)
    [stored] = uow.stored("patients")
    assert (stored.phone, stored.version) == ("555-0101", 2)
    assert uow.audit_entries()[-1].outcome is Outcome.CONFLICT


def test_another_clinics_patient_is_not_found_rather_than_forbidden(uow: FakeUnitOfWork, people, patient) -> None:
    with pytest.raises(NotFound):
        get_patient(uow, people.dr_outsider, patient.id)
    entry = uow.audit_entries()[-2]  # the last one is the probe, in the patient's clinic's log
    assert (entry.user_id, entry.outcome, entry.clinic_id) == ("out", Outcome.NOT_FOUND, "hill")


def test_listing_searches_by_name_words_and_pages(uow: FakeUnitOfWork, people, patient: Patient) -> None:
    for given, family in [("Ben", "Adams"), ("Cara", "Smithson"), ("Dan", "Young")]:
        register_patient(uow, people.rita, {"given_name": given, "family_name": family,
                                            "birth_date": "1980-01-01", "sex": "male"})
    page = list_patients(uow, people.rita, search="smith", limit=1, total=True)
    assert (page.total, [p.family_name for p in page.items]) == (Total(2, "eq"), ["Smith"])
    following = list_patients(uow, people.rita, search="smith", limit=1, cursor=page.next_cursor)
    assert ([p.family_name for p in following.items], following.next_cursor) == (["Smithson"], None)
    assert [p.family_name for p in list_patients(uow, people.rita, search="anna smi").items] == ["Smith"]
    assert list_patients(uow, people.dr_outsider).items == []


def test_a_page_limit_outside_the_allowed_range_is_refused(uow: FakeUnitOfWork, people) -> None:
    with pytest.raises(InputError) as error:
        list_patients(uow, people.rita, limit=0)
    assert error.value.field == "limit"
