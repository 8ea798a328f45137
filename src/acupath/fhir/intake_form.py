"""The intake Questionnaire (``Questionnaire/intake``) and an intake's answers to it as a QuestionnaireResponse.

An intake holds more than the instruments' answers: the pain (duration, NRS, sites), the red-flag
answers, the history, the safety facts (anticoagulant, implanted device, ...), pregnancy, the payer, the
schedule, the medication list and any override requests. This Questionnaire carries them, so that an
EHR or a SMART form filler can send a whole intake as FHIR and an export holds what screening read.

It is generated from the ``assessment.intake.Intake`` model (one source of truth): each field is an
item whose ``linkId`` is its dotted path in the intake document (``red_flag_answers.fever``,
``medications.class``; list positions left out), a nested model is a ``group``, a tuple ``repeats``, a
``Literal`` is a ``choice`` answered with ``valueString``, a bound (``ge``/``le``) is the SDC
``minValue``/``maxValue`` extension. Demographics (the Patient), the condition and pattern (Condition)
and the instruments (their own Questionnaires) are not items here.

**Safety answers are required.** The clinician's form shows every red-flag, history and safety
question with "no" as its default; an import has no clinician who looked at the unticked box, so every
yes/no and choice item of ``history``, ``red_flag_answers``, ``safety`` and ``patient.pregnancy`` is
``required``: a missing red-flag answer is refused, never assumed "no". Their lists (``skin_lesions_at``
...) may be absent: none.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import BaseModel

from acupath.assessment.intake import Intake
from acupath.fhir.canonical import Canon, reference
from acupath.fhir.questionnaires import MAX_VALUE, MIN_VALUE, response_id
from acupath.fhir.resource_json import instant, maps_to
from acupath.knowledge import KnowledgeBase
from acupath.services.records import IntakeRecord

INTAKE_ID = "intake"
#: The intake document's top-level fields the Questionnaire asks (the others come from other resources).
ASKED = ("patient", "pain", "history", "red_flag_answers", "safety", "payer", "schedule", "overrides",
         "medications")
#: Of ``patient``, only pregnancy: id, birth date and sex are the Patient resource's.
PATIENT_ASKED = ("pregnancy",)
#: Groups whose every single yes/no or choice answer is required on import (see the module docstring).
SAFETY_GROUPS = ("patient.pregnancy", "history", "red_flag_answers", "safety")
#: FHIR item type -> the answer's value[x] element.
VALUE_KEYS = {"boolean": "valueBoolean", "integer": "valueInteger", "decimal": "valueDecimal", "date": "valueDate",
              "string": "valueString", "choice": "valueString"}


@dataclass(frozen=True)
class FormItem:
    """One item of the intake Questionnaire: where its answer goes in the intake document and its type."""

    key: str  # the key in the intake document (the model's alias where it has one: ``class``, ``from``)
    name: str  # the model's attribute name (older stored intakes used it for closures: ``first``)
    link_id: str
    kind: str  # group, boolean, integer, decimal, date, string, choice
    repeats: bool
    required: bool
    options: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    children: tuple[FormItem, ...] = ()

    @property
    def value_key(self) -> str:
        """Return the ``value[x]`` element an answer of this item uses."""
        return VALUE_KEYS[self.kind]


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Return the annotation without ``Annotated`` and ``| None``, and whether None was allowed."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    if get_origin(annotation) is Literal:
        return "choice", tuple(str(a) for a in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "group", ()
    for kind, python in (("boolean", bool), ("integer", int), ("decimal", float), ("date", date), ("string", str)):
        if annotation is python:
            return kind, ()
    raise TypeError(f"no questionnaire item type for {annotation!r}")


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    return low, high


def _items(model: type[BaseModel], prefix: str, only: tuple[str, ...] | None = None) -> tuple[FormItem, ...]:
    out = []
    for name, field in model.model_fields.items():
        if only is not None and name not in only:
            continue
        key = field.alias or name
        link_id = f"{prefix}.{key}" if prefix else key
        annotation, optional = _unwrap(field.annotation)
        repeats = get_origin(annotation) is tuple
        if repeats:
            annotation, _ = _unwrap(get_args(annotation)[0])
        kind, options = _kind(annotation)
        children = _items(annotation, link_id, PATIENT_ASKED if link_id == "patient" else None) if kind == "group" else ()
        in_safety_group = any(link_id.startswith(group + ".") for group in SAFETY_GROUPS)
        # A group is required when the model requires it, or when it always holds a required answer.
        required = field.is_required() or (not repeats and not optional and (
            (in_safety_group and kind != "group") or any(child.required for child in children)))
        low, high = _bounds(field.metadata)
        out.append(FormItem(key=key, name=name, link_id=link_id, kind=kind, repeats=repeats, required=required,
                            options=options, low=low, high=high, children=children))
    return tuple(out)


def form_items() -> tuple[FormItem, ...]:
    """Return the top-level items of the intake Questionnaire, generated from the ``Intake`` model."""
    return _items(Intake, "", ASKED)


def _words(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _question(item: FormItem) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": _words(item.key), "type": item.kind,
                           "required": item.required, "repeats": item.repeats}
    if item.options:
        out["answerOption"] = [{"valueString": option} for option in item.options]
    if item.kind in ("integer", "decimal") and (item.low is not None or item.high is not None):
        cast = int if item.kind == "integer" else float
        out["extension"] = [{"url": url, item.value_key: cast(bound)}
                            for url, bound in ((MIN_VALUE, item.low), (MAX_VALUE, item.high)) if bound is not None]
    if item.children:
        out["item"] = [_question(child) for child in item.children]
    return out


def intake_questionnaire_url(canon: Canon) -> str:
    """Return the canonical URL of the intake Questionnaire."""
    return canon.url("Questionnaire", INTAKE_ID)


def intake_questionnaire(kb: KnowledgeBase, canon: Canon) -> Questionnaire:
    """Return the intake Questionnaire (versioned with the knowledge base, as every acupath definition)."""
    return Questionnaire.model_validate({
        "resourceType": "Questionnaire", "id": INTAKE_ID, "url": intake_questionnaire_url(canon),
        "version": kb.version, "name": "AcupathIntake", "title": "acupath intake",
        "status": "active", "experimental": False, "subjectType": ["Patient"], "publisher": "acupath",
        "description": "What an acupath intake holds besides demographics (Patient), the condition and TCM "
                       "pattern (Condition) and the questionnaires (their own Questionnaires): pain, red-flag "
                       "answers, history, safety, pregnancy, payer, schedule, medications, override requests. "
                       "Every red-flag, history and safety answer is required: none is assumed 'no'.",
        "item": [_question(item) for item in form_items()],
    })


def _answer_items(items: tuple[FormItem, ...], document: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        value = document.get(item.key, document.get(item.name))
        if value is None or value == [] or value == {}:
            continue
        if item.kind == "group":
            for row in (value if item.repeats else [value]):
                children = _answer_items(item.children, row)
                if children:
                    out.append({"linkId": item.link_id, "item": children})
            continue
        values = value if item.repeats else [value]
        out.append({"linkId": item.link_id, "answer": [{item.value_key: v} for v in values]})
    return out


@maps_to(QuestionnaireResponse)
def intake_response(record: IntakeRecord, canon: Canon) -> dict[str, Any]:
    """Return the QuestionnaireResponse of an intake's own answers (``{intake id}-intake``)."""
    return {
        "resourceType": "QuestionnaireResponse", "id": response_id(record.id, INTAKE_ID),
        "questionnaire": f"{intake_questionnaire_url(canon)}|{record.knowledge_version}", "status": "completed",
        "subject": reference("Patient", record.patient_id), "authored": instant(record.recorded_at),
        "author": reference("Practitioner", record.recorded_by), "source": reference("Patient", record.patient_id),
        "item": _answer_items(form_items(), record.answers) or None,
    }
