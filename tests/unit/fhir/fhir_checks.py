"""The R4 value sets our tests check codes against (fhir.resources checks structure, not bindings),
and helpers that walk resources' JSON.

Each set is the R4 (4.0.1) value set bound with ``required`` strength to that element, as published at
hl7.org/fhir/R4/<resource>.html and its value-set pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: The reason the demo's clinician gave for overriding the malignancy red flag (conftest.py).
OVERRIDE_REASON = "MRI and oncology review clear (letter 2026-11-20)"

REQUIRED = {
    ("Observation", "status"): {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                                "entered-in-error", "unknown"},
    ("QuestionnaireResponse", "status"): {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
    ("Questionnaire", "status"): {"draft", "active", "retired", "unknown"},
    ("PlanDefinition", "status"): {"draft", "active", "retired", "unknown"},
    ("CodeSystem", "status"): {"draft", "active", "retired", "unknown"},
    ("CodeSystem", "content"): {"not-present", "example", "fragment", "complete", "supplement"},
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("Procedure", "status"): {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
                              "entered-in-error", "unknown"},
    ("DetectedIssue", "status"): {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                                  "entered-in-error", "unknown"},
    ("DetectedIssue", "severity"): {"high", "moderate", "low"},
    ("AdverseEvent", "actuality"): {"actual", "potential"},
    ("AuditEvent", "action"): {"C", "R", "U", "D", "E"},
    ("AuditEvent", "outcome"): {"0", "4", "8", "12"},
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
}
CARE_PLAN_ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled",
                             "stopped", "unknown", "entered-in-error"}
QUESTIONNAIRE_ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
                            "string", "text", "url", "choice", "open-choice", "attachment", "reference", "quantity"}
#: Required or extensible bindings whose codes come from one HL7 code system: (system, allowed codes).
CODED = {
    "http://terminology.hl7.org/CodeSystem/condition-clinical": {"active", "recurrence", "relapse", "inactive",
                                                                  "remission", "resolved"},
    "http://terminology.hl7.org/CodeSystem/condition-ver-status": {"unconfirmed", "provisional", "differential",
                                                                    "confirmed", "refuted", "entered-in-error"},
    "http://terminology.hl7.org/CodeSystem/condition-category": {"problem-list-item", "encounter-diagnosis"},
    "http://terminology.hl7.org/CodeSystem/adverse-event-severity": {"mild", "moderate", "severe"},
    "http://terminology.hl7.org/CodeSystem/adverse-event-outcome": {"resolved", "recovering", "ongoing",
                                                                     "resolvedWithSequelae", "fatal", "unknown"},
    "http://terminology.hl7.org/CodeSystem/observation-category": {"social-history", "vital-signs", "imaging",
                                                                    "laboratory", "procedure", "survey", "exam",
                                                                    "therapy", "activity"},
    "http://hl7.org/fhir/restful-interaction": {"read", "vread", "update", "patch", "delete", "history",
                                                "history-instance", "history-type", "history-system", "create",
                                                "search", "search-type", "search-system", "capabilities",
                                                "transaction", "batch", "operation"},
    "http://terminology.hl7.org/CodeSystem/audit-event-type": {"rest", "access", "activity", "object",
                                                               "network", "security", "user"},
    "http://terminology.hl7.org/CodeSystem/audit-entity-type": {"1", "2", "3", "4"},
    "http://terminology.hl7.org/CodeSystem/object-role": {str(n) for n in range(1, 25)},
    "http://terminology.hl7.org/CodeSystem/data-absent-reason": {"unknown", "asked-unknown", "temp-unknown",
                                                                  "not-asked", "asked-declined", "masked",
                                                                  "not-applicable", "unsupported", "as-text", "error",
                                                                  "not-a-number", "negative-infinity",
                                                                  "positive-infinity", "not-performed",
                                                                  "not-permitted"},
    "http://terminology.hl7.org/CodeSystem/provenance-participant-type": {"enterer", "performer", "author",
                                                                          "verifier", "legal", "attester",
                                                                          "informant", "custodian", "assembler",
                                                                          "composer"},
}
PROVENANCE_ENTITY_ROLES = {"derivation", "revision", "quotation", "source", "removal"}


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (path, value) of every dict inside ``value`` (a resource's JSON)."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def codings(resource: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (path, coding) for every object with a ``system`` and a ``code``."""
    for path, node in walk(resource):
        if "system" in node and "code" in node:
            yield path, node


def references(resource: dict[str, Any]) -> Iterator[str]:
    """Yield every literal reference (``Type/id``) inside ``resource``."""
    for _, node in walk(resource):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
