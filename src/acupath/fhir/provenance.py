"""Provenance: one per amendment of a session, an adverse event or a reassessment.

The amendment replaced version ``v`` of the record with ``v + 1``: the Provenance targets the record's
resources as they are now, names the author, the time and the written reason, and keeps the earlier
version as a ``revision`` entity.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.provenance import Provenance

from acupath.fhir.canonical import fhir_id, reference
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import PROVENANCE_PARTICIPANT, V3_DATA_OPERATION
from acupath.services.records import Amendment


def provenance_id(record_type: str, record_id: str, version: int) -> str:
    """Return the id of the Provenance of the amendment of ``version`` of a record."""
    return fhir_id(f"{record_type}-{record_id}-v{version}")


@maps_to(Provenance)
def provenance(amendment: Amendment, targets: list[tuple[str, str]]) -> dict[str, Any]:
    """Return the Provenance of ``amendment``; ``targets`` are the (type, id) of the record's resources."""
    return {
        "resourceType": "Provenance",
        "id": provenance_id(amendment.record_type, amendment.record_id, amendment.version),
        "target": [reference(kind, rid) for kind, rid in targets],
        "recorded": instant(amendment.amended_at),
        "reason": [{"text": amendment.reason}],
        "activity": {"coding": [{"system": V3_DATA_OPERATION, "code": "UPDATE", "display": "revise"}],
                     "text": "amended"},
        "agent": [{"type": {"coding": [{"system": PROVENANCE_PARTICIPANT, "code": "author"}]},
                   "who": reference("Practitioner", amendment.amended_by)}],
        "entity": [{"role": "revision",
                    "what": {"display": f"{amendment.record_type} {amendment.record_id} version {amendment.version}"}}],
    }
