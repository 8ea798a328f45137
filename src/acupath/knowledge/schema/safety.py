"""safety.yaml: red flags, contraindications and cautions as data (DESIGN.md, "Safety is a property").

Each rule has a ``when`` condition written in a small fixed vocabulary of operators (never evaluated as
code; ``acupath.safety.rules`` interprets it), what it ``affects`` in a plan, and its citations.
Two further sections hold what applies to every patient: ``standing`` rules (never overridable, never a
finding: EA across the chest, needling-prohibited points) and ``ea_geometry`` (which regions an
electrode pair's current crosses). The depth and angle caution of a flagged point is points.yaml's
``flag_rules`` guidance, so that one file holds it.

Condition operators (exactly one key per condition)::

    all: [cond, ...]            every condition holds
    any: [cond, ...]            at least one holds
    not: cond                   the condition does not hold
    field_true: history.cancer  the intake field is true
    field_equals: {field: safety.bleeding_disorder, value: severe}
    field_in: {field: safety.epilepsy, values: [poorly_controlled]}
    field_nonempty: safety.skin_lesions_at
    field_below: {field: patient.pregnancy.weeks, value: 13}   the number field is set and below value
    age_over: 50                age in whole years on the screening day is above the value
    onset_age_over: 50          age when the pain began (today minus pain.duration_weeks) is above it
    condition_in: [migraine]    the intake's condition is one of these
    score_flag: {instrument: phq9, flag: self_harm_risk}   scoring the questionnaire raised the flag
    safety_item_unanswered: true   a questionnaire of the intake left an item marked safety_item blank
    medication_class_in: [anticoagulant]   the intake's medication list has a drug of one of these classes
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.medications import DrugClass
from acupath.knowledge.schema.regions import Region

Modality = Literal["manual", "electro", "auricular", "warm_needle", "heat", "acupressure"]
Kind = Literal["red_flag", "contraindication", "caution"]
SeverityName = Literal["urgent", "high", "moderate", "low"]
ActionName = Literal["urgent_referral", "referral", "exclude", "caution"]

_TECHNIQUE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_PATH = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_POINT_CODE = re.compile(r"^[A-Z]{2,3}\d{1,2}$|^EX-[A-Z]{1,3}\d{1,2}$")
_OPERATORS = (
    "all", "any", "not_", "always", "field_true", "field_equals", "field_in", "field_nonempty", "field_below",
    "age_over", "onset_age_over", "condition_in", "score_flag", "safety_item_unanswered", "medication_class_in",
)


def _field_path(value: str) -> str:
    if not _FIELD_PATH.match(value):
        raise ValueError(f"field path must be dotted lower_snake_case like history.cancer, got {value!r}")
    return value


class _OnField(Strict):
    """An operand that names an intake field by its dotted path."""

    field: str

    @field_validator("field")
    @classmethod
    def _path(cls, value: str) -> str:
        return _field_path(value)


class FieldValue(_OnField):
    """Operand of ``field_equals``."""

    value: str | int | bool


class FieldValues(_OnField):
    """Operand of ``field_in``."""

    values: tuple[str | int | bool, ...] = Field(min_length=1)


class FieldBelow(_OnField):
    """Operand of ``field_below``: a whole-number intake field and the value it must be below."""

    value: int


class ScoreFlag(Strict):
    """Operand of ``score_flag``: an instrument id and a flag its score may raise."""

    instrument: str
    flag: str


class When(Strict):
    """One condition: exactly one operator key is set."""

    all: tuple[When, ...] | None = None
    any: tuple[When, ...] | None = None
    not_: When | None = Field(default=None, alias="not")
    always: Literal[True] | None = None
    field_true: str | None = None
    field_equals: FieldValue | None = None
    field_in: FieldValues | None = None
    field_nonempty: str | None = None
    field_below: FieldBelow | None = None
    age_over: int | None = Field(default=None, ge=0, le=130)
    onset_age_over: int | None = Field(default=None, ge=0, le=130)
    condition_in: tuple[str, ...] | None = None
    score_flag: ScoreFlag | None = None
    safety_item_unanswered: Literal[True] | None = None
    medication_class_in: tuple[DrugClass, ...] | None = Field(default=None, min_length=1)

    @field_validator("field_true", "field_nonempty")
    @classmethod
    def _paths(cls, value: str | None) -> str | None:
        return None if value is None else _field_path(value)

    @model_validator(mode="after")
    def _exactly_one(self) -> When:
        used = [name for name in _OPERATORS if getattr(self, name) is not None]
        if len(used) != 1:
            allowed = ", ".join(n.rstrip("_") for n in _OPERATORS)
            raise ValueError(f"a condition needs exactly one operator, got {used or 'none'} (allowed: {allowed})")
        return self

    def operator(self) -> tuple[str, Any]:
        """Return the one operator set and its operand, e.g. ``("field_true", "history.cancer")``."""
        for name in _OPERATORS:
            operand = getattr(self, name)
            if operand is not None:
                return name.rstrip("_"), operand
        raise AssertionError("validated to hold one operator")  # pragma: no cover


class AffectsSpec(Strict):
    """What a rule removes from (or qualifies in) a plan.

    ``points_flagged`` names point flags resolved against points.yaml; ``regions_from`` names an intake
    field holding side-aware regions (``safety.skin_lesions_at``); ``ea_over_regions`` adds a technique
    ``ea_over_region:<region>`` for every region, so that no electrode pair runs over or across it;
    ``ea_regions`` adds that technique for regions whose points stay allowed (EA is kept off them only);
    ``ea_points`` and ``ea_points_flagged`` add ``ea_at_point:<code>``: no electrode on those points.
    ``heat_regions`` and ``heat_regions_from`` (an intake field of regions) add ``heat_near_region:<region>``:
    no warm needle, moxibustion or heat lamp at that region or at a region next to it (``EaGeometry.joins``).
    """

    points: tuple[str, ...] = ()
    points_flagged: tuple[str, ...] = ()
    regions: tuple[Region, ...] = ()
    regions_from: str | None = None
    ea_over_regions: bool = False
    ea_regions: tuple[Region, ...] = ()
    ea_points: tuple[str, ...] = ()
    ea_points_flagged: tuple[str, ...] = ()
    heat_regions: tuple[Region, ...] = ()
    heat_regions_from: str | None = None
    modalities: tuple[Modality, ...] = ()
    techniques: tuple[str, ...] = ()

    @field_validator("points", "ea_points")
    @classmethod
    def _codes(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        for code in codes:
            if not _POINT_CODE.match(code):
                raise ValueError(f"not a point code: {code!r}")
        return codes

    @field_validator("techniques")
    @classmethod
    def _techniques(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not _TECHNIQUE.match(name):
                raise ValueError(f"technique must be lower_snake_case, got {name!r}")
        return names

    @field_validator("regions_from", "heat_regions_from")
    @classmethod
    def _from(cls, value: str | None) -> str | None:
        return None if value is None else _field_path(value)


class Position(Strict):
    """What one source says where sources disagree."""

    citation: str
    says: str
    status: Literal["verified", "unverified", "contradicted", "traditional"] = "verified"


class Disagreement(Strict):
    """Sources that disagree on a rule: what acupath chose, and every position with its status."""

    chosen: str
    positions: tuple[Position, ...] = Field(min_length=2)


class Rule(Strict):
    """One red flag, contraindication or caution, found when ``when`` holds for an intake."""

    code: str
    kind: Kind
    severity: SeverityName
    action: ActionName
    message: str = Field(min_length=10)
    #: What the finding means, said to the patient (the printed plan's "For your safety"): the message in
    #: plain words, with no point codes and no placeholders; it restates the rule, under its citations.
    for_patient: str = Field(min_length=20)
    citations: tuple[str, ...] = Field(min_length=1)
    when: When
    affects: AffectsSpec = AffectsSpec()
    note: str | None = None
    disagreement: Disagreement | None = None
    #: Codes this rule carried in earlier versions of safety.yaml: an override written against one of
    #: them (in an intake file or a stored plan) answers this rule, so a renaming never drops it.
    former_codes: tuple[str, ...] = ()

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _TECHNIQUE.match(value):
            raise ValueError(f"rule code must be lower_snake_case, got {value!r}")
        return value

    @field_validator("former_codes")
    @classmethod
    def _former_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not _TECHNIQUE.match(code):
                raise ValueError(f"former code must be lower_snake_case, got {code!r}")
        return value


class StandingRule(Strict):
    """A constraint on every plan for every patient: never a finding, never overridable."""

    code: str
    message: str
    citations: tuple[str, ...] = Field(min_length=1)
    affects: AffectsSpec


class EaGeometry(Strict):
    """The layout of the body as safety reasons over it: electrode pairs and what lies next to what.

    ``limbs`` (ordered from the trunk outwards) and ``trunk_segments`` are the groups an electrode pair
    must stay within: one limb on one side, or one trunk segment on one side (its midline points belong
    to either half). A region in no group (head, neck, perineum) takes no electrode pair. A pair touching
    a ``chest_regions`` point, or joining left and right where either point lies in
    ``upper_body_regions``, or joining a midline ``thorax_regions`` point to an ``upper_limb_regions``
    point, crosses the chest. A left-right pair of ``lower_body_regions`` points crosses
    ``pelvic_crossing_regions``. On one side, a pair along a limb crosses the regions between its points.
    Regions are next to each other when they follow each other in a limb or are listed in ``joins``.
    """

    limbs: dict[str, tuple[Region, ...]] = Field(min_length=1)
    trunk_segments: dict[str, tuple[Region, ...]] = Field(min_length=1)
    joins: tuple[tuple[Region, Region], ...] = ()
    chest_regions: tuple[Region, ...]
    thorax_regions: tuple[Region, ...]
    upper_body_regions: tuple[Region, ...]
    upper_limb_regions: tuple[Region, ...]
    lower_body_regions: tuple[Region, ...]
    pelvic_crossing_regions: tuple[Region, ...]
    citations: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _groups_apart(self) -> EaGeometry:
        seen: dict[str, str] = {}
        for name, regions in (*self.limbs.items(), *self.trunk_segments.items()):
            for region in regions:
                if region in seen:
                    raise ValueError(f"region {region!r} is in both {seen[region]!r} and {name!r}")
                seen[region] = name
        return self

    @property
    def limb_chains(self) -> tuple[tuple[str, ...], ...]:
        """Return each limb's regions in order from the trunk outwards."""
        return tuple(self.limbs.values())

    def group_of(self, region: str) -> tuple[str, bool] | None:
        """Return ``(name, is_limb)`` of the limb or trunk segment holding ``region``; None when in none."""
        for name, regions in self.limbs.items():
            if region in regions:
                return name, True
        for name, regions in self.trunk_segments.items():
            if region in regions:
                return name, False
        return None

    def next_to(self, region: str) -> frozenset[str]:
        """Return the regions next to ``region`` (neighbours along a limb, and ``joins``), without itself."""
        found: set[str] = set()
        for chain in self.limb_chains:
            if region in chain:
                i = chain.index(region)
                found.update(chain[max(i - 1, 0): i + 2])
        for a, b in self.joins:
            if region in (a, b):
                found.update((a, b))
        found.discard(region)
        return frozenset(found)


class SafetyFile(Document):
    """The safety.yaml document."""

    rules: tuple[Rule, ...]
    standing: tuple[StandingRule, ...] = ()
    ea_geometry: EaGeometry

    @field_validator("rules")
    @classmethod
    def _unique(cls, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        seen: set[str] = set()
        for rule in rules:
            if rule.code in seen:
                raise ValueError(f"duplicate rule code {rule.code!r}")
            seen.add(rule.code)
        for rule in rules:
            reused = seen.intersection(rule.former_codes)
            if reused:
                raise ValueError(f"rule {rule.code!r}: former code {min(reused)!r} is a current rule's code")
        return rules

    def rule(self, code: str) -> Rule:
        """Return the rule with ``code``. Raises ``KeyError`` when there is none."""
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)

    def rule_answering(self, code: str) -> Rule | None:
        """Return the rule whose code is ``code`` (a stored finding's), else the one rule that once had it;
        None when none has, or when a former code was split between rules (``lbp_fracture`` became a
        trauma rule and an osteoporosis one: which of them a stored finding was cannot be told)."""
        for rule in self.rules:
            if code == rule.code:
                return rule
        heirs = [rule for rule in self.rules if code in rule.former_codes]
        return heirs[0] if len(heirs) == 1 else None

    def cited_keys(self) -> set[str]:
        """Return every citation key in the header, rules, standing rules, cautions and geometry."""
        keys = set(self.citations) | set(self.ea_geometry.citations)
        for rule in self.rules:
            keys |= set(rule.citations)
            if rule.disagreement is not None:
                keys |= {p.citation for p in rule.disagreement.positions}
        for entry in self.standing:
            keys |= set(entry.citations)
        return keys

    def point_codes(self) -> set[str]:
        """Return every point code named explicitly by a rule or standing rule."""
        codes: set[str] = set()
        for entry in (*self.rules, *self.standing):
            codes |= set(entry.affects.points) | set(entry.affects.ea_points)
        return codes


When.model_rebuild()
