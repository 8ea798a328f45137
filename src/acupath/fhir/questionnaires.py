"""Questionnaire (from each instrument file) and QuestionnaireResponse (from intakes and reassessments).

A Questionnaire is generated from ``knowledge/data/instruments/<id>.yaml``: one item per question, the
answer options coded in acupath's answer CodeSystem with the points each scores (the SDC
``ordinalValue`` extension, R4), the LOINC codes the file gives, the licence in ``copyright`` and the
knowledge version as ``version``. A recorded intake or reassessment gives one QuestionnaireResponse per
instrument answered, pinned to the Questionnaire at the knowledge version it was scored with.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from acupath.fhir.canonical import Canon, fhir_id, reference
from acupath.fhir.extensions import unverified
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import LOINC, answer_system
from acupath.knowledge import KnowledgeBase
from acupath.knowledge.schema.instruments import InstrumentFile, Item

ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
LICENCE_WORDS = {"public_domain": "Public domain", "free_with_conditions": "Free to use, with conditions",
                 "permission_required": "Permission required", "licence_required": "Licence required",
                 "unverified": "Licence not verified"}


def questionnaire_url(canon: Canon, instrument_id: str) -> str:
    """Return the canonical URL of an instrument's Questionnaire."""
    return canon.url("Questionnaire", fhir_id(instrument_id))


def loinc_coding(canon: Canon, code: str, verified: bool = True, why: str | None = None) -> dict[str, Any]:
    """Return a LOINC Coding, marked ``unverified-code`` when its source did not verify it."""
    out: dict[str, Any] = {"system": LOINC, "code": code}
    if not verified:
        out["extension"] = [unverified(canon, why or "LOINC code not verified against the LOINC release")]
    return out


def item_type(item: Item) -> str:
    """Return the Questionnaire item type of an instrument item: choice, time, integer or decimal."""
    if item.kind == "choice":
        return "choice"
    if item.kind == "clock":
        return "time"
    return "integer" if item.range is not None and item.range.integer else "decimal"


def _question(doc: InstrumentFile, item: Item, canon: Canon) -> dict[str, Any]:
    kind = item_type(item)
    out: dict[str, Any] = {"linkId": item.key, "text": item.text, "type": kind, "required": False}
    if item.loinc:
        out["code"] = [loinc_coding(canon, item.loinc)]
    if item.kind == "choice" and item.options:
        system = answer_system(canon, doc.id, item.options)
        out["answerOption"] = [{"valueCoding": {
            "system": system, "code": str(option.answer), "display": option.label,
            "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.points}]}}
            for option in doc.option_sets[item.options]]
    elif item.range is not None:
        value = "valueInteger" if kind == "integer" else "valueDecimal"
        low, high = (int(item.range.min), int(item.range.max)) if kind == "integer" else (item.range.min, item.range.max)
        out["extension"] = [{"url": MIN_VALUE, value: low}, {"url": MAX_VALUE, value: high}]
    return out


def copyright_of(doc: InstrumentFile) -> str:
    """Return the instrument's licence as ``copyright`` text: status, holder and what use needs."""
    licence = doc.licence
    holder = f" Holder: {licence.holder}." if licence.holder else ""
    return f"{LICENCE_WORDS[licence.status]}.{holder} {licence.note}".strip()


def questionnaire(doc: InstrumentFile, kb: KnowledgeBase, canon: Canon) -> Questionnaire:
    """Return the Questionnaire generated from the instrument file ``doc`` at ``kb``'s version."""
    code = None
    if doc.loinc is not None and doc.loinc.panel:
        code = [loinc_coding(canon, doc.loinc.panel, doc.loinc.verified, doc.loinc.note)]
    recall = f" Recall period: {doc.recall}." if doc.recall else ""
    return Questionnaire.model_validate({
        "resourceType": "Questionnaire", "id": fhir_id(doc.id), "url": questionnaire_url(canon, doc.id),
        "identifier": [{"system": canon.identifier_system("instrument"), "value": f"{doc.id}|{doc.version}"}],
        "version": kb.version, "name": "".join(ch for ch in doc.id.title() if ch.isalnum()),
        "title": doc.name, "status": "active" if doc.status == "active" else "draft", "experimental": False,
        "subjectType": ["Patient"], "publisher": "acupath",
        "description": f"{doc.title or doc.name} ({doc.id}.yaml version {doc.version}).{recall}",
        "copyright": copyright_of(doc), "code": code,
        "item": [_question(doc, item, canon) for item in doc.items],
    })


def _time(value: Any) -> str:
    # The intake stores a clock answer as HH:MM; FHIR time is HH:MM:SS.
    text = str(value)
    return text if text.count(":") == 2 else f"{text}:00"


def _answer(doc: InstrumentFile | None, key: str, value: Any, canon: Canon) -> dict[str, Any]:
    item = next((i for i in doc.items if i.key == key), None) if doc is not None else None
    if item is not None and item.kind == "choice" and item.options:
        option = next((o for o in doc.option_sets[item.options] if str(o.answer) == str(value)), None)  # type: ignore[union-attr]
        coding = {"system": answer_system(canon, doc.id, item.options), "code": str(value)}  # type: ignore[union-attr]
        if option is not None:
            coding["display"] = option.label
        return {"valueCoding": coding}
    if item is not None and item.kind == "clock":
        return {"valueTime": _time(value)}
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {"valueString": str(value)}
    if isinstance(value, int) or float(value).is_integer() and item is not None and item_type(item) == "integer":
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def response_id(record_id: str, instrument_id: str) -> str:
    """Return the id of the QuestionnaireResponse of ``instrument_id`` in the record ``record_id``."""
    return fhir_id(f"{record_id}-{instrument_id}")


@maps_to(QuestionnaireResponse)
def questionnaire_response(*, record_id: str, patient_id: str, instrument_id: str, answers: dict[str, Any],
                           knowledge_version: str, authored: datetime | date, author: str, amended: bool,
                           kb: KnowledgeBase, canon: Canon) -> dict[str, Any]:
    """Return the QuestionnaireResponse of one instrument answered in an intake or a reassessment.

    ``questionnaire`` is pinned to the knowledge version the answers were scored with; the answers are
    as recorded (an unanswered item is absent). ``amended`` sets the status ``amended``.
    """
    doc = kb.instruments.get(instrument_id)
    order = {item.key: n for n, item in enumerate(doc.items)} if doc is not None else {}
    items = [{"linkId": key, "answer": [_answer(doc, key, value, canon)]}
             for key, value in sorted(answers.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
             if value is not None]
    return {
        "resourceType": "QuestionnaireResponse", "id": response_id(record_id, instrument_id),
        "questionnaire": f"{questionnaire_url(canon, instrument_id)}|{knowledge_version}",
        "status": "amended" if amended else "completed",
        "subject": reference("Patient", patient_id), "authored": instant(authored),
        "author": reference("Practitioner", author), "source": reference("Patient", patient_id),
        "item": items or None,
    }
