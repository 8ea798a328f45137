"""Reading the answers of an imported QuestionnaireResponse: an instrument's, or the intake's own.

Each reader checks every ``linkId`` and answer against the Questionnaire acupath generates (the
instrument file; ``intake_form``) and returns the answers as the intake document holds them. Every
refusal is an ``ImportRefused`` whose field is the element's FHIRPath-like expression
(``Bundle.entry[2].resource.item[3].answer[0].valueCoding.code``) and whose ``allowed`` says what would
be accepted. ``fields`` receives, for each answer read, the intake field the services will name if they
refuse it (``questionnaires.phq9.q3``, ``pain.nrs``, ``medications[0].class``) and its expression, so a
refusal of the scorer or of the intake's validation still names the element.
"""

from __future__ import annotations

from typing import Any

from acupath.errors import InputError
from acupath.fhir.canonical import Canon
from acupath.fhir.intake_form import FormItem
from acupath.fhir.questionnaires import item_type
from acupath.fhir.terminology import answer_system
from acupath.knowledge.schema.instruments import InstrumentFile, Item

#: An answer's value[x] elements that acupath's Questionnaires use.
VALUE_ELEMENTS = ("valueBoolean", "valueDecimal", "valueInteger", "valueDate", "valueTime", "valueString",
                  "valueCoding")


class ImportRefused(InputError):
    """A Bundle that cannot be imported: ``field`` is the element's expression (HTTP 422, CLI exit 2)."""


class InvalidResource(ImportRefused):
    """A Bundle or resource that is not valid FHIR R4 (HTTP 400, as FHIR answers an unparseable resource)."""

    http_status = 400


#: The JSON type of each value[x] (fhir.resources' models coerce "yes" to true and "2" to 2; FHIR JSON does not).
JSON_TYPES: dict[str, tuple[type, ...]] = {"valueBoolean": (bool,), "valueInteger": (int,), "valueDecimal": (int, float),
                                           "valueDate": (str,), "valueTime": (str,), "valueString": (str,),
                                           "valueCoding": (dict,)}


def _value_element(answer: dict[str, Any], at: str) -> tuple[str, Any]:
    present = [key for key in answer if key.startswith("value")]
    if len(present) != 1:
        raise ImportRefused(at, "an answer holds exactly one value[x]", ", ".join(VALUE_ELEMENTS))
    element, value = present[0], answer[present[0]]
    kinds = JSON_TYPES.get(element, ())
    if kinds and (not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)):
        raise InvalidResource(f"{at}.{element}", f"{str(value)[:40]!r} is not a JSON {kinds[0].__name__}",
                              "FHIR JSON's type for " + element)
    if element == "valueCoding" and not isinstance(value.get("code"), str):
        raise InvalidResource(f"{at}.valueCoding.code", "a code is a JSON string", "a string")
    return element, value


def _one_answer(item: dict[str, Any], where: str) -> dict[str, Any] | None:
    answers = item.get("answer") or []
    if item.get("item"):
        raise ImportRefused(f"{where}.item", "this question holds answers, not nested items", "answer")
    if len(answers) > 1:
        raise ImportRefused(f"{where}.answer[1]", "this item takes one answer", "a single answer")
    return answers[0] if answers else None


def _linked(item: dict[str, Any], where: str, known: dict[str, Any], whose: str) -> Any:
    link_id = item.get("linkId")
    spec = known.get(link_id)
    if spec is None:
        raise ImportRefused(f"{where}.linkId", f"{whose} has no item {str(link_id)[:60]!r}", sorted(known))
    return spec


def _instrument_value(doc: InstrumentFile, item: Item, answer: dict[str, Any], at: str, canon: Canon) -> tuple[str, Any]:
    element, value = _value_element(answer, at)
    kind = item_type(item)
    expected = {"choice": ("valueCoding",), "time": ("valueTime",), "integer": ("valueInteger",),
                "decimal": ("valueDecimal", "valueInteger")}[kind]
    if element not in expected:
        raise ImportRefused(f"{at}.{element}", f"{doc.id} {item.key} is a {kind} item", " or ".join(expected))
    if kind == "choice":
        system = answer_system(canon, doc.id, item.options or "")
        if value.get("system") != system:
            raise ImportRefused(f"{at}.valueCoding.system", f"{str(value.get('system'))[:100]!r} is not the answer "
                                f"system of {doc.id} {item.key}", system)
        options = {str(option.answer): option.answer for option in doc.option_sets[item.options or ""]}
        code = value.get("code")
        if code not in options:
            raise ImportRefused(f"{at}.valueCoding.code", f"{str(code)[:60]!r} is not an answer of {doc.id} "
                                f"{item.key}", list(options))
        return f"{at}.valueCoding.code", options[code]
    if kind == "time":
        # acupath keeps a clock answer as HH:MM (the export writes HH:MM:00).
        return f"{at}.valueTime", value[:5] if value.endswith(":00") and len(value) == 8 else value
    return f"{at}.{element}", value


def instrument_answers(doc: InstrumentFile, items: list[dict[str, Any]], at: str, canon: Canon,
                       fields: dict[str, str]) -> dict[str, Any]:
    """Return the answers ``{item key: value}`` of an instrument's QuestionnaireResponse ``items``.

    ``at`` is the response's expression (``Bundle.entry[1].resource``). An item without an answer is an
    unanswered item (the scorer's missing-data rule applies). Raises ``ImportRefused``.
    """
    known = {item.key: item for item in doc.items}
    answers: dict[str, Any] = {}
    for n, raw in enumerate(items):
        where = f"{at}.item[{n}]"
        item = _linked(raw, where, known, f"Questionnaire {doc.id}")
        if item.key in answers:
            raise ImportRefused(f"{where}.linkId", f"{item.key} is answered twice", "one item per linkId")
        answer = _one_answer(raw, where)
        if answer is None:
            continue
        expression, value = _instrument_value(doc, item, answer, f"{where}.answer[0]", canon)
        answers[item.key] = value
        fields[f"questionnaires.{doc.id}.{item.key}"] = expression
    return answers


def _form_value(spec: FormItem, answer: dict[str, Any], at: str) -> Any:
    element, value = _value_element(answer, at)
    allowed = ("valueDecimal", "valueInteger") if spec.kind == "decimal" else (spec.value_key,)
    if element not in allowed:
        raise ImportRefused(f"{at}.{element}", f"{spec.link_id} is a {spec.kind} item", " or ".join(allowed))
    if spec.options and value not in spec.options:
        raise ImportRefused(f"{at}.{element}", f"{str(value)[:60]!r} is not an answer of {spec.link_id}",
                            spec.options)
    return value


def _missing(spec: FormItem, at: str) -> ImportRefused:
    why = "a red-flag, history or safety answer is never assumed" if spec.kind != "group" else "it holds required answers"
    allowed = " or ".join(spec.options) if spec.options else ("true or false" if spec.kind == "boolean" else spec.kind)
    return ImportRefused(at, f"item {spec.link_id} is required ({why})", allowed)


def form_answers(children: tuple[FormItem, ...], items: list[dict[str, Any]], at: str, path: str,
                 fields: dict[str, str]) -> dict[str, Any]:
    """Return the part of the intake document that ``items`` (answers to the intake Questionnaire) hold.

    ``children`` are the Questionnaire items at this level, ``at`` the expression of the response or
    group holding ``items``, ``path`` the intake field of that group (empty at the top). Raises
    ``ImportRefused`` naming an unknown linkId, a wrong value type or option, an item given twice, or
    (at ``at``) a required item left out.
    """
    known = {child.link_id: child for child in children}
    document: dict[str, Any] = {}
    for n, raw in enumerate(items):
        where = f"{at}.item[{n}]"
        spec: FormItem = _linked(raw, where, known, f"group {path}" if path else "Questionnaire intake")
        field = f"{path}.{spec.key}" if path else spec.key
        if spec.key in document and not (spec.kind == "group" and spec.repeats):
            raise ImportRefused(f"{where}.linkId", f"{spec.link_id} is given twice",
                                "one item (a repeating question lists its answers in one item)")
        if spec.kind == "group":
            if raw.get("answer"):
                raise ImportRefused(f"{where}.answer", f"{spec.link_id} is a group: it holds items", "item")
            if spec.repeats:
                rows = document.setdefault(spec.key, [])
                field = f"{field}[{len(rows)}]"
            fields[field] = where
            part = form_answers(spec.children, raw.get("item") or [], where, field, fields)
            if spec.repeats:
                rows.append(part)
            else:
                document[spec.key] = part
            continue
        answers = raw.get("answer") or []
        if raw.get("item"):
            raise ImportRefused(f"{where}.item", f"{spec.link_id} holds answers, not nested items", "answer")
        if len(answers) > 1 and not spec.repeats:
            raise ImportRefused(f"{where}.answer[1]", f"{spec.link_id} takes one answer", "a single answer")
        values = [_form_value(spec, answer, f"{where}.answer[{k}]") for k, answer in enumerate(answers)]
        if not values:
            continue
        if spec.repeats:
            document[spec.key] = values
            fields[field] = f"{where}.answer"
            fields.update({f"{field}[{k}]": f"{where}.answer[{k}].{spec.value_key}" for k in range(len(values))})
        else:
            document[spec.key] = values[0]
            fields[field] = f"{where}.answer[0].{_value_element(answers[0], where)[0]}"
    for child in children:
        if child.required and child.key not in document:
            raise _missing(child, at)
    return document
