"""Observation: one per questionnaire total and subscale, derived from its QuestionnaireResponse; and the
pain NRS the intake form itself asks (the course's baseline pain), derived from the intake's own response.

The code is acupath's score code (``instrument-scores``) and, for a total whose instrument file gives a
LOINC score code, that LOINC code too (marked ``unverified-code`` where the file says the code is
unverified: the PEG). A score that could not be computed (too many items missing) has no value but a
``dataAbsentReason`` and the reason as a note, so it is never silently dropped.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.observation import Observation

from acupath.fhir.canonical import Canon, fhir_id, reference
from acupath.fhir.intake_form import INTAKE_ID
from acupath.fhir.questionnaires import loinc_coding, response_id
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import DATA_ABSENT, OBSERVATION_CATEGORY, SCORES, UCUM, coding, score_code
from acupath.knowledge import KnowledgeBase


def observation_id(record_id: str, instrument_id: str, scale_id: str) -> str:
    """Return the id of the Observation of one scale of one instrument in a record."""
    return fhir_id(f"{record_id}-{instrument_id}-{scale_id}")


def _code(kb: KnowledgeBase, canon: Canon, instrument_id: str, scale_id: str) -> dict[str, Any]:
    doc = kb.instruments.get(instrument_id)
    label = scale_id
    codings: list[dict[str, Any]] = []
    if doc is not None:
        label = next((f"{doc.name}: {s.label}" for s in doc.scales if s.id == scale_id), label)
        if doc.loinc is not None and doc.loinc.score and scale_id == doc.total:
            codings.append(loinc_coding(canon, doc.loinc.score, doc.loinc.verified, doc.loinc.note))
    codings.append(coding(canon, SCORES, score_code(instrument_id, scale_id), label))
    return {"coding": codings, "text": label}


@maps_to(Observation)
def score_observations(*, record_id: str, patient_id: str, instrument_id: str, score: dict[str, Any],
                       effective: datetime | date, performer: str, amended: bool, kb: KnowledgeBase,
                       canon: Canon) -> list[dict[str, Any]]:
    """Return the Observations of one stored score (``Score.to_dict()``): the total first, then subscales."""
    doc = kb.instruments.get(instrument_id)
    total_id = doc.total if doc is not None else "total"
    scales: list[tuple[str, Any]] = []
    if total_id is not None and "total" in score:
        scales.append((total_id, score.get("total")))
    scales += [(name, value) for name, value in (score.get("subscales") or {}).items() if name != total_id]
    out = []
    for scale_id, value in scales:
        body: dict[str, Any] = {
            "resourceType": "Observation", "id": observation_id(record_id, instrument_id, scale_id),
            "status": "amended" if amended else "final",
            "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
            "code": _code(kb, canon, instrument_id, scale_id), "subject": reference("Patient", patient_id),
            "effectiveDateTime": instant(effective), "performer": [reference("Practitioner", performer)],
            "derivedFrom": [reference("QuestionnaireResponse", response_id(record_id, instrument_id))],
        }
        if value is None:
            body["dataAbsentReason"] = {"coding": [{"system": DATA_ABSENT, "code": "error", "display": "Error"}],
                                        "text": "not scored"}
            if score.get("reason"):
                body["note"] = [{"text": str(score["reason"])}]
        else:
            body["valueQuantity"] = {"value": value, "unit": "score", "system": UCUM, "code": "{score}"}
        if scale_id == total_id and score.get("band"):
            body["interpretation"] = [{"text": str(score["band"])}]
        flags = score.get("flags") or []
        if scale_id == total_id and flags:
            body.setdefault("note", []).append({"text": "flags: " + ", ".join(flags)})
        out.append(body)
    return out


#: The instrument whose total the intake form's own pain question is (``pain.nrs``: 0-10, the IMMPACT core
#: outcome of pain intensity): its Observation carries that instrument's codes.
PAIN_NRS = "nrs"


@maps_to(Observation)
def intake_pain_observations(*, record_id: str, patient_id: str, answers: dict[str, Any], scores: dict[str, Any],
                             effective: datetime | date, performer: str, kb: KnowledgeBase,
                             canon: Canon) -> list[dict[str, Any]]:
    """Return the Observation of the intake's own pain NRS (none when the intake scored the NRS questionnaire
    itself, whose total is already an Observation, or holds no pain score), derived from the intake's
    own QuestionnaireResponse (``{intake}-intake``)."""
    nrs = (answers.get("pain") or {}).get("nrs")
    doc = kb.instruments.get(PAIN_NRS)
    if PAIN_NRS in scores or not isinstance(nrs, int | float) or doc is None or doc.total is None:
        return []
    body = score_observations.body(record_id=record_id, patient_id=patient_id, instrument_id=PAIN_NRS,
                                   score={"total": nrs}, effective=effective, performer=performer, amended=False,
                                   kb=kb, canon=canon)[0]
    body["derivedFrom"] = [reference("QuestionnaireResponse", response_id(record_id, INTAKE_ID))]
    return [body]
