"""Condition: the condition an intake was recorded for (ICD-10-CM from its condition file) and its TCM
pattern as a second Condition in acupath's own code system (Western codes stay clean: landscape.md §3.3).

The condition file's ICD-10-CM codes carry ``verified``; a code clinical.md §4.3 marks "verify" is
exported with the ``unverified-code`` extension. A condition with no code in its file (the upper-back
variant) is coded in acupath's ``conditions`` system only.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.condition import Condition

from acupath.fhir.canonical import Canon, reference
from acupath.fhir.extensions import unverified
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import (
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    CONDITIONS,
    ICD10CM,
    coding,
)
from acupath.knowledge import KnowledgeBase
from acupath.knowledge.schema.conditions import ConditionFile, DiagnosisCode
from acupath.services.records import IntakeRecord

PATTERN_SUFFIX = "-pattern"


def condition_file(kb: KnowledgeBase, condition_id: str) -> tuple[ConditionFile, str, tuple[DiagnosisCode, ...]] | None:
    """Return the file holding ``condition_id`` (itself or as a variant), its title and its codes; None if none."""
    for doc in kb.conditions.values():
        if doc.id == condition_id:
            return doc, doc.title or doc.id, doc.codes
        for variant in doc.variants:
            if variant.condition == condition_id:
                return doc, variant.title, variant.codes
    return None


def _icd(code: DiagnosisCode, canon: Canon) -> dict[str, Any]:
    out: dict[str, Any] = {"system": ICD10CM, "code": code.code, "display": code.display}
    if not code.verified:
        out["extension"] = [unverified(canon, code.note or "clinical.md §4.3: verify against the current CMS "
                                                          "ICD-10-CM tabular list")]
    return out


def _base(intake: IntakeRecord, resource_id: str, category: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition", "id": resource_id,
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "provisional"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": category}]}],
        "subject": reference("Patient", intake.patient_id), "recordedDate": instant(intake.recorded_at),
        "recorder": reference("Practitioner", intake.recorded_by),
        "evidence": [{"detail": [reference("QuestionnaireResponse", f"{intake.id}-{name.replace('_', '-')}")
                                 for name in sorted(intake.answers.get("questionnaires") or {})]}]
        if intake.answers.get("questionnaires") else None,
    }


@maps_to(Condition)
def intake_conditions(intake: IntakeRecord, kb: KnowledgeBase, canon: Canon) -> list[dict[str, Any]]:
    """Return the intake's Condition (id: the intake's) and, when a pattern was given, its pattern Condition."""
    answers = intake.answers
    condition_id = str(answers.get("condition"))
    found = condition_file(kb, condition_id)
    title = found[1] if found else condition_id
    codes = [_icd(code, canon) for code in (found[2] if found else ())]
    pain = answers.get("pain") or {}
    body = _base(intake, intake.id, "problem-list-item")
    body["code"] = {"coding": [*codes, coding(canon, CONDITIONS, condition_id, title)], "text": title}
    sites = pain.get("sites") or []
    if sites:
        body["bodySite"] = [{"text": site.replace("_", " ")} for site in sites]
    if pain.get("duration_weeks") is not None:
        body["onsetString"] = f"pain for {pain['duration_weeks']} weeks when the intake was recorded"
    out = [body]
    pattern = answers.get("pattern")
    if pattern and found:
        doc = found[0]
        label = next((p.title for p in doc.patterns if p.id == pattern), str(pattern))
        extra = _base(intake, f"{intake.id}{PATTERN_SUFFIX}", "problem-list-item")
        extra["code"] = {"coding": [coding(canon, CONDITIONS, f"{doc.id}.{pattern}", f"{label} (TCM pattern)")],
                         "text": f"{label} (TCM pattern)"}
        out.append(extra)
    return out
