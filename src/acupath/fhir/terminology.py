"""Code systems: the standard ones acupath's resources cite, and acupath's own, published as CodeSystems.

acupath publishes a CodeSystem (``CodeSystem/{id}``, canonical ``{base}/CodeSystem/{id}``) for what no
standard codes: the WHO standard acupuncture point codes (there is no standard acupoint code system:
shared/reference/landscape.md §3.9), each instrument's scores, the conditions and TCM patterns, the
screening findings (safety.yaml rules) and what a clinician did about them, the care activities and
multimodal components of a plan, and each instrument's answer options. Every CodeSystem is generated
from the knowledge base, versioned with the knowledge version, ``content: complete``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fhir.resources.R4B.codesystem import CodeSystem

from acupath.fhir.canonical import Canon, fhir_id
from acupath.knowledge import KnowledgeBase
from acupath.knowledge.schema.instruments import InstrumentFile

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
ADVERSE_EVENT_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
ADVERSE_EVENT_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction"
AUDIT_ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
SECURITY_ROLE_TYPE = "http://terminology.hl7.org/CodeSystem/extra-security-role-type"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
V3_DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"

#: acupath's CodeSystem ids (answer option systems are ``answers-{instrument}-{option set}``).
POINTS = "acupuncture-points"
SCORES = "instrument-scores"
CONDITIONS = "conditions"
FINDINGS = "screening-findings"
FINDING_ACTIONS = "screening-actions"
ACTIVITIES = "care-activities"
CDS_OVERRIDE_REASONS = "cds-override-reasons"

#: What a clinician or the planner did about a finding (safety.findings.Action), and an override.
ACTION_CONCEPTS = (
    ("urgent_referral", "Urgent referral", "Emergency or same-day medical assessment; nothing is needled."),
    ("referral", "Referral", "No plan until a medical assessment clears the patient."),
    ("exclude", "Excluded from the plan", "The affected points, regions, modalities or techniques were removed."),
    ("caution", "Caution shown", "The plan proceeds; the caution is shown on the plan and on every session."),
    ("override", "Overridden by a clinician", "A clinician overrode the finding with a written reason."),
)
#: Why a clinician overrode a CDS Hooks card (``fhir.cds.cards``: the card's ``overrideReasons``).
CDS_OVERRIDE_CONCEPTS = (
    ("specialist-cleared", "Cleared by the patient's specialist (e.g. cardiologist for the device)",
     "A specialist responsible for the condition or device cleared the treatment."),
    ("benefit-outweighs-risk", "Benefit outweighs the risk; documented with the patient",
     "The clinician weighed risk and benefit with the patient and documented it."),
    ("treatment-adapted", "Treatment adapted: points, regions or stimulation changed",
     "The order stands, adapted so that what the finding affects is left out."),
    ("record-incorrect", "The record is wrong or out of date",
     "What the finding was read from is not true of the patient now."),
)
#: The activities of a plan and of a session that are not a multimodal component.
ACTIVITY_CONCEPTS = (
    ("acupuncture", "Acupuncture (manual needling)", "Needling of the plan's points, manual stimulation."),
    ("electroacupuncture", "Electroacupuncture", "Needling with electrical stimulation between point pairs."),
    ("acupressure", "Acupressure", "Pressure on the point instead of a needle."),
    ("ear_seed", "Auricular seeds", "Seeds taped to auricular points instead of needles."),
    ("treatment_session", "Treatment session", "One dated session of the plan."),
    ("reassessment", "Reassessment", "Questionnaires given again at a checkpoint session."),
)


@dataclass(frozen=True)
class Concept:
    """One concept of a generated CodeSystem."""

    code: str
    display: str
    definition: str | None = None
    properties: tuple[tuple[str, str, str | bool], ...] = ()  # (code, value[x] kind, value)


def score_code(instrument_id: str, scale_id: str) -> str:
    """Return the acupath code of an instrument's scale (``phq9.total``)."""
    return f"{instrument_id}.{scale_id}"


def answer_system(canon: Canon, instrument_id: str, option_set: str) -> str:
    """Return the URL of the CodeSystem of an instrument's answer options."""
    return canon.code_system(answer_system_id(instrument_id, option_set))


def answer_system_id(instrument_id: str, option_set: str) -> str:
    """Return the id of the CodeSystem of an instrument's answer options."""
    return fhir_id(f"answers-{instrument_id}-{option_set}")


def _score_concepts(kb: KnowledgeBase) -> Iterator[Concept]:
    for instrument in sorted(kb.instruments.values(), key=lambda doc: doc.id):
        for scale in instrument.scales:
            props: list[tuple[str, str, str | bool]] = []
            if instrument.loinc is not None and instrument.loinc.score and scale.id == instrument.total:
                props += [("loinc", "valueString", instrument.loinc.score),
                          ("loinc-verified", "valueBoolean", instrument.loinc.verified)]
            yield Concept(score_code(instrument.id, scale.id), f"{instrument.name}: {scale.label}",
                          scale.missing_rule, tuple(props))


def _condition_concepts(kb: KnowledgeBase) -> Iterator[Concept]:
    for condition in sorted(kb.conditions.values(), key=lambda doc: doc.id):
        yield Concept(condition.id, condition.title or condition.id)
        for variant in condition.variants:
            yield Concept(variant.condition, variant.title, f"A variant of the {condition.id} protocol.")
        for pattern in condition.patterns:
            yield Concept(f"{condition.id}.{pattern.id}", f"{pattern.title} (TCM pattern)", pattern.signs)


def _concepts(kb: KnowledgeBase, system_id: str) -> tuple[str, str, list[Concept]]:
    # (title, description, concepts) of one acupath CodeSystem.
    if system_id == POINTS:
        return ("Acupuncture points (WHO standard codes)",
                "The 361 WHO standard meridian point codes (WHO 2008 locations, WHO 1991 nomenclature), the extra "
                "points and auricular Shenmen, as points.yaml holds them.",
                [Concept(p.code, f"{p.pinyin} ({p.code})" + (f", {p.english}" if p.english else ""))
                 for p in kb.points.points])
    if system_id == SCORES:
        return ("Questionnaire scores", "Each instrument's total and subscales as acupath scores them; the total's "
                "LOINC code, where a reference found one, is a property (loinc-verified false where unverified).",
                list(_score_concepts(kb)))
    if system_id == CONDITIONS:
        return ("Conditions and TCM patterns", "The conditions acupath plans for, their variants and their TCM "
                "pattern diagnoses (condition.pattern).", list(_condition_concepts(kb)))
    if system_id == FINDINGS:
        return ("Screening findings", "The red flags, contraindications and cautions of safety.yaml.",
                [Concept(r.code, r.message[:200], r.note) for r in kb.safety.rules])
    if system_id == FINDING_ACTIONS:
        return ("What was done about a finding", "How screening and the clinician dealt with a finding.",
                [Concept(c, d, x) for c, d, x in ACTION_CONCEPTS])
    if system_id == CDS_OVERRIDE_REASONS:
        return ("Reasons to override a CDS Hooks card", "Why a clinician overrode a card of acupath's CDS Hooks "
                "service (the card's overrideReasons, returned in its feedback).",
                [Concept(c, d, x) for c, d, x in CDS_OVERRIDE_CONCEPTS])
    if system_id == ACTIVITIES:
        return ("Care activities and multimodal components", "The activities of a treatment plan: needling, "
                "electroacupuncture, sessions, reassessments and the programme's components.",
                [Concept(c, d, x) for c, d, x in ACTIVITY_CONCEPTS]
                + [Concept(c.id, c.title, c.instructions) for c in kb.programme.components])
    for instrument in kb.instruments.values():
        for option_set, options in instrument.option_sets.items():
            if system_id == answer_system_id(instrument.id, option_set):
                return (f"{instrument.name}: answers ({option_set})",
                        f"The answer options of {instrument.name} ({instrument.id}.yaml, option set {option_set}).",
                        [Concept(str(o.answer), o.label) for o in options])
    raise KeyError(system_id)


def code_system_ids(kb: KnowledgeBase) -> list[str]:
    """Return the id of every CodeSystem acupath publishes."""
    answers = [answer_system_id(i.id, name) for i in sorted(kb.instruments.values(), key=lambda d: d.id)
               for name in i.option_sets]
    return [POINTS, SCORES, CONDITIONS, FINDINGS, FINDING_ACTIONS, ACTIVITIES, CDS_OVERRIDE_REASONS, *answers]


def code_system(kb: KnowledgeBase, canon: Canon, system_id: str) -> CodeSystem:
    """Return the CodeSystem ``system_id`` generated from ``kb``. Raises ``KeyError`` for an unknown id."""
    title, description, concepts = _concepts(kb, system_id)
    properties = sorted({(code, kind) for c in concepts for code, kind, _ in c.properties})
    return CodeSystem.model_validate({
        "resourceType": "CodeSystem", "id": system_id, "url": canon.code_system(system_id),
        "version": kb.version, "name": "".join(part.title() for part in system_id.split("-")),
        "title": title, "status": "active", "experimental": False, "publisher": "acupath",
        "description": description, "caseSensitive": True, "content": "complete", "count": len(concepts),
        "property": [{"code": code, "type": "boolean" if kind == "valueBoolean" else "string"}
                     for code, kind in properties] or None,
        "concept": [{"code": c.code, "display": c.display, "definition": c.definition,
                     "property": [{"code": code, kind: value} for code, kind, value in c.properties] or None}
                    for c in concepts],
    })


def coding(canon: Canon, system_id: str, code: str, display: str | None = None) -> dict[str, str]:
    """Return a Coding of acupath's CodeSystem ``system_id``."""
    out = {"system": canon.code_system(system_id), "code": code}
    if display:
        out["display"] = display
    return out


def instrument_of(kb: KnowledgeBase, instrument_id: str) -> InstrumentFile | None:
    """Return the instrument file ``instrument_id``, or None."""
    return kb.instruments.get(instrument_id)
