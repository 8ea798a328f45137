"""What screening finds, what each finding affects, and the overall status (the safety vocabulary).

These value objects are shared by screening (which makes findings), planning (which must honour them)
and storage (which records them with their overrides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class FindingKind(StrEnum):
    """What sort of finding it is."""

    RED_FLAG = "red_flag"
    CONTRAINDICATION = "contraindication"
    CAUTION = "caution"


class Severity(StrEnum):
    """How serious: urgent stops everything, high blocks what it affects, moderate and low warn."""

    URGENT = "urgent"
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class Action(StrEnum):
    """What the finding requires of the clinician and of the planner."""

    URGENT_REFERRAL = "urgent_referral"  # stop; emergency or same-day medical assessment
    REFERRAL = "referral"  # no plan until a medical assessment clears it (override with reason)
    EXCLUDE = "exclude"  # remove the affected points, regions, modalities or techniques from the plan
    CAUTION = "caution"  # plan may proceed; the caution is shown on the plan and on every session


class ScreeningStatus(StrEnum):
    """The overall outcome of screening, worst finding first."""

    URGENT_REFERRAL = "urgent_referral"
    REFERRAL = "referral"
    PROCEED_WITH_CAUTIONS = "proceed_with_cautions"
    PROCEED = "proceed"


@dataclass(frozen=True)
class Affects:
    """What a finding removes from, or qualifies in, a plan.

    ``points`` are point codes (``LI4``), ``regions`` region words from
    ``acupath.knowledge.schema.regions`` optionally prefixed ``left_``/``right_``, ``modalities`` are
    ``manual``, ``electro``, ``auricular``, ``warm_needle``, ``heat``, ``acupressure``, and
    ``techniques`` are needling techniques such as ``deep_needling``, ``bleeding``, ``cupping``,
    ``strong_stimulation``, ``ea_across_chest``, ``ea_over_region:<region>``.
    """

    points: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    techniques: frozenset[str] = frozenset()

    def is_empty(self) -> bool:
        """Return True when the finding removes nothing from a plan."""
        return not (self.points or self.regions or self.modalities or self.techniques)

    def to_dict(self) -> dict[str, list[str]]:
        """Return JSON-ready data: each set as a sorted list."""
        return {
            "points": sorted(self.points),
            "regions": sorted(self.regions),
            "modalities": sorted(self.modalities),
            "techniques": sorted(self.techniques),
        }


@dataclass(frozen=True)
class Override:
    """A clinician's decision to proceed despite a finding; never valid without a reason.

    ``by`` is the clinician who cleared the finding and ``on`` the day. Whether the reason, ``by`` and
    ``on`` are enough for a given finding (never "ok"-style; an urgent one needs all three) is decided
    where the override meets its finding, by ``acupath.safety.overrides.override_problems``.
    """

    finding: str
    reason: str
    by: str
    on: date | None = None

    def __post_init__(self) -> None:
        if not self.reason or not self.reason.strip():
            raise ValueError(f"override of {self.finding}: a reason is required")
        if not self.by or not self.by.strip():
            raise ValueError(f"override of {self.finding}: the clinician's name is required")


@dataclass(frozen=True)
class Finding:
    """One red flag, contraindication or caution found at screening.

    ``code`` is the rule's id in safety.yaml; ``citations`` are citation keys; ``override`` is set when
    a clinician overrode it (the finding is still shown, marked as overridden); ``note`` records a
    disagreement between sources and the position acupath took.
    """

    code: str
    kind: FindingKind
    severity: Severity
    action: Action
    message: str
    citations: tuple[str, ...]
    affects: Affects = field(default_factory=Affects)
    override: Override | None = None
    #: Where sources disagree or a threshold was chosen: what acupath chose and why (safety.yaml).
    note: str | None = None
    #: The rule's earlier codes (safety.yaml ``former_codes``): an override naming one answers this finding.
    former_codes: tuple[str, ...] = ()

    def answers_to(self, code: str) -> bool:
        """True when an override naming ``code`` is about this finding (its code or a former one)."""
        return code == self.code or code in self.former_codes

    @property
    def in_force(self) -> bool:
        """True while no override with a reason stands against this finding."""
        return self.override is None

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data (enums as their values, the override with its ISO date or null)."""
        override = None
        if self.override is not None:
            on = self.override.on.isoformat() if self.override.on else None
            override = {"reason": self.override.reason, "by": self.override.by, "on": on}
        return {
            "code": self.code,
            "kind": self.kind.value,
            "severity": self.severity.value,
            "action": self.action.value,
            "message": self.message,
            "citations": list(self.citations),
            "affects": self.affects.to_dict(),
            "in_force": self.in_force,
            "override": override,
            "note": self.note,
        }


@dataclass(frozen=True)
class Screening:
    """The result of screening one intake: every finding (none dropped) and the status."""

    findings: tuple[Finding, ...]
    status: ScreeningStatus
    knowledge_version: str

    @property
    def blocks_planning(self) -> bool:
        """True when an urgent or referral finding is still in force: no plan may be built."""
        return self.status in (ScreeningStatus.URGENT_REFERRAL, ScreeningStatus.REFERRAL)

    def in_force(self) -> tuple[Finding, ...]:
        """Return the findings that have not been overridden."""
        return tuple(f for f in self.findings if f.in_force)

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data: status, every finding (overridden ones marked), knowledge version."""
        return {
            "status": self.status.value,
            "findings": [f.to_dict() for f in self.findings],
            "knowledge_version": self.knowledge_version,
        }
