"""The FHIR API's reads: a patient's whole record under the API's rules (clinic, role, audit)."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import NotFound, PermissionDenied
from acupath.services import fhir_reads, record_intake
from acupath.services.records import Outcome
from example_records import example_intake


def _entries(uow: FakeUnitOfWork, action: str) -> list:
    with uow:
        return [e for e in uow.working.audit if e.action == action]


def test_a_clinician_gets_the_whole_record_without_the_audit_log(uow, people, patient, kb) -> None:
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    chart = fhir_reads.patient_chart(uow, people.dr_patel, patient.id)
    assert [i.id for i in chart.intakes] == [intake.id] and chart.audit is None
    [entry] = _entries(uow, "fhir.everything")
    assert (entry.user_id, entry.patient_id, entry.outcome) == ("patel", patient.id, Outcome.OK)


def test_the_administrator_also_gets_the_patients_audit_entries(uow, people, patient) -> None:
    chart = fhir_reads.patient_chart(uow, people.ada, patient.id)
    assert chart.audit and all(e.patient_id == patient.id for e in chart.audit)


def test_reception_is_refused_and_the_refusal_audited(uow, people, patient) -> None:
    with pytest.raises(PermissionDenied):
        fhir_reads.patient_chart(uow, people.rita, patient.id)
    assert [e.outcome for e in _entries(uow, "fhir.everything")] == [Outcome.DENIED]


def test_another_clinics_patient_and_record_are_not_found(uow, people, patient, kb) -> None:
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    with pytest.raises(NotFound):
        fhir_reads.patient_chart(uow, people.dr_outsider, patient.id)
    with pytest.raises(NotFound):
        fhir_reads.chart_of_record(uow, people.dr_outsider, ("intake", "reassessment"), intake.id)
    assert fhir_reads.chart_of_record(uow, people.dr_lee, ("reassessment", "intake"), intake.id).patient.id == patient.id


def test_audit_entries_are_the_administrators(uow, people, patient) -> None:
    with pytest.raises(PermissionDenied):
        fhir_reads.patient_audit(uow, people.dr_lee, patient.id)
    entries = fhir_reads.patient_audit(uow, people.ada, patient.id, limit=1)
    assert len(entries) == 1
    assert fhir_reads.audit_entry(uow, people.ada, str(entries[0].id)).id == entries[0].id
    with pytest.raises(NotFound):
        fhir_reads.audit_entry(uow, people.ada, "not-a-number")
