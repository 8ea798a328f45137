"""Reads for the FHIR API (``/fhir/R4``): a patient's whole record, the clinic, its staff, its audit log.

Each is one audited read under the rules of the rest of the API: clinic isolation by the repositories
(another clinic's id is ``NotFound``, 404), clinical records for admins and clinicians only (reception:
``PermissionDenied``, 403), the audit log for administrators only. A read of patient data is audited
with the patient's id. ``acupath.fhir`` turns what these return into FHIR resources.
"""

from __future__ import annotations

from dataclasses import dataclass

from acupath.errors import InputError
from acupath.services.access import MissingRecord, found, require_admin, require_clinical
from acupath.services.actor import Actor, Role
from acupath.services.audit import audited
from acupath.services.fhir_export_records import PageRecords
from acupath.services.paging import MAX_PAGE
from acupath.services.records import (
    AuditEntry,
    AuditQuery,
    Clinic,
    Patient,
    User,
)
from acupath.services.unit_of_work import AbstractUnitOfWork

#: The record kinds a FHIR id can name, and the repository that holds each.
_KINDS = {
    "patient": lambda uow: uow.patients.get,
    "intake": lambda uow: uow.intakes.get,
    "reassessment": lambda uow: uow.reassessments.get,
    "screening": lambda uow: uow.screenings.get,
    "plan": lambda uow: uow.plans.get,
    "session": lambda uow: uow.sessions.get,
    "adverse_event": lambda uow: uow.adverse_events.get,
}


@dataclass(kw_only=True)
class PatientChart(PageRecords):
    """Everything acupath holds of one patient, as the actor may see it: their records (``PageRecords``'
    lists, of this one patient) and who and where.

    ``audit`` is the patient's audit entries for an administrator, None for anyone else (the audit log
    is the administrator's); ``staff`` the clinic's users, who appear as authors.
    """

    clinic: Clinic
    patient: Patient
    staff: list[User]
    audit: list[AuditEntry] | None = None


def _chart(uow: AbstractUnitOfWork, actor: Actor, patient: Patient) -> PatientChart:
    clinic_id = actor.clinic_id
    chart = PatientChart(
        clinic=found(uow.clinics.get(clinic_id), "clinic", clinic_id), patient=patient,
        staff=uow.users.list(clinic_id),
        intakes=uow.intakes.list_for_patient(clinic_id, patient.id),
        screenings=uow.screenings.list_for_patient(clinic_id, patient.id),
        plans=uow.plans.list_for_patient(clinic_id, patient.id),
        sessions=uow.sessions.list_for_patient(clinic_id, patient.id),
        adverse_events=uow.adverse_events.list_for_patient(clinic_id, patient.id),
        reassessments=uow.reassessments.list_for_patient(clinic_id, patient.id),
    )
    for kind, records in (("session", chart.sessions), ("adverse_event", chart.adverse_events),
                          ("reassessment", chart.reassessments)):
        for record in records:
            if record.version > 1:
                chart.amendments += uow.amendments.list_for(clinic_id, kind, record.id)
    if actor.role is Role.ADMIN:
        chart.audit = _patient_audit(uow, clinic_id, patient.id)
    return chart


def _patient_audit(uow: AbstractUnitOfWork, clinic_id: str, patient_id: str) -> list[AuditEntry]:
    # Read in pages of the log's own listing (oldest first) until a short page.
    entries: list[AuditEntry] = []
    while True:
        batch = uow.audit.list(clinic_id, patient_id=patient_id, offset=len(entries), limit=500)
        entries += batch
        if len(batch) < 500:
            return entries


def patient_chart(uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, action: str = "fhir.everything") -> PatientChart:
    """Return the clinic's patient's whole record (``Patient/{id}/$everything``, ``?patient=`` searches).

    Audited as ``action`` under the patient. Raises ``PermissionDenied`` (reception), ``NotFound``.
    """
    with uow, audited(uow, actor, action, "patient", patient_id, patient_id):
        require_clinical(actor)
        patient = found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        return _chart(uow, actor, patient)


def chart_of_record(uow: AbstractUnitOfWork, actor: Actor, kinds: tuple[str, ...], record_id: str) -> PatientChart:
    """Return the record of its patient that holds the clinic's record ``record_id`` of one of ``kinds``
    (tried in order: a QuestionnaireResponse id may name an intake or a reassessment).

    Audited as ``fhir.read`` of that record under its patient. Raises ``PermissionDenied`` (reception),
    ``NotFound`` (no such record in the clinic: also another clinic's), ``InputError`` (an unknown kind).
    """
    unknown = [kind for kind in kinds if kind not in _KINDS or kind == "patient"]
    if unknown or not kinds:
        raise InputError("kind", f"unknown record kind {unknown[0] if unknown else ''!r}",
                         sorted(k for k in _KINDS if k != "patient"))
    with uow, audited(uow, actor, "fhir.read", kinds[0], record_id) as note:
        require_clinical(actor)
        for kind in kinds:
            record = _KINDS[kind](uow)(actor.clinic_id, record_id)
            if record is not None:
                note.patient_id = record.patient_id
                patient = found(uow.patients.get(actor.clinic_id, record.patient_id), "patient", record.patient_id)
                return _chart(uow, actor, patient)
        raise MissingRecord(f"no {kinds[0]} {record_id!r} in this clinic", kinds[0], record_id)


def clinic_staff(uow: AbstractUnitOfWork, actor: Actor) -> tuple[Clinic, list[User]]:
    """Return the actor's clinic and its users (Organization, Practitioner, PractitionerRole).

    Every role may read them: they are the authors named on every record. Audited as ``fhir.staff``.
    """
    with uow, audited(uow, actor, "fhir.staff", "clinic", actor.clinic_id):
        clinic = found(uow.clinics.get(actor.clinic_id), "clinic", actor.clinic_id)
        return clinic, uow.users.list(actor.clinic_id)


def audit_entry(uow: AbstractUnitOfWork, actor: Actor, entry_id: str) -> AuditEntry:
    """Return the clinic's audit entry number ``entry_id`` (``AuditEvent/{id}``); administrators only.

    Raises ``PermissionDenied`` (not an administrator), ``NotFound`` (no such entry in the clinic's log).
    """
    with uow, audited(uow, actor, "audit.read", "audit", entry_id) as note:
        require_admin(actor)
        number = int(entry_id) if entry_id.isdigit() and len(entry_id) <= 18 else 0
        rows = uow.audit.export_batch(actor.clinic_id, AuditQuery(), number - 1, number, 1) if number else []
        entry = found(rows[0] if rows else None, "audit entry", entry_id)
        note.patient_id = entry.patient_id
        return entry


def patient_audit(uow: AbstractUnitOfWork, actor: Actor, patient_id: str, *, offset: int = 0,
                  limit: int = 50) -> list[AuditEntry]:
    """Return up to ``limit`` audit entries about the clinic's patient from ``offset``, oldest first
    (``limit`` may be one more than a page, to tell whether a next page exists); administrators only.

    Raises ``PermissionDenied`` (not an administrator), ``NotFound``, ``InputError`` (offset, limit).
    """
    with uow, audited(uow, actor, "audit.search", "patient", patient_id, patient_id):
        require_admin(actor)
        if offset < 0:
            raise InputError("_offset", "must not be negative")
        if not 1 <= limit <= MAX_PAGE + 1:
            raise InputError("_count", f"must be between 1 and {MAX_PAGE}")
        found(uow.patients.get(actor.clinic_id, patient_id), "patient", patient_id)
        return uow.audit.list(actor.clinic_id, patient_id=patient_id, offset=offset, limit=limit)


__all__ = ["PatientChart", "audit_entry", "chart_of_record", "clinic_staff", "patient_audit", "patient_chart"]
