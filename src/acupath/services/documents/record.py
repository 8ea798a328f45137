"""The whole record's contents: everything stored about one patient, oldest first in each part.

Demographics, intakes with their scores, screenings with every finding and override, plans (current
version, with their overrides), sessions, adverse events, reassessments, and every amendment of a
session, adverse event or reassessment (what it was before, who changed it and why). Staff are named by
name and role (``services.staff_names``), never by internal user id, in every document and the JSON.
"""

from __future__ import annotations

from datetime import date

from acupath.knowledge import KnowledgeBase
from acupath.services.documents.records import RecordBody
from acupath.services.records import Patient
from acupath.services.records.amendments import AmendedType
from acupath.services.unit_of_work import AbstractUnitOfWork


def record_body(uow: AbstractUnitOfWork, clinic_id: str, patient: Patient, kb: KnowledgeBase,
                today: date) -> RecordBody:
    """Return the patient's whole record for the ``record`` document (``whole_record``). Raises nothing."""
    return whole_record(uow, clinic_id, patient.id)


def whole_record(uow: AbstractUnitOfWork, clinic_id: str, patient_id: str) -> RecordBody:
    """Return everything stored about the patient ``patient_id`` of ``clinic_id``, oldest first in each part;
    amendments by when they were made (a patient with nothing recorded yet has empty parts). Raises nothing.

    The one gathering of the whole record: the PDF (``record`` document) and the portal's JSON export
    (``services.portal.record_export``) both read it here.
    """
    sessions = uow.sessions.list_for_patient(clinic_id, patient_id)
    events = uow.adverse_events.list_for_patient(clinic_id, patient_id)
    reassessments = uow.reassessments.list_for_patient(clinic_id, patient_id)
    amendments = []
    for kind, records in ((AmendedType.SESSION, sessions), (AmendedType.ADVERSE_EVENT, events),
                          (AmendedType.REASSESSMENT, reassessments)):
        for record in records:
            if record.version > 1:  # only an amended record has earlier versions
                amendments.extend(uow.amendments.list_for(clinic_id, kind.value, record.id))
    return RecordBody(
        intakes=tuple(uow.intakes.list_for_patient(clinic_id, patient_id)),
        screenings=tuple(uow.screenings.list_for_patient(clinic_id, patient_id)),
        plans=tuple(uow.plans.list_for_patient(clinic_id, patient_id)),
        sessions=tuple(sessions), adverse_events=tuple(events), reassessments=tuple(reassessments),
        amendments=tuple(sorted(amendments, key=lambda a: a.amended_at)))

