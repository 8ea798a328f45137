"""Import of a FHIR R4 transaction Bundle: a Patient, their Condition and QuestionnaireResponses become a
new patient (or a known one) with one scored, screened intake.

What the Bundle holds (``type: transaction``; every entry ``request.method`` POST and ``request.url``
its resource type; the CapabilityStatement and README say the same):

- **one Patient**: ``name`` (``family`` and a ``given``; the ``official`` name when several),
  ``gender``, ``birthDate`` (a whole date), ``telecom`` (first phone and email, optional) and an
  ``identifier``, the MRN (typed ``MR`` of v2-0203 when it has several): required, because it is how a
  second import of the same patient is recognised. Its ``request.ifNoneExist`` may be
  ``identifier=[system|]value`` (FHIR conditional create): when the clinic already has a patient with
  that MRN, the intake is recorded for that patient; without it such an import is refused (409).
- **one Condition**: the condition treated, coded in ICD-10-CM as the knowledge data gives it
  (M54.50 low back, M54.2 neck, G43.909 migraine, M79.7 fibromyalgia, M17.9 knee) or in acupath's
  ``conditions`` CodeSystem (which also has ``upper_back_pain``, uncoded in ICD-10-CM); optionally a
  second Condition, the TCM pattern (``{condition file}.{pattern}`` in the same CodeSystem).
- **one QuestionnaireResponse of ``Questionnaire/intake``** (``intake_form``): pain, red-flag answers,
  history, safety, pregnancy, payer, schedule, medications, override requests.
- **any QuestionnaireResponses of the instruments' Questionnaires** (``questionnaire`` is acupath's
  canonical URL, ``|version`` optional: the answers are checked against, and scored with, the
  knowledge base in force), one per instrument, ``status`` completed or amended.

Every ``subject`` references the Patient by its ``fullUrl`` or ``Patient/{id}``. Any other resource is
refused: the scores, screening findings and the rest are acupath's to compute. Each refusal is an
``ImportRefused`` naming the element (``Bundle.entry[1].resource.item[3].answer[0].valueCoding.code``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from acupath.fhir.canonical import Canon, knowledge_id
from acupath.fhir.import_answers import ImportRefused, InvalidResource, form_answers, instrument_answers
from acupath.fhir.intake_form import INTAKE_ID, form_items
from acupath.fhir.people import GENDERS
from acupath.fhir.terminology import CONDITIONS, ICD10CM, V2_IDENTIFIER_TYPE
from acupath.knowledge import KnowledgeBase
from acupath.validation import describe, field_path

#: The resource types a Bundle may hold.
IMPORTED_TYPES = ("Patient", "Condition", "QuestionnaireResponse")
_WHOLE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class BundleImport:
    """What a Bundle asks for, as the services take it, and where each part came from.

    ``demographics`` are ``services.patients.PatientDetails`` fields; ``answers`` the intake document;
    ``roles`` says for each entry what it stood for (``patient``, ``condition``, ``pattern``, ``intake``
    or an instrument id); ``fields`` maps the fields the services name (``demographics.birth_date``,
    ``intake.pain.nrs``) to the elements they came from.
    """

    demographics: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    match_existing: bool = False
    roles: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    def expression_of(self, name: str) -> str:
        """Return the element a service's field ``name`` came from (its nearest known parent; else ``Bundle``)."""
        while name:
            if name in self.fields:
                return self.fields[name]
            name = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", name)
        return "Bundle"


def _validated(resource: dict[str, Any], at: str) -> None:
    try:
        model = get_fhir_model_class(str(resource.get("resourceType")))
    except ValueError:
        raise InvalidResource(f"{at}.resourceType", f"{str(resource.get('resourceType'))[:40]!r} is not an R4 "
                              "resource type", IMPORTED_TYPES) from None
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        errors = exc.errors()
        problem, allowed = describe(errors[0])  # type: ignore[arg-type]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        where = field_path(errors[0]["loc"])
        raise InvalidResource(f"{at}.{where}" if where else at, problem + more, allowed) from None


def _envelope(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise InvalidResource("Bundle.resourceType", "the body must be a FHIR Bundle", "Bundle")
    entries = body.get("entry")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise InvalidResource("Bundle.entry", "a transaction needs its entries", "a list of entries")
    _validated({**body, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries]}, "Bundle")
    if body.get("type") != "transaction":
        raise InvalidResource("Bundle.type", f"{str(body.get('type'))[:20]!r} is not imported", "transaction")
    for n, entry in enumerate(entries):
        at = f"Bundle.entry[{n}]"
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            raise InvalidResource(f"{at}.resource", "each entry of a transaction holds a resource", "a resource")
        kind = resource.get("resourceType")
        if kind not in IMPORTED_TYPES:
            raise ImportRefused(f"{at}.resource.resourceType", f"{str(kind)[:40]!r} is not imported (scores, "
                                "screening and plans are computed by acupath)", IMPORTED_TYPES)
        _validated(resource, f"{at}.resource")
        request = entry.get("request") or {}
        if request.get("method") != "POST":
            raise ImportRefused(f"{at}.request.method", "acupath imports new records only", "POST")
        if request.get("url") != kind:
            raise ImportRefused(f"{at}.request.url", "a create is POSTed to its resource type", kind)
        if request.get("ifNoneExist") and kind != "Patient":
            raise ImportRefused(f"{at}.request.ifNoneExist", "only the Patient is matched", "no ifNoneExist")
    return entries


def _patient(resource: dict[str, Any], at: str, out: BundleImport, if_none_exist: str | None) -> None:
    names = resource.get("name") or []
    k = next((i for i, name in enumerate(names) if name.get("use") == "official"), 0)
    name = names[k] if names else {}
    family, given = name.get("family"), (name.get("given") or [None])[0]
    if not family or not given:
        raise ImportRefused(f"{at}.name[{k}].{'family' if not family else 'given'}", "the patient's name is needed",
                            "a family and a given name")
    gender = resource.get("gender")
    if gender not in GENDERS:
        raise ImportRefused(f"{at}.gender", "the patient's administrative gender is needed", GENDERS)
    born = resource.get("birthDate")
    if not isinstance(born, str) or not _WHOLE_DATE.match(born):
        raise ImportRefused(f"{at}.birthDate", "the whole birth date is needed", "YYYY-MM-DD")
    identifiers = resource.get("identifier") or []
    typed = [i for i, ident in enumerate(identifiers) if any(
        c.get("system") == V2_IDENTIFIER_TYPE and c.get("code") == "MR" for c in (ident.get("type") or {}).get("coding") or [])]
    if not identifiers or (len(identifiers) > 1 and len(typed) != 1):
        raise ImportRefused(f"{at}.identifier", "the patient's MRN is needed, so that a second import of the "
                            "patient is recognised", f"one identifier, or one typed {V2_IDENTIFIER_TYPE}|MR")
    m = typed[0] if typed else 0
    mrn = identifiers[m].get("value")
    if not mrn:
        raise ImportRefused(f"{at}.identifier[{m}].value", "the MRN is needed", "the patient's MRN")
    out.demographics = {"given_name": given, "family_name": family, "birth_date": born, "sex": gender, "mrn": mrn}
    out.fields.update({"demographics.given_name": f"{at}.name[{k}].given[0]",
                       "demographics.family_name": f"{at}.name[{k}].family", "demographics.birth_date": f"{at}.birthDate",
                       "demographics.sex": f"{at}.gender", "demographics.mrn": f"{at}.identifier[{m}].value",
                       "intake.patient.birth_date": f"{at}.birthDate", "intake.patient.sex": f"{at}.gender"})
    for n, contact in enumerate(resource.get("telecom") or []):
        key = {"phone": "phone", "email": "email"}.get(contact.get("system"))
        if key and key not in out.demographics and contact.get("value"):
            out.demographics[key] = contact["value"]
            out.fields[f"demographics.{key}"] = f"{at}.telecom[{n}].value"
    if if_none_exist:
        system = identifiers[m].get("system")
        wanted = {f"identifier={mrn}", *([f"identifier={system}|{mrn}"] if system else [])}
        if if_none_exist not in wanted:
            raise ImportRefused(f"{at.removesuffix('.resource')}.request.ifNoneExist", "acupath matches a patient "
                                "by this Patient's MRN only", sorted(wanted))
        out.match_existing = True


def _condition_codes(kb: KnowledgeBase) -> tuple[dict[str, str], dict[str, tuple[str, str]], dict[str, str]]:
    """Return (ICD-10-CM code -> condition, pattern code -> (condition file, pattern), condition -> its file)."""
    icd: dict[str, str] = {}
    patterns: dict[str, tuple[str, str]] = {}
    files: dict[str, str] = {}
    for doc in kb.conditions.values():
        files[doc.id] = doc.id
        icd.update({code.code: doc.id for code in doc.codes if code.system == "icd10cm"})
        for variant in doc.variants:
            files[variant.condition] = doc.id
            icd.update({code.code: variant.condition for code in variant.codes if code.system == "icd10cm"})
        patterns.update({f"{doc.id}.{p.id}": (doc.id, p.id) for p in doc.patterns})
    return icd, patterns, files


def _condition(resource: dict[str, Any], at: str, kb: KnowledgeBase, canon: Canon) -> tuple[str, str, str]:
    """Return (``condition`` or ``pattern``, the value, the element) of one Condition."""
    icd, patterns, files = _condition_codes(kb)
    ours = canon.code_system(CONDITIONS)
    named: list[tuple[str, str, str]] = []
    for j, coding in enumerate((resource.get("code") or {}).get("coding") or []):
        where, code = f"{at}.code.coding[{j}].code", coding.get("code")
        if coding.get("system") == ICD10CM:
            if code not in icd:
                raise ImportRefused(where, f"{str(code)[:20]!r} is not an ICD-10-CM code of a condition acupath "
                                    "treats", sorted(icd))
            named.append(("condition", icd[code], where))
        elif coding.get("system") == ours:
            if code in files:
                named.append(("condition", code, where))
            elif code in patterns:
                named.append(("pattern", code, where))
            else:
                raise ImportRefused(where, f"{str(code)[:60]!r} is not in acupath's conditions CodeSystem",
                                    sorted(files) + sorted(patterns))
    if not named:
        raise ImportRefused(f"{at}.code", "no coding names a condition acupath treats", f"ICD-10-CM "
                            f"({', '.join(sorted(icd))}) or {ours} ({', '.join(sorted(files))})")
    if len({(kind, value) for kind, value, _ in named}) > 1:
        raise ImportRefused(named[1][2], "the codings of one Condition name different conditions", named[0][1])
    return named[0]


def _conditions(found: list[tuple[int, dict[str, Any], str]], kb: KnowledgeBase, canon: Canon,
                out: BundleImport) -> None:
    named = [(n, at, *_condition(resource, at, kb, canon)) for n, resource, at in found]
    main = [row for row in named if row[2] == "condition"]
    extra = [row for row in named if row[2] == "pattern"]
    if not main:
        raise ImportRefused("Bundle.entry", "an intake needs the Condition treated", "a Condition coded in "
                            "ICD-10-CM or acupath's conditions CodeSystem")
    if len(main) > 1 or len(extra) > 1:
        raise ImportRefused(f"{(main[1:] or extra[1:])[0][1]}.code", "one Condition and at most one TCM pattern "
                            "are imported with an intake", "one of each")
    _, _, _, condition, where = main[0]
    out.answers["condition"] = condition
    out.fields["intake.condition"] = where
    if extra:
        n, _, _, code, where = extra[0]
        _, patterns, files = _condition_codes(kb)
        file_id, pattern = patterns[code]
        if files.get(condition) != file_id:
            raise ImportRefused(where, f"this TCM pattern is not one of {condition}'s", f"{files.get(condition)}.<pattern>")
        out.answers["pattern"] = pattern
        out.fields["intake.pattern"] = where
        out.roles[n] = "pattern"


def _questionnaire(value: Any, at: str, kb: KnowledgeBase, canon: Canon) -> str:
    url = str(value or "").split("|", 1)[0]
    prefix = canon.url("Questionnaire", "")
    ids = [INTAKE_ID, *(name.replace("_", "-") for name in sorted(kb.instruments))]
    target = knowledge_id(url[len(prefix):]) if url.startswith(prefix) else None
    if target != INTAKE_ID and target not in kb.instruments:
        raise ImportRefused(f"{at}.questionnaire", f"{str(value)[:120]!r} is not one of acupath's Questionnaires",
                            f"{prefix}<id> with id one of {', '.join(ids)}")
    return target  # type: ignore[return-value]


def _response(resource: dict[str, Any], at: str, kb: KnowledgeBase, canon: Canon, out: BundleImport) -> str:
    target = _questionnaire(resource.get("questionnaire"), at, kb, canon)
    if resource.get("status") not in ("completed", "amended"):
        raise ImportRefused(f"{at}.status", "only finished answers are scored", "completed, amended")
    if target in out.roles:
        raise ImportRefused(f"{at}.questionnaire", f"a second response to {target}", "one per Questionnaire")
    found: dict[str, str] = {}
    if target == INTAKE_ID:
        out.answers.update(form_answers(form_items(), resource.get("item") or [], at, "", found))
        out.fields.update({f"intake.{name}": where for name, where in found.items()})
    else:
        answers = instrument_answers(kb.instruments[target], resource.get("item") or [], at, canon, found)
        out.answers.setdefault("questionnaires", {})[target] = answers
        out.fields[f"intake.questionnaires.{target}"] = f"{at}.questionnaire"
        out.fields.update({f"intake.{name}": where for name, where in found.items()})
    return target


def _subject(resource: dict[str, Any], at: str, patient_refs: set[str]) -> None:
    given = (resource.get("subject") or {}).get("reference")
    if given not in patient_refs:
        raise ImportRefused(f"{at}.subject.reference", f"{str(given)[:80]!r} is not the Bundle's Patient",
                            sorted(patient_refs))


def read_bundle(body: Any, kb: KnowledgeBase, canon: Canon) -> BundleImport:
    """Return what the transaction Bundle ``body`` (parsed JSON) asks to import.

    Raises ``InvalidResource`` (not valid FHIR R4: HTTP 400) or ``ImportRefused`` (an unknown code,
    linkId or answer, a missing part of the intake, a resource acupath does not import: HTTP 422), each
    naming the element and what is allowed.
    """
    entries = _envelope(body)
    out = BundleImport()
    patients = [n for n, e in enumerate(entries) if e["resource"]["resourceType"] == "Patient"]
    if len(patients) != 1:
        where = f"Bundle.entry[{patients[1]}]" if patients else "Bundle.entry"
        raise ImportRefused(where, "a transaction imports exactly one Patient", "one Patient entry")
    entry = entries[patients[0]]
    patient = entry["resource"]
    _patient(patient, f"Bundle.entry[{patients[0]}].resource", out, (entry.get("request") or {}).get("ifNoneExist"))
    refs = {ref for ref in (entry.get("fullUrl"), f"Patient/{patient['id']}" if patient.get("id") else None) if ref}
    conditions = []
    for n, entry in enumerate(entries):
        resource, at = entry["resource"], f"Bundle.entry[{n}].resource"
        kind = resource["resourceType"]
        if kind == "Patient":
            out.roles.append("patient")
            continue
        _subject(resource, at, refs)
        if kind == "Condition":
            conditions.append((n, resource, at))
            out.roles.append("condition")
        else:
            out.roles.append(_response(resource, at, kb, canon, out))
    _conditions(conditions, kb, canon, out)
    if INTAKE_ID not in out.roles:
        raise ImportRefused("Bundle.entry", "an intake needs the QuestionnaireResponse of the intake "
                            "Questionnaire (pain, red-flag answers, history, safety, schedule)",
                            canon.url("Questionnaire", INTAKE_ID))
    return out

