"""Scoring one questionnaire: ``score(instrument_id, answers)`` returns a ``Score``.

Each instrument file is compiled once per knowledge base into a ``Scorer`` (item rules, scale rules,
bands and flags) and cached, so a call is a few dictionary lookups and sums (instruments.md §0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from acupath.assessment.items import ItemRule, compile_item
from acupath.assessment.scales import ScaleRule, compile_scale
from acupath.errors import InputError, UnknownInstrument, UnknownItem
from acupath.knowledge import KnowledgeBase, load_knowledge
from acupath.knowledge.schema.instruments import SAFETY_ITEM_FLAG, Band, InstrumentFile


def display_number(value: float | None) -> float | int | None:
    """Return ``value`` for display and storage: a whole number as int, otherwise rounded to 2 places.

    instruments.md §24a.13: keep full precision internally and round only for display.
    """
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


@dataclass(frozen=True)
class Score:
    """The result of scoring one questionnaire.

    ``total`` is None when the instrument has no total or it cannot be computed; ``subscales`` maps each
    other scale to its value or None; ``valid`` is False when any scale could not be computed and
    ``reason`` then says which and why. ``missing_safety_items`` names the unanswered items marked
    ``safety_item`` (PHQ-9 item 9); when there is any, ``flags`` ends with ``safety_item_unanswered``
    even though the missing-data rule may still prorate the total.
    """

    instrument: str
    version: str
    knowledge_version: str
    total: float | None
    subscales: dict[str, float | None]
    band: dict[str, str] | None
    flags: tuple[str, ...]
    valid: bool
    reason: str | None = None
    answered: int = field(default=0, compare=False)
    missing_safety_items: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the score as JSON-ready data: numbers rounded for display, and ``total_exact``, the
        total at full precision that a stored score is compared with its baseline by (instruments.md
        §24a.13: keep full precision internally, round only for display; PEG 20/3 -> 14/3 is 30 %, but
        6.67 -> 4.67 is 29.98 %)."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": display_number(self.total),
            "total_exact": self.total,
            "subscales": {key: display_number(value) for key, value in self.subscales.items()},
            "band": self.band,
            "flags": list(self.flags),
            "missing_safety_items": list(self.missing_safety_items),
            "valid": self.valid,
            "reason": self.reason,
            "knowledge_version": self.knowledge_version,
        }


class Scorer:
    """One instrument compiled for scoring: built once per knowledge base by ``scorer_for``."""

    def __init__(self, doc: InstrumentFile, knowledge_version: str) -> None:
        self.doc = doc
        self.knowledge_version = knowledge_version
        self.items: dict[str, ItemRule] = {item.key: compile_item(doc, item) for item in doc.items}
        self.scales: tuple[ScaleRule, ...] = tuple(compile_scale(s, self.items) for s in doc.scales)
        self.subscale_ids = tuple(s.id for s in doc.scales if s.id != doc.total)
        self.defaults = {key: rule.missing_as for key, rule in self.items.items() if rule.missing_as is not None}
        self.flags = tuple((flag, flag.item) for flag in doc.flags)
        self.safety_items = doc.safety_items()
        self.bands: tuple[tuple[Band, str], ...] = tuple((b, b.scale or doc.total or "") for b in doc.bands)
        self.allowed_items = ", ".join(self.items)

    def read_answers(self, answers: Mapping[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
        """Return ``(points, raw)`` of every answered item (None counts as not answered).

        Raises ``UnknownItem`` for a key the instrument does not have and ``ValueNotAllowed`` for an
        answer outside the item's options.
        """
        points: dict[str, float] = dict(self.defaults)
        raw: dict[str, float] = {}
        items = self.items
        for key, value in answers.items():
            rule = items.get(key)
            if rule is None:
                raise UnknownItem(f"{self.doc.id}.{key}", "no such item", self.allowed_items)
            if value is None:
                continue
            points[key], raw[key] = rule.read(value)
        return points, raw

    def band_for(self, results: Mapping[str, float | None]) -> dict[str, str] | None:
        """Return the first band (in file order) whose bounds hold, or None if none can be decided."""
        for band, scale in self.bands:
            value = results.get(scale)
            if value is None:
                return None
            if band.matches(value):
                return {"id": band.id, "label": band.label}
        return None

    def flags_for(self, points: Mapping[str, float], missing_safety: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Return the ids of the flags raised by the answered items, then ``safety_item_unanswered``
        when ``missing_safety`` names any unanswered safety item."""
        raised = []
        for flag, key in self.flags:
            value = points.get(key)
            if value is not None and flag.matches(value):
                raised.append(flag.id)
        if missing_safety:
            raised.append(SAFETY_ITEM_FLAG)
        return tuple(raised)

    def score(self, answers: Mapping[str, Any]) -> Score:
        """Return the ``Score`` of ``answers``; raises ``InputError`` subclasses for bad input."""
        points, raw = self.read_answers(answers)
        results: dict[str, float | None] = {}
        reasons = []
        for rule in self.scales:
            value, reason = rule.evaluate(points, raw, results)
            results[rule.scale.id] = value
            if reason:
                reasons.append(reason)
        total_id = self.doc.total
        # A safety item is never prorated away (PHQ-9 item 9, instruments.md §11): name it instead.
        missing_safety = tuple(key for key in self.safety_items if key not in points)
        return Score(
            instrument=self.doc.id,
            version=self.doc.version,
            knowledge_version=self.knowledge_version,
            total=results[total_id] if total_id else None,
            subscales={key: results[key] for key in self.subscale_ids},
            band=self.band_for(results),
            flags=self.flags_for(points, missing_safety),
            valid=not reasons,
            reason="; ".join(reasons) if reasons else None,
            answered=len(raw),
            missing_safety_items=missing_safety,
        )


def scorer_for(instrument_id: str, kb: KnowledgeBase | None = None) -> Scorer:
    """Return the compiled ``Scorer`` of ``instrument_id`` (compiled once per knowledge base: ``kb.derived``).

    Raises ``UnknownInstrument`` naming the instrument ids the knowledge base holds.
    """
    kb = kb if kb is not None else load_knowledge()
    doc = kb.instruments.get(instrument_id)
    if doc is None:
        raise UnknownInstrument("instrument", f"unknown instrument {instrument_id!r}", sorted(kb.instruments))
    return kb.derived.get("assessment.scorers", instrument_id, lambda: Scorer(doc, kb.version))


def score(instrument_id: str, answers: Mapping[str, Any], kb: KnowledgeBase | None = None) -> Score:
    """Score one questionnaire.

    ``answers`` maps item keys to answers (a missing key or None is an unanswered item). Returns the
    ``Score`` with the instrument file's version and the knowledge-base version. Raises
    ``UnknownInstrument``, ``UnknownItem`` or ``ValueNotAllowed`` naming the problem and what is allowed.
    """
    return scorer_for(instrument_id, kb).score(answers)


def score_questionnaires(
    questionnaires: Mapping[str, Mapping[str, Any]], kb: KnowledgeBase | None = None, field: str = "questionnaires"
) -> dict[str, Score]:
    """Score every questionnaire of an intake or reassessment, keyed by instrument id.

    Returns the scores. Raises ``InputError`` naming ``<field>.<instrument>`` for an unknown instrument
    and ``<field>.<instrument>.<item>`` for an unknown item or an answer that is not allowed, so that a
    form, the CLI and the API all point at the same answer.
    """
    scores: dict[str, Score] = {}
    for instrument_id, answers in questionnaires.items():
        try:
            scores[instrument_id] = score(instrument_id, answers, kb)
        except InputError as exc:
            # The scorer names "<instrument>.<item>", or "instrument" when the id itself is unknown.
            where = instrument_id if exc.field == "instrument" else exc.field
            raise type(exc)(f"{field}.{where}", exc.problem, exc.allowed) from None
    return scores
