"""Transaction Bundles for the FHIR import tests, made from what the FHIR API exports of one patient.

``transaction_of`` takes a patient's exported resources (JSON) and keeps what an import takes: the
Patient, the Conditions of one intake and that intake's QuestionnaireResponses (its own and the
instruments'), each POSTed under a fresh ``urn:uuid`` with the ids dropped, the references to the
Patient rewritten to its ``fullUrl``, as another system would send them.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any


def transaction_of(resources: list[dict[str, Any]], intake_id: str, *, identifier: str | None = None) -> dict[str, Any]:
    """Return the transaction Bundle of the patient in ``resources`` and the intake ``intake_id``.

    ``identifier`` replaces the Patient's identifiers by one MRN (another clinic's numbering).
    """
    patient = copy.deepcopy(next(r for r in resources if r["resourceType"] == "Patient"))
    patient_url = f"urn:uuid:{uuid.uuid4()}"
    old_reference = f"Patient/{patient.pop('id')}"
    for key in ("meta", "managingOrganization"):
        patient.pop(key, None)
    if identifier is not None:
        patient["identifier"] = [{"system": "urn:example:other-clinic/mrn", "value": identifier}]
    kept = [copy.deepcopy(r) for r in resources
            if (r["resourceType"] == "Condition" and r["id"].startswith(intake_id))
            or (r["resourceType"] == "QuestionnaireResponse" and r["id"].startswith(f"{intake_id}-"))]
    entries = [{"fullUrl": patient_url, "resource": patient, "request": {"method": "POST", "url": "Patient"}}]
    for resource in kept:
        for key in ("id", "evidence", "recorder", "author", "source"):
            resource.pop(key, None)
        if resource.get("subject", {}).get("reference") == old_reference:
            resource["subject"] = {"reference": patient_url}
        entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": resource,
                        "request": {"method": "POST", "url": resource["resourceType"]}})
    return {"resourceType": "Bundle", "type": "transaction",
            "identifier": {"system": "urn:example:other-clinic/bundles", "value": str(uuid.uuid4())},
            "entry": entries}
