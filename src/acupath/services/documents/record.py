"""The whole record's contents: everything stored about one patient, oldest first in each part.

Demographics, intakes with their scores, screenings with every finding and override, plans (current
version, with their overrides), sessions, adverse events, reassessments, and every amendment of a
session, adverse event or reassessment (what it was before, who changed it and why). Staff are named by
name and role (``staff_names``), never by internal user id, in every document and the portal's JSON.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any

from acupath.knowledge import KnowledgeBase
from acupath.services.documents.records import RecordBody
from acupath.services.records import Patient
from acupath.services.records.amendments import AmendedType
from acupath.services.unit_of_work import AbstractUnitOfWork

#: A user id as acupath makes them (``uuid4().hex``): never shown, whoever it was.
_USER_ID = re.compile(r"^[0-9a-f]{32}$")
#: Fields holding a user id (who recorded, screened, amended, or overrode a finding): shown by name.
AUTHOR_FIELDS = frozenset(("recorded_by", "screened_by", "created_by", "updated_by", "amended_by", "by", "author",
                           "overridden_by"))


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


def staff_names(uow: AbstractUnitOfWork, clinic_id: str, document: Any) -> dict[str, str]:
    """Return "name (role)" of every author ``document`` names (``AUTHOR_FIELDS``, in dataclasses, dicts
    and sequences at any depth), by user id: the clinic's own users only. Raises nothing."""
    ids: set[str] = set()
    written: set[str] = set()

    def collect(value: Any) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        if isinstance(value, dict):
            for key, item in value.items():
                if key in AUTHOR_FIELDS and isinstance(item, str):
                    (written if key == "by" and not _USER_ID.match(item) else ids).add(item)
                else:
                    collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    collect(document)
    names = {"system": "the clinic's administrator (command line)"}
    for user_id in ids - names.keys():
        user = uow.users.get(user_id)
        if user is not None and user.clinic_id == clinic_id:
            names[user_id] = f"{user.name} ({user.role})"
    # An override in an intake file or an API intake names its clinician as typed ("Dr Patel"): shown so.
    names.update({name: name for name in written})
    return names
