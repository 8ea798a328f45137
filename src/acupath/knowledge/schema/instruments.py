"""instruments/<id>.yaml: a questionnaire, its items and its scoring rule as data.

The scoring rule is a list of ``scales`` drawn from a small fixed vocabulary of methods (``Method``);
``acupath.assessment`` interprets them and holds no clinical numbers. Thresholds (item cuts, bands,
flags) are ordered lists matched first-to-last with ``upto`` (value <= upto) and ``at_least``
(value >= at_least); an entry with neither matches everything (the "otherwise" entry).
Where sources disagree the file records the chosen value and the alternatives (``disagreements``).
An item marked ``safety_item`` (PHQ-9 item 9) is never prorated away: when it is unanswered the score
raises the ``SAFETY_ITEM_FLAG`` flag and names the item, whatever the missing-data rule allows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.regions import Region

Confidence = Literal["high", "convention", "policy"]

#: The fixed vocabulary of scoring rules (instruments.md §0):
#: sum                     sum of item scores; with ``missing: prorate`` the sum x n/answered (PHQ-9)
#: mean                    mean of the answered item scores (BPI, PEG)
#: percent_of_answered_max sum / (maximum of the answered items) x 100 (ODI)
#: mean_rescaled           mean mapped linearly from ``rescale.source`` onto ``rescale.target`` (KOOS)
#: sum_of_scales           sum of other scales, valid only if all are (PSQI global, FIQR, WOMAC)
#: sleep_efficiency        hours asleep / time in bed x 100 from two clock items (PSQI C4)
Method = Literal["sum", "mean", "percent_of_answered_max", "mean_rescaled", "sum_of_scales", "sleep_efficiency"]

#: The flag a score raises when an item marked ``safety_item`` is unanswered (reserved: no instrument
#: file may define a flag with this id). Screening turns it into a finding (safety.yaml).
SAFETY_ITEM_FLAG = "safety_item_unanswered"


class Threshold(Strict):
    """One entry of an ordered threshold list: matches when value <= upto and value >= at_least."""

    upto: float | None = None
    at_least: float | None = None

    def matches(self, value: float) -> bool:
        """Return whether ``value`` lies inside this entry's bounds."""
        return (self.upto is None or value <= self.upto) and (self.at_least is None or value >= self.at_least)


class Cut(Threshold):
    """Recode a raw number into a score (PSQI component tables)."""

    score: float


class ResponseOption(Strict):
    """One printed response: what is recorded (``answer``), its label, and the points it scores."""

    answer: int | str
    label: str
    score: float | None = None  # None: the answer itself is the score

    @property
    def points(self) -> float:
        """Return the points this option scores."""
        return float(self.score if self.score is not None else self.answer)  # type: ignore[arg-type]


class NumberRange(Strict):
    """A free numeric answer (NRS, VAS mm, MIDAS days, PSQI minutes and hours)."""

    min: float
    max: float
    integer: bool = True
    unit: str | None = None


class SafetyItem(Strict):
    """Why an item must be answered before treatment, and the source that says so."""

    reason: str = Field(min_length=10)
    citation: str


class Item(Strict):
    """One question. ``kind`` says how it is answered: a printed option, a number, or a clock time."""

    key: str
    text: str
    kind: Literal["choice", "number", "clock"] = "choice"
    options: str | None = None  # name of an entry in ``option_sets``
    range: NumberRange | None = None
    scored: bool = True
    reversed: bool = False  # score = (lowest + highest option score) - score
    missing_as: float | None = None  # a missing answer counts as this score (RMDQ unticked, PSQI Q5j)
    cuts: tuple[Cut, ...] = ()  # recode the raw number into the item score (PSQI Q2)
    loinc: str | None = None
    #: Set on an item that must be asked before treatment (PHQ-9 item 9): never prorated away.
    safety_item: SafetyItem | None = None

    @model_validator(mode="after")
    def _answer_shape(self) -> Item:
        if self.kind == "choice" and not self.options:
            raise ValueError(f"item {self.key}: a choice item needs 'options'")
        if self.kind == "number" and self.range is None:
            raise ValueError(f"item {self.key}: a number item needs 'range'")
        if self.safety_item is not None and self.missing_as is not None:
            raise ValueError(f"item {self.key}: a safety item cannot count a missing answer as a score")
        return self


class Rescale(Strict):
    """A linear map of a mean from ``source`` [a, b] onto ``target`` [c, d]."""

    source: tuple[float, float]
    target: tuple[float, float]


class ClockItems(Strict):
    """The items sleep efficiency is computed from (PSQI Q1, Q3, Q4)."""

    bedtime: str
    rise: str
    hours_asleep: str


class Scale(Strict):
    """A score computed from items or other scales: the total, a subscale or a component."""

    id: str
    label: str
    method: Method
    items: tuple[str, ...] = ()
    scales: tuple[str, ...] = ()
    min_answered: int | None = None  # None: every item must be answered
    missing: Literal["invalid", "prorate"] = "invalid"  # prorate: sum x n/answered when >= min_answered
    divide_by: float = 1.0
    rescale: Rescale | None = None
    clock: ClockItems | None = None
    cuts: tuple[Cut, ...] = ()  # recode the result (PSQI components)
    range: tuple[float, float] | None = None
    missing_rule: str | None = None
    confidence: Confidence = "high"


class Band(Threshold):
    """An interpretation band; ``scale`` defaults to the instrument's total."""

    id: str
    label: str
    scale: str | None = None


class Flag(Threshold):
    """A finding raised from one item's answer score regardless of the total (PHQ-9 item 9)."""

    id: str
    item: str
    note: str
    citation: str | None = None


class Alternative(Strict):
    """A value another source uses, with that source."""

    value: str
    source: str  # citation key


class Disagreement(Strict):
    """Where sources disagree: what this file chose and what others use."""

    topic: str
    chosen: str
    confidence: Confidence
    alternatives: tuple[Alternative, ...] = ()
    note: str | None = None


class Mcid(Strict):
    """A minimal clinically important change of one scale, in points and/or percent of baseline."""

    scale: str | None = None  # None: the total
    points: float | None = None
    percent: float | None = None
    source: str
    verified: bool = True
    note: str | None = None


class ChangeCategory(Strict):
    """An IMMPACT pain-intensity category: reached when the percent improvement is at least this."""

    id: str
    at_least_percent: float | None = None  # None: the category for everything below the others


class ChangeCategories(Strict):
    """IMMPACT categories for a pain-intensity scale (instruments.md §20), best first."""

    scale: str | None = None
    source: str
    categories: tuple[ChangeCategory, ...]


class Licence(Strict):
    """Who holds the instrument and what use needs."""

    status: Literal["public_domain", "free_with_conditions", "permission_required", "licence_required",
                    "unverified"]
    holder: str | None = None
    note: str
    source: str | None = None


class Loinc(Strict):
    """LOINC codes, where instruments.md §21 or stack.md ("FHIR") found them; ``verified`` False where
    the sources disagree or found the code only in a public repository (the FHIR export marks it)."""

    panel: str | None = None
    score: str | None = None
    source: str
    verified: bool = True
    note: str | None = None


class InstrumentFile(Document):
    """One instrument: items, options, scales, bands, flags, MCID, licence and worked examples."""

    name: str
    recall: str | None = None
    #: The recall period in days: the scheduler gives the instrument again only once it has passed.
    recall_days: int | None = Field(default=None, ge=0, le=366)
    #: The body regions the instrument was made for (ODI: lower back); empty when it fits any region.
    #: A condition may name it for reassessment only when one of its regions is here (integrity check).
    regions: tuple[Region, ...] = ()
    direction: Literal["higher_is_worse", "higher_is_better"] = "higher_is_worse"
    licence: Licence
    option_sets: dict[str, tuple[ResponseOption, ...]] = Field(default_factory=dict)
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    total: str | None  # the scale reported as the total; None when there is none (KOOS)
    bands: tuple[Band, ...] = ()
    bands_source: str | None = None
    flags: tuple[Flag, ...] = ()
    mcid: tuple[Mcid, ...] = ()
    change_categories: ChangeCategories | None = None
    loinc: Loinc | None = None
    disagreements: tuple[Disagreement, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> InstrumentFile:
        keys = {item.key for item in self.items}
        if len(keys) != len(self.items):
            raise ValueError("duplicate item key")
        scale_ids: set[str] = set()
        for item in self.items:
            if item.options is not None and item.options not in self.option_sets:
                raise ValueError(f"item {item.key}: unknown option set {item.options!r}")
        for scale in self.scales:
            for key in scale.items:
                if key not in keys:
                    raise ValueError(f"scale {scale.id}: unknown item {key!r}")
            for ref in scale.scales:
                if ref not in scale_ids:
                    raise ValueError(f"scale {scale.id}: scale {ref!r} must be defined before it")
            if scale.method == "mean_rescaled" and scale.rescale is None:
                raise ValueError(f"scale {scale.id}: mean_rescaled needs 'rescale'")
            if scale.method == "sleep_efficiency" and scale.clock is None:
                raise ValueError(f"scale {scale.id}: sleep_efficiency needs 'clock'")
            scale_ids.add(scale.id)
        if self.total is not None and self.total not in scale_ids:
            raise ValueError(f"total {self.total!r} is not a scale")
        for band in self.bands:
            if (band.scale or self.total) not in scale_ids:
                raise ValueError(f"band {band.id}: no scale to classify")
        for flag in self.flags:
            if flag.item not in keys:
                raise ValueError(f"flag {flag.id}: unknown item {flag.item!r}")
            if flag.id == SAFETY_ITEM_FLAG:
                raise ValueError(f"flag {flag.id}: reserved for unanswered safety items")
        return self

    def safety_items(self) -> tuple[str, ...]:
        """Return the keys of the items marked ``safety_item``, in file order."""
        return tuple(item.key for item in self.items if item.safety_item is not None)

    def cited_keys(self) -> set[str]:
        """Return the header citations plus every source named by licence, bands, MCID and alternatives."""
        keys = set(self.citations)
        keys.update(m.source for m in self.mcid)
        keys.update(a.source for d in self.disagreements for a in d.alternatives)
        keys.update(f.citation for f in self.flags if f.citation)
        keys.update(i.safety_item.citation for i in self.items if i.safety_item is not None)
        for extra in (self.bands_source, self.licence.source, self.loinc.source if self.loinc else None,
                      self.change_categories.source if self.change_categories else None):
            if extra:
                keys.add(extra)
        return keys
