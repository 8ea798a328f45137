"""The patient's right to their data: their whole record as one JSON document, from the portal.

``export_record`` gathers every record the clinic holds about the signed-in patient: demographics,
intakes with their scores, screenings with their findings (overrides included, with who, when and
why), plans (every override), sessions, adverse events, reassessments, and every amendment with the
record as it was before. Staff are named by name and role, never by internal user id. The document is
returned as JSON-ready values; the page sends it as a file. Audited ``portal.record_export``.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any

from acupath.services.access import found
from acupath.services.audit import audited
from acupath.services.documents.record import whole_record
from acupath.services.documents.records import UNKNOWN_STAFF
from acupath.services.patient_actor import PatientActor
from acupath.services.staff_names import AUTHOR_FIELDS, staff_names
from acupath.services.unit_of_work import AbstractUnitOfWork

#: The version of the document's layout (a reader can tell what to expect).
FORMAT = "acupath-patient-record/1"
#: Internal fields a patient's copy leaves out (they are the clinic's, not the patient's data).
_INTERNAL = frozenset(("clinic_id", "patient_id"))


def _plain(value: Any, authors: dict[str, str]) -> Any:
    """Return ``value`` as JSON values: dates as ISO text, enums as their value, authors by name."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: (authors.get(item, UNKNOWN_STAFF) if key in AUTHOR_FIELDS and isinstance(item, str)
                      else _plain(item, authors))
                for key, item in value.items() if key not in _INTERNAL}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item, authors) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def export_record(uow: AbstractUnitOfWork, patient: PatientActor) -> dict[str, Any]:
    """Return the signed-in patient's whole record as JSON-ready values (see the module docstring).

    Raises ``NotFound`` when the patient is gone. Audited ``portal.record_export``.
    """
    with uow, audited(uow, patient, "portal.record_export", "patient", patient.patient_id,
                      patient.patient_id) as note:
        clinic_id, patient_id = patient.clinic_id, patient.patient_id
        record = found(uow.patients.get(clinic_id, patient_id), "patient", patient_id)
        clinic = found(uow.clinics.get(clinic_id), "clinic", clinic_id)
        body = whole_record(uow, clinic_id, patient_id)
        document: dict[str, Any] = {"patient": record, **{f.name: getattr(body, f.name)
                                                          for f in dataclasses.fields(body)}}
        authors = staff_names(uow, clinic_id, document)
        note.detail = ", ".join(f"{key}: {len(value)}" for key, value in document.items() if isinstance(value, tuple))
        return {"format": FORMAT, "clinic": clinic.name, "exported_at": uow.clock().isoformat(),
                **_plain(document, authors)}

