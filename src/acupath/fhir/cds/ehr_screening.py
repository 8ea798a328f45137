"""Screen a patient from an EHR's record alone: its resources → an intake → ``safety.screen``.

One screening engine: the answers read by ``record_terms`` fill an ``Intake`` that the same safety.yaml
rules screen as an intake typed at the clinic. What the record cannot say is filled in the cautious way
and named in ``EhrScreening.unknown`` (shown on a card, never silent):

- the pain condition: recognised by the ICD-10-CM codes of the condition files among the orders'
  reasons and the patient's Conditions; when none is recognised, the patient is screened once for every
  condition and each finding says for which conditions it holds;
- the pain's duration: from the pain Condition's onset, else taken as new (an age-at-onset rule reads
  the patient's age today);
- the birth date: without one, age rules cannot be applied (the patient is screened as a newborn and
  the findings of every rule that reads the age are left out, since "under 20" would hold for a newborn;
  the card says so).

Intake fields no rule of safety.yaml reads (the pain score, the clinic days) hold neutral values; a test
checks that no rule reads them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

from pydantic import ValidationError

from acupath.assessment.intake import Condition, Intake
from acupath.errors import KnowledgeError
from acupath.fhir.cds.record_terms import Match, codings, listed, record_matches, resources_in, stands
from acupath.fhir.terminology import ICD10CM
from acupath.knowledge import KnowledgeBase
from acupath.safety import screen
from acupath.safety.findings import Finding
from acupath.safety.overrides import ACTION_RANK

CONDITIONS: tuple[str, ...] = get_args(Condition)
ICD10 = "http://hl7.org/fhir/sid/icd-10"
#: The prefetch keys of the services (``hooks.PREFETCH``) and the record each holds.
RECORD_KEYS = {"conditions": "Conditions", "medications": "MedicationStatements", "observations": "Observations",
               "devices": "Devices"}
_PSEUDONYM = "ehr-record"  # the intake's patient id: the EHR's id is not acupath's and is not needed


@dataclass(frozen=True)
class EhrScreening:
    """The screening of an EHR record: findings (every condition screened merged, none dropped), what
    was read, and what the record did not say.

    ``applies_to`` maps a finding's code to the conditions it holds for, when not for all screened.
    """

    findings: tuple[Finding, ...]
    conditions: tuple[str, ...]
    applies_to: dict[str, tuple[str, ...]]
    matches: tuple[Match, ...]
    unknown: tuple[str, ...]
    knowledge_version: str


def _born(patient: dict[str, Any] | None) -> date | None:
    raw = patient.get("birthDate") if patient else None
    if not isinstance(raw, str):
        return None
    parts = raw.split("-") + ["01", "01"]  # FHIR allows a year or a year-month: its first day
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _icd_codes(concept: Any) -> set[str]:
    return {c["code"] for c in codings(concept) if c.get("system") in (ICD10CM, ICD10) and isinstance(c.get("code"), str)}


def pain_conditions(conditions: Iterable[dict[str, Any]], orders: Iterable[dict[str, Any]],
                    kb: KnowledgeBase) -> tuple[tuple[str, ...], date | None]:
    """Return the acupath conditions recognised (orders' reasons first, then the patient's standing
    Conditions) and the earliest onset date of a recognised Condition (None when not given)."""
    by_code = {code.code: cid for cid, doc in kb.conditions.items() for code in doc.codes}
    found: dict[str, None] = {}
    for order in orders:
        for reason in listed(order.get("reasonCode")):
            found.update((by_code[c], None) for c in _icd_codes(reason) if c in by_code)
    onsets = []
    for condition in conditions:
        recognised = [by_code[c] for c in _icd_codes(condition.get("code")) if c in by_code]
        if recognised and stands(condition):
            found.update((c, None) for c in recognised)
            onset = condition.get("onsetDateTime")
            if isinstance(onset, str) and len(onset) >= 10:
                with contextlib.suppress(ValueError):  # an impossible date is no onset
                    onsets.append(date.fromisoformat(onset[:10]))
    return tuple(c for c in found if c in CONDITIONS), min(onsets, default=None)


def _answers(matches: Iterable[Match]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    fields: dict[str, Any] = {}
    medications: list[dict[str, str]] = []
    for match in matches:
        answer = match.answer
        if answer.answer == "medications":
            medications.append({"name": match.text[:100], "class": str(answer.value)})
            continue
        *parents, leaf = answer.answer.split(".")
        node = fields
        for part in parents:
            node = node.setdefault(part, {})
        node.setdefault(leaf, answer.value)  # the first match wins: the graver value is listed first
    return fields, medications


def ehr_intake(prefetch: dict[str, Any], matches: Iterable[Match], condition: str, born: date | None,
               onset: date | None, today: date) -> Intake:
    """Return the intake the EHR record gives for ``condition`` (see the module docstring).

    Raises ``KnowledgeError`` when ehr_terms.yaml names an intake field or value the intake refuses.
    """
    fields, medications = _answers(matches)
    patient = next(resources_in(prefetch.get("patient")), None)
    sex = patient.get("gender") if patient else None
    data: dict[str, Any] = {
        **fields,
        "patient": {"id": _PSEUDONYM, "birth_date": min(born or today, today),
                    "sex": sex if sex in ("female", "male", "other") else "unknown",
                    **fields.get("patient", {})},
        "condition": condition,
        "pain": {"duration_weeks": max(0, (today - onset).days // 7) if onset else 0, "nrs": 0},
        "schedule": {"start": today, "clinic_days": ["mon"]},
    }
    if prefetch.get("medications") is not None:
        data["medications"] = medications
    try:
        return Intake.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError("ehr_terms.yaml", "answers", f"gives an intake the intake refuses: {exc.errors()[0]['msg']}") from None


_AGE_OPERATORS = frozenset({"age_over", "onset_age_over"})


def _reads_age(when: Any) -> bool:
    """Return whether a safety.yaml condition reads the patient's age anywhere in it."""
    name, operand = when.operator()
    if name in ("all", "any"):
        return any(_reads_age(c) for c in operand)
    if name == "not":
        return _reads_age(operand)
    return name in _AGE_OPERATORS


def screen_record(prefetch: dict[str, Any], orders: Iterable[dict[str, Any]], kb: KnowledgeBase,
                  today: date) -> EhrScreening:
    """Return the ``EhrScreening`` of the prefetched record (``prefetch`` as sent; None values are missing).

    Raises ``KnowledgeError`` as ``ehr_intake`` does.
    """
    resources = [r for key in RECORD_KEYS for r in resources_in(prefetch.get(key))]
    matches = record_matches(resources, kb.ehr_terms)
    conditions, onset = pain_conditions((r for r in resources if r.get("resourceType") == "Condition"), orders, kb)
    patient = next(resources_in(prefetch.get("patient")), None)
    born = _born(patient)
    unknown = [f"the {label} (not sent)" for key, label in RECORD_KEYS.items() if prefetch.get(key) is None]
    if patient is None:
        unknown.append("the Patient (not sent)")
    if born is None:
        unknown.append("the birth date: age rules were not applied")
    if not conditions:
        unknown.append("the pain condition: every condition's rules were applied")
        conditions = CONDITIONS
    elif onset is None:
        unknown.append("when the pain began: taken as recent")
    merged: dict[str, Finding] = {}
    holds_for: dict[str, list[str]] = {}
    for condition in conditions:
        intake = ehr_intake(prefetch, matches, condition, born, onset, today)
        for finding in screen(intake, kb, today).findings:
            if born is None and _reads_age(kb.safety.rule(finding.code).when):
                continue
            merged.setdefault(finding.code, finding)
            holds_for.setdefault(finding.code, []).append(condition)
    findings = sorted(merged.values(), key=lambda f: ACTION_RANK[f.action])
    applies_to = {code: tuple(cs) for code, cs in holds_for.items() if len(cs) < len(conditions)}
    return EhrScreening(findings=tuple(findings), conditions=tuple(conditions), applies_to=applies_to,
                        matches=tuple(matches), unknown=tuple(unknown), knowledge_version=kb.version)
