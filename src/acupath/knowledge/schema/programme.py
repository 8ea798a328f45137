"""programme.yaml: the multimodal programme shared by every protocol (seed 004).

Holds the multimodal components and the score triggers that add them, the adjunct point sets (sleep,
anxiety), the auricular set used when body needling is refused, the needle budget per session and the
least spacing between sessions. Triggers use a small fixed vocabulary of operators, never code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from acupath.knowledge.schema.conditions import ProtocolPoint
from acupath.knowledge.schema.document import Document, Strict

Operator = Literal[">=", ">", "<=", "<", "==", "band_in", "flag"]


class Trigger(Strict):
    """``instrument`` score ``op`` ``value``; ``band_in`` compares the instrument's band to ``bands``;
    ``flag`` holds when the score raised ``flag`` (e.g. PHQ-9 ``self_harm_risk``), whatever the total.

    ``always`` triggers hold for every plan (e.g. graded walking in the relief phase).
    """

    instrument: str | None = None
    op: Operator | None = None
    value: float | None = None
    bands: tuple[str, ...] = ()
    flag: str | None = None
    always: bool = False
    citations: tuple[str, ...] = Field(min_length=1)


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


class ProgrammeFile(Document):
    """The programme.yaml document."""

    needle_budget: NeedleBudget
    spacing: Spacing
    auricular_set: tuple[str, ...]
    auricular_citations: tuple[str, ...] = Field(min_length=1)
    adjunct_sets: tuple[AdjunctSet, ...]
    components: tuple[Component, ...]

    def cited_keys(self) -> set[str]:
        """Return every citation key in the programme."""
        keys = set(self.citations) | set(self.auricular_citations)
        keys.update(self.needle_budget.citations)
        keys.update(self.spacing.citations)
        for adjunct in self.adjunct_sets:
            keys.update(adjunct.citations)
            for point in adjunct.points:
                keys.update(point.evidence)
        for component in self.components:
            keys.update(component.citations)
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
