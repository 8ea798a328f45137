"""DetectedIssue: one per finding of each stored screening, with what was done about it.

A finding in force has the mitigation its rule's action says (excluded from the plan, caution shown,
referral); an overridden one has the override as its mitigation: who (a Practitioner when the override
names a user of the clinic, else their name as written), when and the written reason. Overridden
findings are exported like the others: a finding is never dropped.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.detectedissue import DetectedIssue

from acupath.fhir.canonical import Canon, reference
from acupath.fhir.resource_json import instant, maps_to
from acupath.fhir.terminology import FINDING_ACTIONS, FINDINGS, coding
from acupath.services.records import ScreeningRecord

#: acupath severities -> DetectedIssue.severity (high | moderate | low): urgent is the highest FHIR has.
SEVERITIES = {"urgent": "high", "high": "high", "moderate": "moderate", "low": "low"}
ACTION_TEXT = {"urgent_referral": "Urgent referral: nothing is needled", "referral": "Referral before any plan",
               "exclude": "Affected points, regions, modalities or techniques left out of the plan",
               "caution": "Caution shown on the plan and at every session"}


def issue_id(screening_id: str, index: int) -> str:
    """Return the id of the DetectedIssue of the ``index``-th finding (from 1) of a screening."""
    return f"{screening_id}-{index}"


def _affects(finding: dict[str, Any]) -> str:
    affects = finding.get("affects") or {}
    parts = [f"{name}: {', '.join(values)}" for name, values in affects.items() if values]
    return "; ".join(parts)


def _mitigation(finding: dict[str, Any], screening: ScreeningRecord, staff: set[str], canon: Canon) -> dict[str, Any]:
    override = finding.get("override")
    if override:
        who = override.get("by") or "unknown"
        author = reference("Practitioner", who) if who in staff else {"display": who}
        out: dict[str, Any] = {"action": {"coding": [coding(canon, FINDING_ACTIONS, "override",
                                                            "Overridden by a clinician")],
                                          "text": f"Overridden: {override.get('reason', '')}"},
                               "author": author}
        if override.get("on"):
            out["date"] = override["on"]
        return out
    action = finding.get("action", "caution")
    affects = _affects(finding)
    return {"action": {"coding": [coding(canon, FINDING_ACTIONS, action)],
                       "text": ACTION_TEXT.get(action, action) + (f" ({affects})" if affects else "")},
            "date": instant(screening.screened_at), "author": reference("Practitioner", screening.screened_by)}


@maps_to(DetectedIssue)
def detected_issues(screening: ScreeningRecord, canon: Canon, *, staff: set[str],
                    plan_ids: list[str] = ()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """Return one DetectedIssue per finding of ``screening``, in its order.

    ``staff`` are the clinic's user ids (an override's author among them is referenced as a
    Practitioner); ``plan_ids`` the plans built on this screening (``implicated``).
    """
    out = []
    for index, finding in enumerate(screening.findings, start=1):
        citations = finding.get("citations") or []
        body = {
            "resourceType": "DetectedIssue", "id": issue_id(screening.id, index), "status": "final",
            "code": {"coding": [coding(canon, FINDINGS, finding["code"])], "text": finding.get("kind", "")},
            "severity": SEVERITIES.get(finding.get("severity", ""), "moderate"),
            "patient": reference("Patient", screening.patient_id),
            "identifiedDateTime": instant(screening.screened_at),
            "author": reference("Practitioner", screening.screened_by),
            "implicated": [reference("CarePlan", plan_id) for plan_id in plan_ids] or None,
            "detail": finding.get("message"),
            "evidence": [{"detail": [{"display": f"cites {', '.join(citations)}"}]}] if citations else None,
            "mitigation": [_mitigation(finding, screening, staff, canon)],
        }
        out.append(body)
    return out
