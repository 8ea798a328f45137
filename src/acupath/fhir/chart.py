"""A patient's whole record as FHIR resources, and each resource type's ids.

``chart_resources`` maps a ``services.fhir_reads.PatientChart`` (everything the actor may see of one
patient) to validated resources, in a fixed order: the Patient, the clinic and the staff who appear,
then each kind of record. ``record_kinds`` says which acupath record a resource id names, so that a
read of one resource loads only its own patient's record.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from acupath.fhir.audit_events import audit_event
from acupath.fhir.canonical import Canon
from acupath.fhir.care_plans import care_plan
from acupath.fhir.conditions import PATTERN_SUFFIX, intake_conditions
from acupath.fhir.detected_issues import detected_issues
from acupath.fhir.intake_form import intake_response
from acupath.fhir.observations import intake_pain_observations, score_observations
from acupath.fhir.people import organization, patient, practitioner, practitioner_role
from acupath.fhir.procedures import adverse_event, procedure
from acupath.fhir.provenance import provenance
from acupath.fhir.questionnaires import questionnaire_response
from acupath.fhir.resource_json import validated
from acupath.knowledge import KnowledgeBase
from acupath.services.fhir_reads import PatientChart

#: The resource types of a patient's record, in the order ``$everything`` returns them.
PATIENT_TYPES = ("Patient", "Organization", "Practitioner", "PractitionerRole", "Condition",
                 "QuestionnaireResponse", "Observation", "DetectedIssue", "CarePlan", "Procedure",
                 "AdverseEvent", "Provenance", "AuditEvent")
#: Resource types that belong to one patient (searchable with ``patient``, read only by clinical roles).
CLINICAL_TYPES = PATIENT_TYPES[4:]

#: The acupath record a resource id names (its leading 32 characters, or all of it), by resource type.
_RECORD_KINDS = {
    "Condition": ("intake",), "QuestionnaireResponse": ("intake", "reassessment"),
    "Observation": ("intake", "reassessment"), "DetectedIssue": ("screening",), "CarePlan": ("plan",),
    "Procedure": ("session",), "AdverseEvent": ("adverse_event",),
    "Provenance": ("session", "adverse_event", "reassessment"),
}
_AMENDED_TYPES = {"session": "session", "adverse-event": "adverse_event", "reassessment": "reassessment"}


def record_kinds(resource_type: str, resource_id: str) -> tuple[tuple[str, ...], str] | None:
    """Return the record kinds that ``resource_type/resource_id`` may name and that record's id; None when
    the id cannot be one of this type's (the API answers 404)."""
    kinds = _RECORD_KINDS.get(resource_type)
    if kinds is None:
        return None
    if resource_type == "Provenance":
        for prefix, kind in _AMENDED_TYPES.items():
            if resource_id.startswith(prefix + "-"):
                record_id = resource_id[len(prefix) + 1:].rsplit("-v", 1)[0]
                return ((kind,), record_id) if record_id else None
        return None
    if resource_type == "Condition" and resource_id.endswith(PATTERN_SUFFIX):
        resource_id = resource_id[: -len(PATTERN_SUFFIX)]
    record_id = resource_id.split("-", 1)[0]
    return (kinds, record_id) if record_id else None


def _staff_seen(chart: PatientChart) -> set[str]:
    seen: set[str] = set()
    for record in (*chart.intakes, *chart.reassessments, *chart.adverse_events, *chart.sessions):
        seen.add(record.recorded_by)
    seen.update(s.practitioner_id for s in chart.sessions)
    seen.update(s.screened_by for s in chart.screenings)
    for plan in chart.plans:
        seen.update((plan.created_by, plan.updated_by, *(o.author for o in plan.overrides)))
    seen.update(a.amended_by for a in chart.amendments)
    seen.update(e.user_id for e in chart.audit or ())
    return seen


def chart_resources(chart: PatientChart, kb: KnowledgeBase, canon: Canon) -> Iterator[Any]:
    """Yield every resource of ``chart`` (validated R4B models), in ``PATIENT_TYPES`` order."""
    return (validated(body) for body in chart_documents(chart, kb, canon))


def chart_documents(chart: PatientChart, kb: KnowledgeBase, canon: Canon, *,
                    types: Collection[str] = PATIENT_TYPES, staff: bool = True) -> Iterator[dict[str, Any]]:
    """Yield the JSON of each resource of ``chart`` whose type is in ``types``, in ``PATIENT_TYPES`` order,
    unvalidated (``resource_json``: ``chart_resources`` validates it, the bulk export writes it).

    ``staff=False`` leaves out the clinic and its staff (a bulk export writes them once, not per patient).
    A type not in ``types`` is not mapped at all.
    """
    if "Patient" in types:
        yield patient.body(chart.patient, canon)
    if staff:
        if "Organization" in types:
            yield organization.body(chart.clinic)
        seen = _staff_seen(chart)
        authors = [user for user in chart.staff if user.id in seen]
        if "Practitioner" in types:
            yield from (practitioner.body(user, canon) for user in authors)
        if "PractitionerRole" in types:
            yield from (practitioner_role.body(user) for user in authors)
    if "Condition" in types:
        for intake in chart.intakes:
            yield from intake_conditions.body(intake, kb, canon)
    scored = [(i.id, i.patient_id, (i.answers.get("questionnaires") or {}), i.scores, i.knowledge_version,
               i.recorded_at, i.recorded_by, False) for i in chart.intakes]
    scored += [(r.id, r.patient_id, r.answers, r.scores, r.knowledge_version, r.assessed_on, r.recorded_by,
                r.version > 1) for r in chart.reassessments]
    if "QuestionnaireResponse" in types:
        yield from (intake_response.body(intake, canon) for intake in chart.intakes)
        for record_id, patient_id, answers, _, version, when, who, amended in scored:
            for instrument_id in answers:
                yield questionnaire_response.body(
                    record_id=record_id, patient_id=patient_id, instrument_id=instrument_id,
                    answers=answers[instrument_id] or {}, knowledge_version=version, authored=when, author=who,
                    amended=amended, kb=kb, canon=canon)
    if "Observation" in types:
        for intake in chart.intakes:
            yield from intake_pain_observations.body(
                record_id=intake.id, patient_id=intake.patient_id, answers=intake.answers, scores=intake.scores,
                effective=intake.recorded_at, performer=intake.recorded_by, kb=kb, canon=canon)
        for record_id, patient_id, _, scores, _, when, who, amended in scored:
            for instrument_id, score in scores.items():
                yield from score_observations.body(
                    record_id=record_id, patient_id=patient_id, instrument_id=instrument_id, score=score,
                    effective=when, performer=who, amended=amended, kb=kb, canon=canon)
    if "DetectedIssue" in types:
        staff_ids = {user.id for user in chart.staff}
        for screening in chart.screenings:
            plans = [plan.id for plan in chart.plans if plan.screening_id == screening.id]
            yield from detected_issues.body(screening, canon, staff=staff_ids, plan_ids=plans)
    if "CarePlan" in types:
        for plan in chart.plans:
            done = {s.number: s.id for s in chart.sessions if s.plan_id == plan.id}
            yield care_plan.body(plan, kb, canon, sessions=done)
    if "Procedure" in types:
        intake_of_plan = {plan.id: plan.intake_id for plan in chart.plans}
        for session in chart.sessions:
            yield procedure.body(session, kb, canon, condition_id=intake_of_plan.get(session.plan_id))
    if "AdverseEvent" in types:
        yield from (adverse_event.body(event) for event in chart.adverse_events)
    if "Provenance" in types:
        for amendment in chart.amendments:
            yield provenance.body(amendment, _targets(chart, amendment.record_type, amendment.record_id))
    if "AuditEvent" in types:
        yield from (audit_event.body(entry) for entry in chart.audit or ())


def _targets(chart: PatientChart, record_type: str, record_id: str) -> list[tuple[str, str]]:
    if record_type == "session":
        return [("Procedure", record_id)]
    if record_type == "adverse_event":
        return [("AdverseEvent", record_id)]
    record = next((r for r in chart.reassessments if r.id == record_id), None)
    answered = sorted(record.answers) if record is not None else []
    return [("QuestionnaireResponse", f"{record_id}-{name.replace('_', '-')}") for name in answered] or [
        ("Patient", chart.patient.id)]
