"""What a signed-in patient reads of their own record: who they are and which clinic they are with.

Every function takes the ``PatientActor`` of the portal's sign-in and reads only that patient's
records, by the actor's clinic and patient id: there is no argument through which another patient's
id could arrive. Each read is audited with the patient as the actor (``patient:<id>``).
"""

from __future__ import annotations

from dataclasses import dataclass

from acupath.services.access import found
from acupath.services.audit import audited
from acupath.services.patient_actor import PatientActor
from acupath.services.records import Clinic, Patient
from acupath.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class PortalPatient:
    """The signed-in patient's demographics and their clinic (name, locale), for every portal page."""

    patient: Patient
    clinic: Clinic


def portal_patient(uow: AbstractUnitOfWork, patient: PatientActor) -> PortalPatient:
    """Return the signed-in patient's demographics and clinic.

    Raises ``NotFound`` when the patient or clinic is gone. Audited ``portal.patient_read``.
    """
    with uow, audited(uow, patient, "portal.patient_read", "patient", patient.patient_id, patient.patient_id):
        record = found(uow.patients.get(patient.clinic_id, patient.patient_id), "patient", patient.patient_id)
        clinic = found(uow.clinics.get(patient.clinic_id), "clinic", patient.clinic_id)
        return PortalPatient(patient=record, clinic=clinic)


def clinic_locale(uow: AbstractUnitOfWork, patient: PatientActor) -> str:
    """Return the locale of the patient's clinic (how the portal writes dates). Raises ``NotFound``."""
    with uow:
        return found(uow.clinics.get(patient.clinic_id), "clinic", patient.clinic_id).locale
