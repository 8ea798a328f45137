"""Use case: import a patient and their intake from another system (a FHIR transaction Bundle, read by
``acupath.fhir.imports``) in one transaction.

The work is that of a clinician registering the patient (``patients.add_patient``), recording the
intake (``intakes.add_intake``: the same validation and scorer) and screening it
(``intakes.add_screening``), done in one unit of work so that nothing is half-written: a refusal of
any part leaves nothing stored. The audit log holds an entry ``fhir.import`` and, in the same
transaction, the entries those three use cases leave (``patient.register`` when the patient is new,
``intake.record``, ``screening.create``).

Duplicates. The MRN is how a second import of a patient is recognised (the clinic's MRNs are unique):

- a patient with the MRN already in the clinic and no ``match_existing`` (FHIR ``ifNoneExist``):
  ``Conflict``, nothing written: no second patient is ever created silently;
- with ``match_existing``: the intake is recorded for that patient (refused when the birth date or sex
  sent differ from that patient's: a mistyped MRN must not put an intake in another person's chart);
  if that patient already has an intake with exactly the same answers (a Bundle sent twice), nothing
  new is written and the stored intake is returned (``repeated``).

Errors name the part they come from: ``demographics.<field>`` (the patient's details) or
``intake.<field>`` (the intake document), so that the caller can point at the element it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from acupath.assessment.intake import parse_intake
from acupath.errors import Conflict, InputError
from acupath.knowledge import KnowledgeBase
from acupath.services.access import require_clinical
from acupath.services.actor import Actor
from acupath.services.audit import audited
from acupath.services.intakes import add_intake, add_screening, intake_for_patient
from acupath.services.patients import add_patient
from acupath.services.records import AuditEntry, IntakeRecord, Outcome, Patient, ScreeningRecord
from acupath.services.records.listings import NameSearch
from acupath.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class ImportedIntake:
    """What an import stored (or found already stored, ``repeated``)."""

    patient: Patient
    created_patient: bool
    intake: IntakeRecord
    screening: ScreeningRecord
    repeated: bool = False


def _prefixed(part: str, error: InputError) -> InputError:
    return InputError(f"{part}.{error.field}", error.problem, error.allowed)


def _patient_with_mrn(uow: AbstractUnitOfWork, clinic_id: str, mrn: str) -> Patient | None:
    # An MRN typed whole finds its patient alone (NameSearch); the names are not searched then.
    found = uow.patients.search(clinic_id, NameSearch.of(mrn), None, 2)
    return next((patient for patient in found if patient.mrn == mrn.strip()), None)


def _stored_repeat(uow: AbstractUnitOfWork, actor: Actor, patient: Patient,
                   answers: dict[str, Any]) -> tuple[IntakeRecord, ScreeningRecord] | None:
    document = parse_intake(intake_for_patient(patient, answers)).model_dump(mode="json", by_alias=True)
    for intake in uow.intakes.list_for_patient(actor.clinic_id, patient.id):
        if intake.answers == document:
            screened = [s for s in uow.screenings.list_for_patient(actor.clinic_id, patient.id) if s.intake_id == intake.id]
            if screened:
                return intake, screened[-1]
    return None


def _same_person(patient: Patient, demographics: dict[str, Any]) -> None:
    # An MRN typed wrong at the other end must not put this intake (its red flags) in another person's chart.
    for name, stored in (("birth_date", patient.birth_date.isoformat()), ("sex", patient.sex)):
        if str(demographics.get(name)) != stored:
            raise InputError(f"demographics.{name}", f"differs from the clinic's patient with this MRN "
                             f"(Patient/{patient.id}): is the MRN right?", f"the {name.replace('_', ' ')} of that patient")


def _entry(uow: AbstractUnitOfWork, actor: Actor, action: str, record_type: str, record_id: str,
           patient_id: str) -> AuditEntry:
    return AuditEntry(at=uow.clock(), clinic_id=actor.clinic_id, actor_clinic_id=actor.clinic_id,
                      user_id=actor.user_id, action=action, record_type=record_type, record_id=record_id,
                      patient_id=patient_id, remote_address=actor.remote_address, outcome=Outcome.OK,
                      detail="fhir.import")


def import_intake(uow: AbstractUnitOfWork, actor: Actor, demographics: dict[str, Any], answers: dict[str, Any],
                  kb: KnowledgeBase, *, match_existing: bool = False, today: date | None = None) -> ImportedIntake:
    """Create (or find, see the module docstring) the patient, record and screen their intake, in one transaction.

    ``demographics`` are ``patients.PatientDetails`` fields with the MRN required; ``answers`` the intake
    document without its ``patient.id``/``birth_date``/``sex`` (taken from the patient). ``today`` (the
    screening's day) defaults to the clock. Returns what was stored. Raises ``PermissionDenied``
    (reception), ``InputError`` naming ``demographics.<field>`` or ``intake.<field>``, ``Conflict`` (the
    MRN is the clinic's patient's and ``match_existing`` is false).
    """
    with uow, audited(uow, actor, "fhir.import", "intake") as note:
        require_clinical(actor)
        mrn = str(demographics.get("mrn") or "")
        if not mrn.strip():
            raise InputError("demographics.mrn", "an imported patient needs the MRN", "the patient's MRN")
        patient = _patient_with_mrn(uow, actor.clinic_id, mrn)
        if patient is not None and not match_existing:
            note.patient_id = patient.id
            raise Conflict(f"the clinic already has a patient with this MRN (Patient/{patient.id}); nothing was "
                           "imported. To add this intake to that patient, send the Patient entry with "
                           "request.ifNoneExist = identifier=<its MRN>")
        if patient is not None:
            _same_person(patient, demographics)
        created = patient is None
        try:
            patient = patient or add_patient(uow, actor, demographics)
        except InputError as error:
            raise _prefixed("demographics", error) from None
        note.patient_id = patient.id
        try:
            repeat = None if created else _stored_repeat(uow, actor, patient, answers)
            if repeat is not None:
                note.record_id = repeat[0].id
                note.detail = "the same intake was already stored: nothing written"
                return ImportedIntake(patient, False, *repeat, repeated=True)
            intake = add_intake(uow, actor, patient, answers, kb)
        except InputError as error:
            raise _prefixed("intake", error) from None
        screening = add_screening(uow, actor, intake, kb, today or uow.clock().date())
        note.record_id = intake.id
        note.detail = f"patient {'created' if created else 'matched by MRN'}; screening {screening.status}"
        made = [("intake.record", "intake", intake.id), ("screening.create", "screening", screening.id)]
        if created:
            made.insert(0, ("patient.register", "patient", patient.id))
        for action, record_type, record_id in made:
            uow.audit.add(_entry(uow, actor, action, record_type, record_id, patient.id))
        return ImportedIntake(patient, created, intake, screening)
