"""Which answers cannot wait for the next visit: an item marked ``safety_item`` in its instrument file
(PHQ-9 item 9, issue 10) answered above its lowest option.

instruments.md §11: "any non-zero answer [to item 9] should trigger safety follow-up regardless of the
total" (Kroenke 2001). The rule reads the instrument file, so an instrument that marks another item as a
safety item gets the same treatment without code.
"""

from __future__ import annotations

from typing import Any

from acupath.assessment.items import compile_item
from acupath.errors import InputError
from acupath.knowledge.schema.instruments import InstrumentFile, Item


def item_of(doc: InstrumentFile, key: str) -> Item:
    """Return the item ``key`` of ``doc``. Raises ``InputError`` (field ``item``) naming the items."""
    for item in doc.items:
        if item.key == key:
            return item
    raise InputError("item", f"{doc.id} has no item {key!r}", [i.key for i in doc.items])


def read_answer(doc: InstrumentFile, item: Item, raw: Any) -> Any:
    """Return the answer to store for ``raw`` (a form's text or a JSON value), checked against the item.

    A choice item takes one of its options' answers (``"2"`` reads as the option ``2``); a number item a
    number within its range; a clock item ``HH:MM``. Raises ``InputError`` naming the item and what is allowed.
    """
    value = raw
    if isinstance(raw, str):
        text = raw.strip()
        if item.kind == "choice":
            options = doc.option_sets.get(item.options or "", ())
            value = next((o.answer for o in options if str(o.answer) == text), text)
        elif item.kind == "number":
            try:
                value = int(text) if text.lstrip("-").isdigit() else float(text)
            except ValueError:
                value = text
        else:
            value = text
    compile_item(doc, item).read(value)  # raises ValueNotAllowed (an InputError) naming the item
    return value


def raises_alarm(doc: InstrumentFile, item: Item, answer: Any) -> bool:
    """Return True when ``answer`` to ``item`` needs safety follow-up now: a safety item answered above
    the lowest score its options give. Raises ``InputError`` for an answer the item does not allow."""
    if item.safety_item is None:
        return False
    rule = compile_item(doc, item)
    points, _ = rule.read(answer)
    if rule.lookup:
        return points > min(rule.lookup.values())
    return points > rule.low


def alarming_items(doc: InstrumentFile, answers: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return ``(item, answer)`` for every saved answer of ``answers`` that ``raises_alarm``, in file order."""
    return [(item.key, answers[item.key]) for item in doc.items
            if item.key in answers and raises_alarm(doc, item, answers[item.key])]


def required_items(doc: InstrumentFile) -> list[str]:
    """Return the items a patient must answer before submitting: scored items whose blank is not a score
    (a safety item always)."""
    return [item.key for item in doc.items
            if item.safety_item is not None or (item.scored and item.missing_as is None)]
