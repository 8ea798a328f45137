"""conditions/*.yaml: one treatment protocol per condition, taken from the seeds with citations.

A protocol names its points (each with a role, a side rule, a priority, a rationale and evidence ids),
its TCM patterns (extra points, extra modalities such as warm needle), variants (an upper-back variant
of low back pain that swaps the local points), when electroacupuncture is indicated and with which
settings, its phases and session frequencies, its checkpoints and where guidelines disagree.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.regions import Region

Role = Literal["local", "distal", "pattern", "ashi", "adjunct"]
SideRule = Literal["bilateral", "affected_side", "midline", "single"]
EaIndication = Literal["central_sensitisation", "radiating_leg_pain", "moderate_severe_pain", "always"]


class ProtocolPoint(Strict):
    """One point of a protocol.

    ``priority`` orders points when the needle budget is exceeded (1 = keep longest). ``side`` says how
    many sides the point is needled on: bilateral 2, midline or single 1, affected_side 1 per affected
    side; ``needles_per_side`` is 2 for a point that is a pair of needles on each side (Yaotongdian).
    ``evidence`` holds citation keys; ``evidence_claims`` the evidence.yaml ids of the claims the plan
    prints for the point (the rationale itself states no figure).
    """

    code: str
    role: Role
    side: SideRule
    priority: int = Field(ge=1, le=9)
    rationale: str
    evidence: tuple[str, ...] = Field(min_length=1)
    evidence_claims: tuple[str, ...] = ()
    needles_per_side: int = Field(default=1, ge=1, le=2)


class AshiPoints(Strict):
    """Tender points at the site of maximum pain, found by palpation at each session."""

    needles: int = Field(ge=0, le=6)
    priority: int = Field(ge=1, le=9)
    rationale: str
    evidence: tuple[str, ...] = Field(min_length=1)


class Pattern(Strict):
    """A TCM pattern: added points and (optionally) added modalities such as warm needle or heat."""

    id: str
    title: str
    signs: str
    points: tuple[ProtocolPoint, ...] = ()
    modalities: tuple[Literal["warm_needle", "heat"], ...] = ()
    citations: tuple[str, ...] = Field(min_length=1)


class DiagnosisCode(Strict):
    """A diagnosis code of the condition, as clinical.md §4.3 gives it: ``verified`` False where the
    reference says "verify" (from general knowledge, not yet checked against the CMS tabular list)."""

    system: Literal["icd10cm"]
    code: str = Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
    display: str
    verified: bool
    source: str  # citation key
    note: str | None = None


class Variant(Strict):
    """A variant of the protocol for another intake condition (e.g. upper back pain).

    ``local_points`` replace the protocol's local points; ``electrode_pairs`` replace its pairs.
    """

    condition: str
    title: str
    local_points: tuple[ProtocolPoint, ...]
    electrode_pairs: tuple[tuple[str, str], ...] = ()
    #: The variant's body regions and, when they differ from the protocol's, its reassessment
    #: instruments (an instrument made for another region, such as the ODI, does not fit).
    regions: tuple[Region, ...] = ()
    reassessment_instruments: tuple[str, ...] | None = None
    citations: tuple[str, ...] = Field(min_length=1)
    #: The variant's own diagnosis codes (empty: none is given by the reference).
    codes: tuple[DiagnosisCode, ...] = ()


class Electroacupuncture(Strict):
    """When EA is indicated for this condition and its settings (seed 001; Han, reference §6)."""

    indications: tuple[EaIndication, ...]
    moderate_severe_from_nrs: int = Field(default=7, ge=1, le=10)
    frequency_hz: str
    intensity_ma: tuple[float, float]
    duration_min: tuple[int, int]
    electrode_pairs: tuple[tuple[str, str], ...]
    note: str | None = None
    citations: tuple[str, ...] = Field(min_length=1)
    #: evidence.yaml ids of the claims behind the settings (e.g. the intensity range and its correction).
    evidence_claims: tuple[str, ...] = ()


class Phase(Strict):
    """A phase of care: weeks it spans and how often sessions fall in it.

    Exactly one of ``per_week`` (sessions each week) or ``every_weeks`` (one session every N weeks).
    """

    id: Literal["relief", "activation", "consolidation"]
    first_week: int = Field(ge=1)
    last_week: int = Field(ge=1)
    per_week: int | None = Field(default=None, ge=1, le=3)
    every_weeks: int | None = Field(default=None, ge=1, le=8)
    note: str | None = None
    citations: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_frequency(self) -> Phase:
        if (self.per_week is None) == (self.every_weeks is None):
            raise ValueError("give exactly one of per_week or every_weeks")
        if self.last_week < self.first_week:
            raise ValueError("last_week is before first_week")
        return self


class Checkpoint(Strict):
    """A session at which progress is judged: what to expect and what to do if it is not seen."""

    id: str
    session: int = Field(ge=1)
    expect: str
    if_not: str
    citations: tuple[str, ...] = Field(min_length=1)
    evidence_claims: tuple[str, ...] = ()
    #: The payers whose plans carry it (empty: every plan); Medicare's extension checkpoint means
    #: nothing on a plan a private insurer or the patient pays.
    payers: tuple[Literal["medicare", "private", "self_pay"], ...] = ()

    def applies_to(self, payer: str) -> bool:
        """Return whether a plan paid by ``payer`` carries this checkpoint."""
        return not self.payers or payer in self.payers


class GuidelinePosition(Strict):
    """What one guideline says about acupuncture for this condition (sources may disagree).

    ``summary`` names the recommendation without figures or grades; the plan prints the guideline's
    own wording from the evidence.yaml entries named in ``evidence_claims``.
    """

    guideline: str
    position: Literal["recommended", "conditional", "weak_for", "against", "not_addressed"]
    summary: str
    citations: tuple[str, ...] = Field(min_length=1)
    evidence_claims: tuple[str, ...] = Field(min_length=1)


class DiaryResponder(Strict):
    """Who responds by headache diary: at least ``reduction_percent`` fewer ``measure`` days a month
    than at baseline (migraine: >= 50 % fewer migraine days, Linde 2016)."""

    measure: Literal["migraine_days", "headache_days"]
    reduction_percent: float = Field(gt=0, le=100)
    citations: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class ConditionFile(Document):
    """One conditions/<id>.yaml protocol."""

    points: tuple[ProtocolPoint, ...]
    ashi: AshiPoints | None = None
    patterns: tuple[Pattern, ...] = ()
    variants: tuple[Variant, ...] = ()
    electroacupuncture: Electroacupuncture
    phases: tuple[Phase, ...] = Field(min_length=1)
    minimum_sessions: int = Field(ge=1)
    checkpoints: tuple[Checkpoint, ...]
    reassessment_instruments: tuple[str, ...]
    #: The body regions the condition is treated at; empty for widespread pain (fibromyalgia).
    regions: tuple[Region, ...] = ()
    #: The responder definition of a headache diary (``acupath progress``); None when not kept.
    diary_responder: DiaryResponder | None = None
    guidelines: tuple[GuidelinePosition, ...] = ()
    #: Points added when the intake says ``pain.acute_exacerbation`` (seed 003: Yaotongdian).
    acute_exacerbation_points: tuple[ProtocolPoint, ...] = ()
    #: evidence.yaml ids of the claims about this condition that every plan for it prints.
    evidence_claims: tuple[str, ...] = ()
    #: Diagnosis codes (ICD-10-CM) for the condition's FHIR Condition (``acupath.fhir``).
    codes: tuple[DiagnosisCode, ...] = ()

    def all_points(self) -> tuple[ProtocolPoint, ...]:
        """Return every point the file names (protocol, acute-flare points, patterns, variants)."""
        found = list(self.points) + list(self.acute_exacerbation_points)
        for pattern in self.patterns:
            found.extend(pattern.points)
        for variant in self.variants:
            found.extend(variant.local_points)
        return tuple(found)

    def cited_keys(self) -> set[str]:
        """Return every citation key in the header, points, patterns, phases and checkpoints."""
        keys = set(self.citations)
        for point in self.all_points():
            keys.update(point.evidence)
        if self.ashi:
            keys.update(self.ashi.evidence)
        for group in (self.patterns, self.variants, self.phases, self.checkpoints, self.guidelines):
            for entry in group:
                keys.update(entry.citations)
        keys.update(self.electroacupuncture.citations)
        if self.diary_responder is not None:
            keys.update(self.diary_responder.citations)
        keys.update(code.source for code in self.codes)
        for variant in self.variants:
            keys.update(code.source for code in variant.codes)
        return keys

    def evidence_ids(self) -> set[str]:
        """Return every evidence.yaml id the file names (file, points, EA, checkpoints, guidelines)."""
        ids = set(self.evidence_claims) | set(self.electroacupuncture.evidence_claims)
        for point in self.all_points():
            ids.update(point.evidence_claims)
        for group in (self.checkpoints, self.guidelines):
            for entry in group:
                ids.update(entry.evidence_claims)
        return ids

    def free_text(self) -> list[tuple[str, str]]:
        """Return (where, text) for every free-text field a plan prints, for the claim check."""
        texts: list[tuple[str, str]] = [(f"points.{p.code}.rationale", p.rationale) for p in self.all_points()]
        if self.ashi:
            texts.append(("ashi.rationale", self.ashi.rationale))
        texts += [(f"patterns.{p.id}.signs", p.signs) for p in self.patterns]
        texts += [(f"checkpoints.{c.id}.expect", c.expect) for c in self.checkpoints]
        texts += [(f"checkpoints.{c.id}.if_not", c.if_not) for c in self.checkpoints]
        texts += [(f"guidelines.{g.guideline}.summary", g.summary) for g in self.guidelines]
        texts += [(f"phases.{p.id}.note", p.note) for p in self.phases if p.note]
        if self.electroacupuncture.note:
            texts.append(("electroacupuncture.note", self.electroacupuncture.note))
        return texts

    def point_codes(self) -> set[str]:
        """Return every point code named, including electrode pairs."""
        codes = {p.code for p in self.all_points()}
        for pair in self.electroacupuncture.electrode_pairs:
            codes.update(pair)
        for variant in self.variants:
            for pair in variant.electrode_pairs:
                codes.update(pair)
        return codes
