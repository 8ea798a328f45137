"""The CapabilityStatement of ``GET /fhir/R4/metadata``: exactly what the read API supports."""

from __future__ import annotations

from datetime import datetime

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from acupath.fhir.chart import CLINICAL_TYPES
from acupath.fhir.published import DEFINITION_TYPES

#: The Bulk Data Access IG's canonical base (its CapabilityStatement and export OperationDefinitions).
BULK_DATA = "http://hl7.org/fhir/uv/bulkdata"
#: Where the definition of each search parameter lives (R4 core), by name.
_SEARCH_PARAMS = {
    "patient": ("reference", "http://hl7.org/fhir/SearchParameter/clinical-patient",
                "The patient the resources are about (required for patient data)"),
    "_id": ("token", "http://hl7.org/fhir/SearchParameter/Resource-id", "The resource's id"),
    "_count": ("number", None, "Page size, 1 to 200 (default 50)"),
    "_offset": ("number", None, "How many results to skip (the next link carries it)"),
}


#: What ``POST /fhir/R4`` takes (``acupath.fhir.imports`` is the rule; README "FHIR import" the example).
IMPORT_DOCUMENTATION = (
    "Import of a patient and their intake (clinicians and administrators; one transaction: all or nothing). "
    "The Bundle (type transaction, each entry POST to its type) holds one Patient (name, gender, whole birthDate, "
    "an identifier: the MRN, by which a second import is recognised: 409, or with request.ifNoneExist "
    "'identifier=[system|]value' the intake goes to that patient if birth date and sex agree, and a repeat "
    "writes nothing); one Condition coded "
    "in ICD-10-CM as acupath's condition files give it, or in acupath's conditions CodeSystem, and optionally a "
    "second one for the TCM pattern; the QuestionnaireResponse of Questionnaire/intake (pain, red-flag answers, "
    "history, safety, schedule; every red-flag, history and safety answer required: none is assumed 'no'); and "
    "QuestionnaireResponses of the instruments' Questionnaires (answers as their valueCoding, valueInteger or "
    "valueDecimal). Scores and screening are computed by acupath; any other resource is refused. Bundle.identifier "
    "is not kept. Refusals: OperationOutcome with the element's expression (400 not valid R4, 422 unknown code, "
    "linkId, answer or missing part, 409 known MRN, 415 not application/fhir+json).")


def search_parameters(resource_type: str) -> tuple[str, ...]:
    """Return the search parameters a type accepts (each search also takes ``_count`` and ``_offset``)."""
    if resource_type in CLINICAL_TYPES:
        return ("patient", "_count", "_offset")
    return ("_id", "_count", "_offset")


def capability_statement(version: str, base_url: str, now: datetime) -> CapabilityStatement:
    """Return the server's CapabilityStatement (``version``: acupath's; ``base_url``: ``.../fhir/R4``)."""
    types = ("Patient", "Organization", "Practitioner", "PractitionerRole", *CLINICAL_TYPES, *DEFINITION_TYPES)
    resources = []
    for name in types:
        entry = {"type": name, "interaction": [{"code": "read"}, {"code": "search-type"}],
                 "searchParam": [{"name": p, "type": _SEARCH_PARAMS[p][0], "definition": _SEARCH_PARAMS[p][1],
                                  "documentation": _SEARCH_PARAMS[p][2]} for p in search_parameters(name)]}
        if name == "Patient":
            entry["operation"] = [{"name": "everything",
                                   "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                                   "documentation": "The patient's whole record as a searchset Bundle, paged"},
                                  {"name": "export", "definition": f"{BULK_DATA}/OperationDefinition/patient-export",
                                   "documentation": "Bulk Data export of every patient (NDJSON, asynchronous)"}]
        resources.append(entry)
    # A clinician's panel (fhir.bulk_group): read, listed, exported.
    resources.append({"type": "Group", "interaction": [{"code": "read"}, {"code": "search-type"}],
                      "operation": [{"name": "export", "definition": f"{BULK_DATA}/OperationDefinition/group-export",
                                     "documentation": "Bulk Data export of a clinician's panel (panel-<user id>)"}]})
    return CapabilityStatement.model_validate({
        "resourceType": "CapabilityStatement", "status": "active", "date": now.isoformat(), "kind": "instance",
        "publisher": "acupath",
        "software": {"name": "acupath", "version": version},
        "implementation": {"description": "acupath FHIR R4 read API", "url": base_url},
        "instantiates": [f"{BULK_DATA}/CapabilityStatement/bulk-data"],
        "fhirVersion": "4.0.1", "format": ["json"],
        "rest": [{"mode": "server",
                  "documentation": "Reads, Bulk Data $export (system, Patient, Group), and the import of a "
                                   "transaction Bundle (POST to the base).",
                  "interaction": [{"code": "transaction", "documentation": IMPORT_DOCUMENTATION}],
                  "operation": [{"name": "export", "definition": f"{BULK_DATA}/OperationDefinition/export",
                                 "documentation": "Bulk Data export of the clinic (NDJSON, asynchronous)"}],
                  # acupath's own bearer login: none of restful-security-service's codes (OAuth, SMART-on-FHIR, ...)
                  "security": {"service": [{"text": "Bearer token from POST /auth/login (acupath's own login; not SMART)"}],
                               "description": "Every read needs acupath's bearer token; clinic isolation, roles and "
                                              "the audit log apply as in the rest of the API."},
                  "resource": resources}],
    })
