"""The definitions acupath publishes, generated from the knowledge base: Questionnaire (one per
instrument, and the intake's own: ``intake_form``), PlanDefinition (one per condition file), CodeSystem (``terminology``) and the shipped
StructureDefinitions (``extensions``). They hold no patient data.
"""

from __future__ import annotations

from typing import Any

from acupath.fhir.canonical import Canon, knowledge_id
from acupath.fhir.care_plans import plan_definition
from acupath.fhir.extensions import STRUCTURE_DEFINITIONS, structure_definition
from acupath.fhir.intake_form import INTAKE_ID, intake_questionnaire
from acupath.fhir.questionnaires import questionnaire
from acupath.fhir.terminology import code_system, code_system_ids
from acupath.knowledge import KnowledgeBase

#: The definition types, in the order a search of all of them lists them.
DEFINITION_TYPES = ("Questionnaire", "PlanDefinition", "CodeSystem", "StructureDefinition")


def definition(kb: KnowledgeBase, canon: Canon, resource_type: str, resource_id: str) -> Any | None:
    """Return the published definition ``resource_type/resource_id``, or None when there is none."""
    try:
        if resource_type == "Questionnaire" and resource_id == INTAKE_ID:
            return intake_questionnaire(kb, canon)
        if resource_type == "Questionnaire":
            doc = kb.instruments.get(knowledge_id(resource_id))
            return questionnaire(doc, kb, canon) if doc is not None else None
        if resource_type == "PlanDefinition":
            found = kb.conditions.get(knowledge_id(resource_id))
            return plan_definition(found, kb, canon) if found is not None else None
        if resource_type == "CodeSystem":
            return code_system(kb, canon, resource_id)
        if resource_type == "StructureDefinition":
            return structure_definition(canon, resource_id)
    except KeyError:
        return None
    return None


def definitions(kb: KnowledgeBase, canon: Canon, resource_type: str) -> list[Any]:
    """Return every published definition of ``resource_type`` (empty for a type that is not one)."""
    if resource_type == "Questionnaire":
        return [intake_questionnaire(kb, canon), *(questionnaire(doc, kb, canon) for _, doc in sorted(kb.instruments.items()))]
    if resource_type == "PlanDefinition":
        return [plan_definition(doc, kb, canon) for _, doc in sorted(kb.conditions.items())]
    if resource_type == "CodeSystem":
        return [code_system(kb, canon, system_id) for system_id in code_system_ids(kb)]
    if resource_type == "StructureDefinition":
        return [structure_definition(canon, name) for name in STRUCTURE_DEFINITIONS]
    return []
