"""FHIR R4 views of acupath's records and knowledge base (infrastructure layer).

Every mapper here is a pure function from acupath's records (``services.records``) and the knowledge
base to a validated ``fhir.resources`` model object; ``as_json`` turns one into the JSON a client gets.
Each mapper builds the resource's JSON and validates it (``resource_json.maps_to``); its ``body``
returns the JSON unvalidated, which the bulk export writes (a test keeps the two identical).

**Why R4B models for an R4 export.** acupath speaks FHIR R4 (4.0.1), the version the EHRs around a
pain clinic use. ``fhir.resources`` 8 has no R4 package in its pydantic-2 line: its default models are
R5 and ``fhir.resources.R4B`` is FHIR 4.3.0. HL7 states that R4B differs from R4 only in the
medication-definition, evidence and subscription resources (hl7.org/fhir/R4B/r4b-explanation.html;
shared/reference/stack.md "FHIR"), none of which acupath exports, so each resource here (Patient,
Practitioner, PractitionerRole, Organization, Questionnaire, QuestionnaireResponse, Observation,
Condition, DetectedIssue, CarePlan, PlanDefinition, Procedure, AdverseEvent, AuditEvent, Provenance,
CodeSystem, StructureDefinition, CapabilityStatement, Bundle) is validated as R4 through the R4B
models. The models check structure (required elements, types, unknown elements), not value sets or
invariants: the tests check our codes against the R4 value sets themselves.

Bulk Data ``$export`` is ``bulk`` (+ ``bulk_request``, ``bulk_files``, ``bulk_group``); the import of a
transaction Bundle (a patient and their intake) is ``imports`` + ``transaction``. The CDS Hooks service
is ``acupath.fhir.cds``.
"""

from acupath.fhir.canonical import Canon, as_json

__all__ = ["Canon", "as_json"]
