"""Reading one answer: check it against the item's options or range and turn it into points.

An ``ItemRule`` is compiled once from an ``Item`` of an instrument file (reversal and option scores
folded into one lookup) so that scoring a questionnaire is a dictionary lookup per answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from acupath.errors import ValueNotAllowed
from acupath.knowledge.schema.instruments import Cut, InstrumentFile, Item

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def apply_cuts(cuts: tuple[Cut, ...], value: float) -> float:
    """Return the score of the first cut that ``value`` matches (cuts end with an "otherwise" entry)."""
    for cut in cuts:
        if cut.matches(value):
            return cut.score
    return value  # pragma: no cover - schemas end cut lists with an entry without bounds


@dataclass(frozen=True)
class ItemRule:
    """How one item's answer is checked and scored.

    ``lookup`` maps each allowed answer of a choice item to its points (reversal already applied);
    number and clock items are checked against ``low``/``high`` and scored by ``cuts`` or as given.
    """

    instrument: str
    key: str
    kind: str
    scored: bool
    lookup: dict[Any, float] | None
    allowed: str
    low: float = 0.0
    high: float = 0.0
    integer: bool = True
    cuts: tuple[Cut, ...] = ()
    max_points: float = 0.0
    missing_as: float | None = None

    def read(self, value: Any) -> tuple[float, float]:
        """Return ``(points, raw)`` for one answer; raw is the number given (minutes for a clock).

        Raises ``ValueNotAllowed`` naming the item and the allowed answers when the answer is not one.
        """
        if self.lookup is not None:
            if type(value) is not bool:  # True == 1 in Python; a tick box is not a boolean here
                try:
                    points = self.lookup.get(value)
                except TypeError:  # unhashable (a list or an object)
                    points = None
                if points is not None:
                    return points, points
            raise self._not_allowed(value)
        if self.kind == "clock":
            match = _CLOCK.match(value) if isinstance(value, str) else None
            if match is None:
                raise self._not_allowed(value)
            minutes = float(int(match.group(1)) * 60 + int(match.group(2)))
            return minutes, minutes
        if type(value) not in (int, float) or value != value:  # rejects bool, str and NaN
            raise self._not_allowed(value)
        if not self.low <= value <= self.high or (self.integer and value != int(value)):
            raise self._not_allowed(value)
        number = float(value)
        return (apply_cuts(self.cuts, number) if self.cuts else number), number

    def _not_allowed(self, value: Any) -> ValueNotAllowed:
        return ValueNotAllowed(f"{self.instrument}.{self.key}", f"answer {value!r} is not allowed", self.allowed)


def compile_item(doc: InstrumentFile, item: Item) -> ItemRule:
    """Return the ``ItemRule`` for ``item`` of ``doc``: option scores, reversal, range and cuts folded in."""
    if item.kind == "choice":
        options = doc.option_sets[item.options or ""]
        points = {option.answer: option.points for option in options}
        if item.reversed:  # instruments.md §19: reversed score = (lowest + highest) - score
            flip = min(points.values()) + max(points.values())
            points = {answer: flip - value for answer, value in points.items()}
        allowed = ", ".join(f"{o.answer!s} ({o.label})" if str(o.answer) != o.label else str(o.answer)
                            for o in options)
        return ItemRule(doc.id, item.key, item.kind, item.scored, points, allowed,
                        max_points=max(points.values()), missing_as=item.missing_as)
    if item.kind == "clock":
        return ItemRule(doc.id, item.key, item.kind, item.scored, None, "a clock time HH:MM (00:00 to 23:59)",
                        missing_as=item.missing_as)
    assert item.range is not None  # the schema requires a range for number items
    rng = item.range
    kind = "whole numbers" if rng.integer else "numbers"
    unit = f" {rng.unit}" if rng.unit else ""
    allowed = f"{kind} from {rng.min:g} to {rng.max:g}{unit}"
    top = apply_cuts(item.cuts, rng.max) if item.cuts else rng.max
    return ItemRule(doc.id, item.key, item.kind, item.scored, None, allowed, rng.min, rng.max, rng.integer,
                    item.cuts, max_points=top, missing_as=item.missing_as)
