"""Read another system's FHIR resources with ehr_terms.yaml: which intake answers they give.

Pure functions over plain JSON (the EHR's resources as sent, not validated as a whole: one unreadable
resource must not hide the others). A resource that no longer stands is skipped: a Condition whose
clinical status is inactive, resolved or in remission or whose verification is refuted or
entered-in-error; a MedicationStatement stopped, completed, not taken or entered in error; an Observation
cancelled or entered in error; a Device entered in error. A resource without a status is read: the
cautious reading, since a missing status does not mean the fact is gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from acupath.knowledge.schema.ehr_terms import EhrAnswer, EhrTermsFile

_GONE_CONDITION = {"inactive", "resolved", "remission"}
_GONE_VERIFICATION = {"refuted", "entered-in-error"}
_GONE_STATUS = {
    "MedicationStatement": {"stopped", "completed", "not-taken", "entered-in-error"},
    "Observation": {"cancelled", "entered-in-error"},
    "Device": {"entered-in-error"},
}


@dataclass(frozen=True)
class Match:
    """One intake answer an EHR resource gave: the answer, its value, and where it was read.

    ``source`` names the resource (``Device/abc``, or its type alone without an id) and ``text`` the words
    that matched (the EHR's own display text, shown back on the card: never logged).
    """

    answer: EhrAnswer
    source: str
    text: str


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = [re.escape(t[:-1]) + r"[\w-]*" if t.endswith("*") else re.escape(t) for t in terms]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def matches_terms(text: str, terms: tuple[str, ...], unless: tuple[str, ...] = ()) -> bool:
    """Return True when ``text`` holds one of ``terms`` (whole words; ``*`` ends a prefix) and none of ``unless``."""
    found = _pattern(terms)
    if found is None or not found.search(text):
        return False
    veto = _pattern(unless)
    return veto is None or not veto.search(text)


def listed(value: Any) -> list[Any]:
    """Return ``value`` when it is a JSON array, else ``[]``: a field of the wrong JSON type reads as absent."""
    return value if isinstance(value, list) else []


def codings(concept: Any) -> list[dict[str, Any]]:
    """Return the Coding objects of a CodeableConcept as sent (none when it or its ``coding`` is malformed)."""
    return [c for c in listed(concept.get("coding")) if isinstance(c, dict)] if isinstance(concept, dict) else []


def concept_text(concept: Any) -> str:
    """Return the words of a CodeableConcept: its text and every coding's display, joined by ``; ``."""
    if not isinstance(concept, dict):
        return ""
    words = [concept.get("text")] + [c.get("display") for c in codings(concept)]
    return "; ".join(w for w in words if isinstance(w, str) and w.strip())


def _codes_of(concept: Any) -> Iterator[tuple[str, str]]:
    for coding in codings(concept):
        if isinstance(coding.get("code"), str):
            yield str(coding.get("system") or ""), coding["code"]


def resource_text(resource: dict[str, Any]) -> str:
    """Return the text ehr_terms.yaml reads of ``resource`` (see the file's header), or ``""``."""
    kind = resource.get("resourceType")
    if kind == "Condition":
        return concept_text(resource.get("code"))
    if kind == "Device":
        names = [n.get("name") for n in listed(resource.get("deviceName")) if isinstance(n, dict)]
        return "; ".join([concept_text(resource.get("type")), *[n for n in names if isinstance(n, str)]]).strip("; ")
    if kind == "MedicationStatement":
        reference = resource.get("medicationReference")
        display = reference.get("display") if isinstance(reference, dict) else None
        return "; ".join(w for w in (concept_text(resource.get("medicationCodeableConcept")), display) if w)
    if kind == "Observation":
        value = resource.get("valueString")
        return concept_text(resource.get("valueCodeableConcept")) or (value if isinstance(value, str) else "")
    return ""


def _status_codes(concept: Any) -> set[str]:
    return {code for _, code in _codes_of(concept)}


def stands(resource: dict[str, Any]) -> bool:
    """Return True unless ``resource`` says it no longer holds (see the module docstring)."""
    kind = resource.get("resourceType")
    if kind == "Condition":
        return not (_status_codes(resource.get("clinicalStatus")) & _GONE_CONDITION
                    or _status_codes(resource.get("verificationStatus")) & _GONE_VERIFICATION)
    status = resource.get("status")  # as sent: a status that is not a string says nothing, so it stands
    return not isinstance(status, str) or status not in _GONE_STATUS.get(str(kind), set())


def resources_in(value: Any) -> Iterator[dict[str, Any]]:
    """Yield the resources of a prefetch value: a resource, or a Bundle's entries (None and junk skipped)."""
    if not isinstance(value, dict):
        return
    if value.get("resourceType") == "Bundle":
        for entry in listed(value.get("entry")):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
                yield resource
    elif isinstance(value.get("resourceType"), str):
        yield value


def source_of(resource: dict[str, Any]) -> str:
    """Return ``Type/id`` of ``resource`` (``Type`` alone when it has no id)."""
    kind = str(resource.get("resourceType"))
    rid = resource.get("id")
    return f"{kind}/{rid}" if isinstance(rid, str) and rid else kind


def record_matches(resources: Iterable[dict[str, Any]], terms: EhrTermsFile) -> list[Match]:
    """Return every intake answer the standing ``resources`` give, in ehr_terms.yaml order, then resource order."""
    standing = [r for r in resources if stands(r)]
    found: list[Match] = []
    for answer in terms.answers:
        for resource in standing:
            if resource.get("resourceType") not in answer.resources:
                continue
            text = resource_text(resource)
            if text and matches_terms(text, answer.terms, answer.unless):
                found.append(Match(answer=answer, source=source_of(resource), text=text))
    return found
