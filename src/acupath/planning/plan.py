"""The plan: what a clinician follows session by session (value objects, JSON round trip).

``Plan.to_dict()`` gives the JSON shape printed by ``acupath plan --format json`` and read back by
``Plan.from_dict()`` (``acupath progress PLAN.json``). Dates are ISO strings in JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from typing import Any, get_args, get_origin, get_type_hints

PLANNED = "planned"  # a plan was built; the referral statuses come from screening
#: A session's cover, as ``planning.coverage`` marks it: covered, covered on improvement, or not covered.
COVERED = "covered"
CONDITIONAL = "conditional"
NOT_COVERED = "not_covered"


@dataclass(frozen=True)
class PlanFinding:
    """A screening finding as the plan shows it (overridden findings included, marked)."""

    code: str
    kind: str
    severity: str
    action: str
    message: str
    citations: tuple[str, ...] = ()
    overridden_by: str | None = None
    override_reason: str | None = None
    #: The body regions the finding keeps points, or heat, away from (a skin lesion at ``left_knee``):
    #: what the patient is told of where (empty for a finding about no place, and in plans made before).
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanOverride:
    """A clinician's override that the plan applied (shown on every rendering)."""

    finding: str
    reason: str
    by: str
    on: date | None = None


@dataclass(frozen=True)
class PlannedPoint:
    """One point of the plan: ``side`` is left, right, bilateral or midline; ``needles`` its count.

    ``technique`` is ``needle`` or ``acupressure`` / ``ear_seed`` when needling is withheld.
    ``cautions`` are depth and angle cautions from the safety constraints. ``evidence`` holds citation
    keys; ``evidence_claims`` the evidence.yaml ids whose statements the plan prints (``Plan.evidence``).
    """

    code: str
    role: str
    side: str
    needles: int
    rationale: str
    evidence: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    source: str = "protocol"
    technique: str = "needle"
    warm_needle: bool = False
    evidence_claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class AshiPlan:
    """Tender (ashi) points at the pain sites, found by palpation at each session."""

    needles: int
    sites: tuple[str, ...]
    rationale: str
    evidence: tuple[str, ...] = ()
    technique: str = "needle"


@dataclass(frozen=True)
class OmittedPoint:
    """A point left out, and why: a finding's code (``Plan.omitted_points``) or the needle budget
    (``Plan.dropped_points``)."""

    code: str
    side: str
    reason: str


@dataclass(frozen=True)
class ElectroSettings:
    """Electroacupuncture settings; ``pairs`` are (point, point, side) circuits."""

    frequency_hz: str
    intensity_ma: tuple[float, float]
    duration_min: tuple[int, int]
    pairs: tuple[tuple[str, str, str], ...]
    indication: str
    note: str | None = None
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Modality:
    """The session's modality: ``manual``, ``electro`` or ``auricular``; heat adjunct if any."""

    primary: str
    heat: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedComponent:
    """A multimodal component and the trigger that added it."""

    id: str
    title: str
    kind: str
    instructions: str
    phases: tuple[str, ...]
    trigger: str
    #: Who else takes part (programme.yaml's ``referral``: one professional, e.g. "psychologist"), or None.
    referral: str | None = None
    prescriber_review: bool = False
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedPhase:
    """A phase of care with its dates and frequency."""

    id: str
    first_week: int
    last_week: int
    frequency: str
    starts: date
    ends: date
    sessions: int
    note: str | None = None


@dataclass(frozen=True)
class Session:
    """One dated session: ``reassess`` names the instruments to give at it (empty when none).

    ``moved_from`` is the day it would have fallen on when that day was a closure, and ``closure`` the
    closure's reason ("" when none was given); both None when the session was not moved.
    """

    number: int
    date: date
    phase: str
    reassess: tuple[str, ...] = ()
    checkpoint: str | None = None
    coverage: str = "self_pay"
    moved_from: date | None = None
    closure: str | None = None


@dataclass(frozen=True)
class PlannedCheckpoint:
    """A checkpoint: at which session, on what date, what to expect and what to do if not."""

    id: str
    session: int
    date: date | None
    expect: str
    if_not: str
    citations: tuple[str, ...] = ()
    evidence_claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class Coverage:
    """Who pays: per-session status counts, warnings and the self-pay cost range."""

    payer: str
    eligible: bool
    covered: int
    conditional: int
    not_covered: int
    warnings: tuple[str, ...] = ()
    self_pay_per_session: tuple[float, float] = (0.0, 0.0)
    self_pay_total: tuple[float, float] = (0.0, 0.0)
    currency: str = "USD"
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceStatement:
    """One evidence sentence of the plan, generated from an evidence.yaml entry (never free text).

    ``text`` is the claim as the seed states it when ``status`` is verified, the claim with
    "(unverified)" when unverified, and only the correction when contradicted (the original figure is
    never carried). ``source`` is the citation key of the study (of the correction when contradicted).
    """

    id: str
    status: str
    text: str
    source: str | None = None


@dataclass(frozen=True)
class RetentionRange:
    """How long needles stay in, as one source gives it (seeds 002 and 003 differ: both are kept)."""

    minutes: tuple[int, int]
    source: str
    evidence_claim: str
    status: str


@dataclass(frozen=True)
class Plan:
    """A complete plan, or a referral (``status`` urgent_referral/referral, no points or sessions)."""

    status: str
    patient_id: str
    condition: str
    pattern: str | None
    payer: str
    knowledge_version: str
    findings: tuple[PlanFinding, ...] = ()
    overrides: tuple[PlanOverride, ...] = ()
    points: tuple[PlannedPoint, ...] = ()
    ashi: AshiPlan | None = None
    omitted_points: tuple[OmittedPoint, ...] = ()
    dropped_points: tuple[OmittedPoint, ...] = ()
    retention: tuple[RetentionRange, ...] = ()
    needles_per_session: int = 0
    modality: Modality | None = None
    electroacupuncture: ElectroSettings | None = None
    components: tuple[PlannedComponent, ...] = ()
    phases: tuple[PlannedPhase, ...] = ()
    sessions: tuple[Session, ...] = ()
    checkpoints: tuple[PlannedCheckpoint, ...] = ()
    coverage: Coverage | None = None
    guidelines: tuple[dict[str, Any], ...] = ()
    baseline: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    referral: tuple[str, ...] = ()
    evidence: tuple[EvidenceStatement, ...] = ()

    @property
    def is_referral(self) -> bool:
        """True when screening stopped planning and the plan is a referral."""
        return self.status != PLANNED

    @property
    def covers_no_visit(self) -> bool:
        """True when the payer covers none of the plan's visits (``covers_no_visit``)."""
        return covers_no_visit(s.coverage for s in self.sessions)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data (dates as ISO strings, tuples as lists)."""
        return _dump(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a plan from ``to_dict()`` output.

        Returns the plan. Raises ``ValueError`` or ``KeyError`` naming the field when the data is not
        a plan (the CLI turns these into an input error).
        """
        return _load(cls, data)


def covers_no_visit(statuses: Iterable[str]) -> bool:
    """Return True when there are visits and every one is ``not_covered`` (Medicare's NCD 30.3.3 covers
    none: pain under 12 weeks, after surgery); a private plan's ``check_plan`` visits are not so."""
    listed = list(statuses)
    return bool(listed) and all(status == NOT_COVERED for status in listed)


def _dump(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump(v) for k, v in value.items()}
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _load(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected a mapping")
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = get_type_hints(cls)
    kwargs = {}
    for f in fields(cls):
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name], f.name)
    return cls(**kwargs)


def _convert(hint: Any, value: Any, name: str) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    args = get_args(hint)
    if origin is None and is_dataclass(hint):
        return _load(hint, value)
    if hint is date:
        return date.fromisoformat(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v, name) for v in value)
        return tuple(_convert(a, v, name) for a, v in zip(args, value, strict=True))
    if args and type(None) in args:  # X | None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, name)
    return value
