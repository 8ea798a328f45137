"""Builders of the EHR resources the CDS Hooks tests send (plain FHIR R4 JSON)."""

from __future__ import annotations

from typing import Any

CPT = "http://www.ama-assn.org/go/cpt"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    """Return a searchset Bundle of ``resources``."""
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def device(text: str, rid: str = "dev-1", **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Device", "id": rid, "type": {"text": text}, **extra}


def condition(text: str | None = None, rid: str = "cond-1", code: tuple[str, str] | None = None,
              clinical: str | None = "active", **extra: Any) -> dict[str, Any]:
    concept: dict[str, Any] = {}
    if text:
        concept["text"] = text
    if code:
        concept["coding"] = [{"system": code[0], "code": code[1]}]
    out: dict[str, Any] = {"resourceType": "Condition", "id": rid, "code": concept, **extra}
    if clinical:
        out["clinicalStatus"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                             "code": clinical}]}
    return out


def medication(text: str, rid: str = "med-1", status: str = "active") -> dict[str, Any]:
    return {"resourceType": "MedicationStatement", "id": rid, "status": status,
            "medicationCodeableConcept": {"text": text}, "subject": {"reference": "Patient/p1"}}


def observation(code: str, value: str, rid: str = "obs-1") -> dict[str, Any]:
    return {"resourceType": "Observation", "id": rid, "status": "final", "code": {"text": code},
            "valueCodeableConcept": {"text": value}}


def order(code: str, system: str = CPT, rid: str | None = "sr-1", text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": system, "code": code}]} if code else {}
    if text:
        concept["text"] = text
    out: dict[str, Any] = {"resourceType": "ServiceRequest", "status": "draft", "intent": "order", "code": concept,
                           "subject": {"reference": "Patient/p1"}}
    if rid:
        out["id"] = rid
    return out


def patient(birth: str = "1961-05-04", gender: str = "female", **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", "gender": gender, "birthDate": birth, **extra}


def prefetch(*, devices: tuple[dict[str, Any], ...] = (), conditions: tuple[dict[str, Any], ...] = (),
             medications: tuple[dict[str, Any], ...] = (), observations: tuple[dict[str, Any], ...] = (),
             person: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a complete prefetch (every key of the services' templates)."""
    return {"patient": person or patient(), "devices": bundle(*devices), "conditions": bundle(*conditions),
            "medications": bundle(*medications), "observations": bundle(*observations)}


def hook_request(hook: str, *, orders: tuple[dict[str, Any], ...] = (), prefetch: dict[str, Any] | None = None,
                 instance: str = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea") -> dict[str, Any]:
    """Return a CDS Hooks request body for ``hook`` (order-sign: ``orders`` as draftOrders)."""
    context: dict[str, Any] = {"userId": "Practitioner/example", "patientId": "p1"}
    if hook == "order-sign":
        context["draftOrders"] = bundle(*orders)
    body: dict[str, Any] = {"hook": hook, "hookInstance": instance, "context": context}
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body
