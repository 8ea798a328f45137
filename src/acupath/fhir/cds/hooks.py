"""The CDS Hooks 2.0 services acupath offers, their prefetch templates, and the shape of a request.

Discovery (``GET {base}/cds-services``) lists ``patient-view`` and ``order-sign``; a hook call is a
``HookRequest`` (``hook``, ``hookInstance``, ``fhirServer``, ``fhirAuthorization``, ``context``,
``prefetch``: shared/reference/landscape.md §3.16 and the CDS Hooks 2.0 specification, "Calling a CDS
Service"); feedback (``POST .../feedback``) is a list of ``Feedback``. acupath never calls the EHR's FHIR
server (no outside network where it runs): it answers from what the request holds and says what was
missing.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from acupath.errors import InputError
from acupath.validation import input_error

#: Prefetch templates (CDS Hooks "Prefetch Template"): the patient and the record screening reads. Only
#: the active medications and the newest 100 Observations (a pregnancy status is read from its value; no
#: code for it is cited, so none can be asked for): a prefetch comes in one request, within the body limit
#: (``ACUPATH_MAX_BODY_BYTES``, 1 MiB by default), and a long record's every Observation would not fit.
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "medications": "MedicationStatement?patient={{context.patientId}}&status=active",
    "observations": "Observation?patient={{context.patientId}}&_sort=-date&_count=100",
    "devices": "Device?patient={{context.patientId}}",
}

SERVICES: dict[str, dict[str, Any]] = {
    "patient-view": {
        "hook": "patient-view",
        "id": "patient-view",
        "title": "acupath acupuncture safety and progress",
        "description": (
            "Red flags and acupuncture contraindications screened from the patient's Conditions, "
            "MedicationStatements, Observations and Devices with acupath's safety rules; for a patient "
            "treated at the acupath clinic (matched by acupath's MRN identifier), also overdue "
            "reassessments and non-responder alerts."),
        "prefetch": PREFETCH,
    },
    "order-sign": {
        "hook": "order-sign",
        "id": "order-sign",
        "title": "acupath acupuncture order check",
        "description": (
            "Checks a ServiceRequest for acupuncture or electroacupuncture (CPT 97810-97814, SNOMED CT "
            "acupuncture procedures) against the patient's screening: an implanted electronic device with "
            "electroacupuncture is critical, with a suggestion to order manual acupuncture instead."),
        "prefetch": PREFETCH,
    },
}


def discovery() -> dict[str, Any]:
    """Return the discovery document: ``{"services": [...]}``."""
    return {"services": list(SERVICES.values())}


class HookRequest(BaseModel):
    """A CDS Hooks call, as the CDS Client POSTs it (``extension`` and unknown fields are kept, unread)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    hook: str = Field(min_length=1, max_length=100)
    hookInstance: str = Field(min_length=1, max_length=100)
    fhirServer: str | None = Field(default=None, max_length=2000)
    fhirAuthorization: dict[str, Any] | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _server_with_authorization(self) -> HookRequest:
        if self.fhirAuthorization is not None and not self.fhirServer:
            raise ValueError("fhirServer is required when fhirAuthorization is given")
        return self


def parse_hook_request(service_id: str, body: object) -> HookRequest:
    """Return ``body`` as the ``HookRequest`` of the service ``service_id``.

    Raises ``InputError`` naming the field: the request's shape, a ``hook`` other than the service's,
    ``context.patientId`` missing, or (order-sign) ``context.draftOrders`` that is not a Bundle.
    """
    if not isinstance(body, dict):
        raise InputError("body", "must be a JSON object", "hook, hookInstance, context, prefetch")
    try:
        request = HookRequest.model_validate(body)
    except ValidationError as exc:
        raise input_error(exc, default_field="body") from None
    if request.hook != SERVICES[service_id]["hook"]:
        raise InputError("hook", f"{request.hook[:40]!r} is not this service's hook", SERVICES[service_id]["hook"])
    if not isinstance(request.context.get("patientId"), str) or not request.context["patientId"]:
        raise InputError("context.patientId", "is required", "the FHIR Patient.id in context")
    if service_id == "order-sign":
        orders = request.context.get("draftOrders")
        if not isinstance(orders, dict) or orders.get("resourceType") != "Bundle":
            raise InputError("context.draftOrders", "must be a FHIR Bundle of the orders being signed", "Bundle")
    return request


class AcceptedSuggestion(BaseModel):
    """A suggestion the user accepted: its ``uuid``."""

    model_config = ConfigDict(extra="allow", frozen=True)
    id: str = Field(min_length=1, max_length=100)


class OverrideReason(BaseModel):
    """Why the user overrode a card: a Coding (``system``, ``code``) and a comment."""

    model_config = ConfigDict(extra="allow", frozen=True)
    reason: dict[str, Any] | None = None
    userComment: str | None = Field(default=None, max_length=2000)


class Feedback(BaseModel):
    """One card's outcome (CDS Hooks "Feedback")."""

    model_config = ConfigDict(extra="allow", frozen=True)
    card: str = Field(min_length=1, max_length=100)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: tuple[AcceptedSuggestion, ...] = ()
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str = Field(min_length=1, max_length=40)

    @model_validator(mode="after")
    def _accepted_names_suggestions(self) -> Feedback:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("acceptedSuggestions is required when outcome is accepted")
        return self


class FeedbackRequest(BaseModel):
    """The feedback POST: ``{"feedback": [...]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    feedback: tuple[Feedback, ...] = Field(min_length=1, max_length=100)


def parse_feedback(body: object) -> FeedbackRequest:
    """Return ``body`` as a ``FeedbackRequest``. Raises ``InputError`` naming the field."""
    try:
        return FeedbackRequest.model_validate(body)
    except ValidationError as exc:
        raise input_error(exc, default_field="feedback") from None
