"""programme.yaml: the multimodal programme shared by every protocol (seed 004).

Holds the multimodal components and the score triggers that add them, the adjunct point sets (sleep,
anxiety), the auricular set used when body needling is refused, the needle budget per session and the
least spacing between sessions. Triggers use a small fixed vocabulary of operators, never code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from acupath.knowledge.schema.conditions import ProtocolPoint
from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.medications import DrugClass

Operator = Literal[">=", ">", "<=", "<", "==", "band_in", "flag"]


class Trigger(Strict):
    """``instrument`` score ``op`` ``value``; ``band_in`` compares the instrument's band to ``bands``;
    ``flag`` holds when the score raised ``flag`` (e.g. PHQ-9 ``self_harm_risk``), whatever the total.

    ``always`` triggers hold for every plan (e.g. graded walking in the relief phase).
    ``medication_classes`` holds when the intake's medication list names a drug of one of these classes;
    ``medications_not_recorded`` holds when the intake has no medication list at all.
    """

    instrument: str | None = None
    op: Operator | None = None
    value: float | None = None
    bands: tuple[str, ...] = ()
    flag: str | None = None
    always: bool = False
    medication_classes: tuple[DrugClass, ...] = ()
    medications_not_recorded: bool = False
    citations: tuple[str, ...] = Field(min_length=1)


class Homework(Strict):
    """What the patient does at home for a component, and how often (``times_per_week``, 1-7).

    Adherence is the days done against ``times_per_week`` a week over the component's phases so far
    (``services.homework``); ``task`` is written for the patient.
    """

    task: str
    times_per_week: int = Field(ge=1, le=7)
    citations: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class Component(Strict):
    """One multimodal component: what it is, in which phases, and when it is added.

    ``any_of`` triggers: the component is added when at least one holds. ``adds_points`` names an
    adjunct point set added with it. ``referral`` means another professional takes part;
    ``prescriber_review`` flags a medication review with the prescriber (never a prescription).
    """

    id: str
    title: str
    kind: Literal["exercise", "psychological", "sleep", "pharmacology", "education", "mood"]
    instructions: str
    phases: tuple[Literal["relief", "activation", "consolidation"], ...]
    any_of: tuple[Trigger, ...] = Field(min_length=1)
    adds_points: str | None = None
    referral: str | None = None
    prescriber_review: bool = False
    citations: tuple[str, ...] = Field(min_length=1)
    #: Home practice the patient ticks off (portal), when the component has one.
    homework: Homework | None = None


class AdjunctSet(Strict):
    """Points added for a comorbidity (sleep, anxiety), lowest priority under the needle budget."""

    id: str
    title: str
    points: tuple[ProtocolPoint, ...]
    auricular: tuple[str, ...] = ()
    citations: tuple[str, ...] = Field(min_length=1)


class NeedleBudget(Strict):
    """How many needles a session holds (bilateral points count twice)."""

    minimum: int = Field(ge=1)
    maximum: int = Field(ge=1)
    citations: tuple[str, ...] = Field(min_length=1)


class Spacing(Strict):
    """The least number of days between two sessions."""

    min_days: int = Field(ge=1)
    citations: tuple[str, ...] = Field(min_length=1)


class PregnancyTerm(Strict):
    """No session is scheduled once a pregnant patient may have reached ``weeks`` of gestation."""

    weeks: int = Field(ge=20, le=45)
    reason: str = Field(min_length=10)
    citations: tuple[str, ...] = Field(min_length=1)
    note: str | None = None


class RetentionRange(Strict):
    """How long needles stay in, as one source gives it; ``evidence_claim`` names its evidence.yaml entry."""

    minutes: tuple[int, int]
    source: str
    evidence_claim: str


class ProgrammeFile(Document):
    """The programme.yaml document."""

    needle_budget: NeedleBudget
    spacing: Spacing
    pregnancy_term: PregnancyTerm
    auricular_set: tuple[str, ...]
    auricular_citations: tuple[str, ...] = Field(min_length=1)
    adjunct_sets: tuple[AdjunctSet, ...]
    components: tuple[Component, ...]
    #: Needle retention per session, every source's range kept (seeds 002 and 003 differ).
    needle_retention: tuple[RetentionRange, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _auricular_promises_kept(self) -> ProgrammeFile:
        # A component whose instructions promise ear points must add a point set that places them:
        # otherwise the plan would say "auricular seeds at Shenmen" and hold no ear point.
        sets = {a.id: a for a in self.adjunct_sets}
        for component in self.components:
            text = component.instructions.lower()
            if "auricular" not in text and " ear " not in f" {text} ":
                continue
            added = sets.get(component.adds_points or "")
            if added is None or not added.auricular:
                raise ValueError(
                    f"component {component.id!r} promises auricular points: it must add a point set "
                    "with 'auricular' points"
                )
        return self

    def evidence_ids(self) -> set[str]:
        """Return every evidence.yaml id the programme names (retention, adjunct points)."""
        ids = {r.evidence_claim for r in self.needle_retention}
        for adjunct in self.adjunct_sets:
            for point in adjunct.points:
                ids.update(point.evidence_claims)
        return ids

    def free_text(self) -> list[tuple[str, str]]:
        """Return (where, text) for every free-text field a plan prints, for the claim check."""
        texts = [(f"components.{c.id}.instructions", c.instructions) for c in self.components]
        for adjunct in self.adjunct_sets:
            texts += [(f"adjunct_sets.{adjunct.id}.{p.code}.rationale", p.rationale) for p in adjunct.points]
        return texts

    def cited_keys(self) -> set[str]:
        """Return every citation key in the programme."""
        keys = set(self.citations) | set(self.auricular_citations)
        keys.update(self.needle_budget.citations)
        keys.update(self.spacing.citations)
        keys.update(r.source for r in self.needle_retention)
        keys.update(self.pregnancy_term.citations)
        for adjunct in self.adjunct_sets:
            keys.update(adjunct.citations)
            for point in adjunct.points:
                keys.update(point.evidence)
        for component in self.components:
            keys.update(component.citations)
            if component.homework is not None:
                keys.update(component.homework.citations)
            for trigger in component.any_of:
                keys.update(trigger.citations)
        return keys

    def point_codes(self) -> set[str]:
        """Return every point code named (adjunct sets and the auricular set)."""
        codes = set(self.auricular_set)
        for adjunct in self.adjunct_sets:
            codes.update(p.code for p in adjunct.points)
            codes.update(adjunct.auricular)
        return codes
