"""Fixtures of the service tests: a fake unit of work with two clinics and named personas.

``harbour`` clinic: ``dr_lee`` and ``dr_patel`` (clinicians), ``rita`` (reception), ``ada`` (admin).
``hill`` clinic: ``dr_outsider`` (clinician).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from service_fakes import FROZEN_NOW, FakeUnitOfWork

from acupath.services import Actor, create_plan, record_intake, register_patient
from acupath.services.patient_actor import PatientActor
from acupath.services.records import Clinic, Patient, PlanRecord
from example_records import example_intake


@dataclass(frozen=True)
class Personas:
    """The people of the access tests."""

    dr_lee: Actor
    dr_patel: Actor
    rita: Actor
    ada: Actor
    dr_outsider: Actor


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """A fake unit of work holding the harbour and hill clinics."""
    fake = FakeUnitOfWork()
    with fake:
        fake.clinics.add(Clinic(id="harbour", name="Harbour Clinic", created_at=FROZEN_NOW))
        fake.clinics.add(Clinic(id="hill", name="Hill Clinic", created_at=FROZEN_NOW))
        fake.commit()
    return fake


@pytest.fixture
def people() -> Personas:
    """Two clinicians, a receptionist and an admin of harbour; a clinician of hill."""
    return Personas(
        dr_lee=Actor("lee", "harbour", "clinician", "10.0.0.1"),
        dr_patel=Actor("patel", "harbour", "clinician", "10.0.0.2"),
        rita=Actor("rita", "harbour", "reception", "10.0.0.3"),
        ada=Actor("ada", "harbour", "admin", "10.0.0.4"),
        dr_outsider=Actor("out", "hill", "clinician", "10.9.9.9"),
    )


@pytest.fixture
def patient(uow: FakeUnitOfWork, people: Personas) -> Patient:
    """Anna Smith, a patient of harbour registered by reception."""
    return register_patient(uow, people.rita, {
        "given_name": "Anna", "family_name": "Smith", "birth_date": "1960-03-04", "sex": "female", "mrn": "H-001",
    })


@pytest.fixture
def plan(uow: FakeUnitOfWork, people: Personas, patient: Patient, kb: Any) -> PlanRecord:
    """Anna Smith's chronic low back pain plan, starting 2026-12-01 (the between-visits tests)."""
    intake = record_intake(uow, people.dr_lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    return create_plan(uow, people.dr_lee, intake.id, kb)


@pytest.fixture
def anna(patient: Patient) -> PatientActor:
    """Anna Smith signed in to the portal."""
    return PatientActor(patient_id=patient.id, clinic_id="harbour", remote_address="10.1.1.1")
