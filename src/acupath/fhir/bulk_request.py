"""The parameters of a Bulk Data ``$export`` kick-off (Bulk Data Access IG 2.0, "Query Parameters"), checked.

``_outputFormat``: the IG's three spellings of NDJSON (servers SHALL accept them); ``_type``: a
comma-separated list of the types acupath exports (``BULK_TYPES``); ``_since``: a FHIR instant, with
its time zone. A bad value is ``InputError`` naming the parameter and what is allowed (the API answers
400 with an OperationOutcome, the command line exits 2).
"""

from __future__ import annotations

import re
from datetime import datetime

from acupath.errors import InputError
from acupath.fhir.chart import PATIENT_TYPES

#: The resource types a bulk export writes, in this order: the patient record without AuditEvent (the audit
#: log is the administrator's and has its own audited export, ``GET /audit/export``).
BULK_TYPES = tuple(t for t in PATIENT_TYPES if t != "AuditEvent")
#: The staff and clinic, written once per export (no record of theirs has a time of change).
STAFF_TYPES = ("Organization", "Practitioner", "PractitionerRole")
#: ``_outputFormat`` values meaning NDJSON (the IG: application/fhir+ndjson, application/ndjson, ndjson).
OUTPUT_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
#: The kick-off's parameters (anything else is refused unless the client asked ``handling=lenient``).
PARAMETERS = ("_outputFormat", "_type", "_since")
# FHIR instant (R4 datatypes): a date, a time to the second at least, and a zone.
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def output_format(value: str | None) -> str:
    """Return the ``_outputFormat`` (default ``application/fhir+ndjson``). Raises ``InputError`` for another."""
    if value is None or value.strip() in OUTPUT_FORMATS:
        return "application/fhir+ndjson"
    raise InputError("_outputFormat", f"{value[:60]!r} is not a format acupath writes", ", ".join(OUTPUT_FORMATS))


def resource_types(value: str | None) -> list[str]:
    """Return the ``_type`` list in ``BULK_TYPES`` order (every type when None).

    Raises ``InputError`` naming ``_type`` for an empty or unknown type.
    """
    if value is None:
        return list(BULK_TYPES)
    asked = [part.strip() for part in value.split(",")]
    unknown = [part for part in asked if part not in BULK_TYPES]
    if unknown or not asked:
        problem = (f"{unknown[0][:40]!r} is not a type acupath exports" if unknown and unknown[0]
                   else "names an empty type")
        if unknown and unknown[0] == "AuditEvent":
            problem += " in bulk (the audit log has its own export: GET /audit/export)"
        raise InputError("_type", problem, ", ".join(BULK_TYPES))
    return [t for t in BULK_TYPES if t in asked]


def since(value: str | None) -> datetime | None:
    """Return the ``_since`` instant, or None. Raises ``InputError`` unless it is a FHIR instant with a zone."""
    if value is None:
        return None
    text = value.strip()
    try:
        if not _INSTANT.match(text):
            raise ValueError(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError("_since", f"{value[:40]!r} is not a FHIR instant",
                         "a time with its zone, e.g. 2026-12-01T00:00:00Z") from None
