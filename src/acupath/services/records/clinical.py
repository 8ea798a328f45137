"""Clinical records: intakes with their scores, screenings, plans with overrides, reassessments.

Each stores the knowledge version that produced its scores, findings or plan, so a result can always
be traced back to the content that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from acupath.safety.findings import (
    Action,
    Affects,
    Finding,
    FindingKind,
    Override,
    Screening,
    ScreeningStatus,
    Severity,
)


@dataclass(kw_only=True)
class IntakeRecord:
    """An intake as recorded: the answers (the intake document) and the scores computed from them."""

    id: str
    clinic_id: str
    patient_id: str
    answers: dict[str, Any]
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    knowledge_version: str
    recorded_at: datetime
    recorded_by: str


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """Return a finding as JSON-ready values (affects as sorted lists, override or None)."""
    override = finding.override
    return {
        "code": finding.code,
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "action": finding.action.value,
        "message": finding.message,
        "citations": list(finding.citations),
        "affects": {
            "points": sorted(finding.affects.points),
            "regions": sorted(finding.affects.regions),
            "modalities": sorted(finding.affects.modalities),
            "techniques": sorted(finding.affects.techniques),
        },
        "former_codes": list(finding.former_codes),
        "override": None
        if override is None
        else {
            "finding": override.finding,
            "reason": override.reason,
            "by": override.by,
            "on": override.on.isoformat() if override.on else None,
        },
    }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    """Return the finding that ``finding_to_dict`` wrote."""
    affects = data.get("affects") or {}
    override = data.get("override")
    return Finding(
        code=data["code"],
        kind=FindingKind(data["kind"]),
        severity=Severity(data["severity"]),
        action=Action(data["action"]),
        message=data["message"],
        citations=tuple(data.get("citations", ())),
        affects=Affects(**{key: frozenset(affects.get(key, ())) for key in Affects.__dataclass_fields__}),
        former_codes=tuple(data.get("former_codes", ())),
        override=None
        if override is None
        else Override(
            finding=override["finding"],
            reason=override["reason"],
            by=override["by"],
            on=date.fromisoformat(override["on"]) if override.get("on") else None,
        ),
    )


@dataclass(kw_only=True)
class ScreeningRecord:
    """A stored screening of one intake: every finding (overridden ones marked), the status."""

    id: str
    clinic_id: str
    patient_id: str
    intake_id: str
    status: str
    findings: list[dict[str, Any]]
    knowledge_version: str
    screened_at: datetime
    screened_by: str

    @classmethod
    def from_screening(cls, screening: Screening, **fields: Any) -> ScreeningRecord:
        """Return a record of ``screening``; ``fields`` give ids, times and author."""
        return cls(
            status=screening.status.value,
            findings=[finding_to_dict(f) for f in screening.findings],
            knowledge_version=screening.knowledge_version,
            **fields,
        )

    def to_screening(self) -> Screening:
        """Return the domain ``Screening`` this record holds."""
        return Screening(
            findings=tuple(finding_from_dict(f) for f in self.findings),
            status=ScreeningStatus(self.status),
            knowledge_version=self.knowledge_version,
        )


class PlanStatus(StrEnum):
    """Where a plan stands."""

    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


@dataclass(kw_only=True)
class PlanOverride:
    """A clinician's override of one screening finding for a plan: stored, audited, always shown."""

    finding: str
    reason: str
    author: str
    at: datetime
    plan_version: int


@dataclass(kw_only=True)
class PlanRecord:
    """A plan's current version. ``version`` rises by one on every amendment; a stale one gets 409.

    ``plan`` is ``Plan.to_dict()``; ``overrides`` are every override made for this plan, oldest first.
    """

    id: str
    clinic_id: str
    patient_id: str
    intake_id: str
    screening_id: str
    version: int = 1
    status: str = PlanStatus.ACTIVE.value
    plan: dict[str, Any]
    knowledge_version: str
    overrides: list[PlanOverride] = field(default_factory=list)
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


@dataclass(kw_only=True)
class PlanRevision:
    """One version of a plan as it was written (kept so an amendment never loses the previous plan)."""

    plan_id: str
    version: int
    plan: dict[str, Any]
    screening_id: str
    status: str
    at: datetime
    by: str
    note: str = ""


@dataclass(kw_only=True)
class Reassessment:
    """Questionnaires answered again during treatment, with their scores."""

    id: str
    clinic_id: str
    patient_id: str
    plan_id: str | None = None
    assessed_on: date
    session_number: int | None = None  # the session it belongs to; None: the last one before the date
    answers: dict[str, dict[str, Any]]
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    knowledge_version: str
    recorded_at: datetime
    recorded_by: str
    version: int = 1  # rises by one on every amendment (``services.amendments``); a stale one gets 409
