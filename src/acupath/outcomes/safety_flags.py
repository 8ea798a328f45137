"""Questionnaire flags raised at a reassessment: what must be followed up whatever the change.

A flag (PHQ-9 item 9 above 0: ``self_harm_risk``) or an unanswered safety item (``safety_item_unanswered``)
needs safety follow-up regardless of the total (instruments.md §11, §24a.2), at a reassessment as at the
intake, where screening refers it. Unlike the change from baseline, a flag is never left out because the
questionnaire was given again within its recall period.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from acupath.knowledge.schema.instruments import SAFETY_ITEM_FLAG
from acupath.outcomes.records import Reassessment

#: Cited when the instrument file names no source for an unanswered safety item.
_REFERENCE = "instruments_reference_2026"


def raised_flags(reassessment: Reassessment, score_of: Callable[[str, dict[str, Any]], Any]
                 ) -> tuple[tuple[str, str], ...]:
    """Return the (instrument, flag) pairs of a reassessment: stored ones, then those of its answers.

    ``score_of(instrument, answers)`` scores one questionnaire (its ``InputError`` propagates).
    """
    raised = list(reassessment.flags)
    for instrument, answers in reassessment.questionnaires.items():
        raised += [(instrument, flag) for flag in score_of(instrument, answers).flags]
    return tuple(dict.fromkeys(raised))


def follow_up(instrument: str, flag: str, reassessment: Reassessment, kb: Any) -> tuple[str, tuple[str, ...]]:
    """Return the message and citations of the safety follow-up a flag asks for."""
    doc = kb.instruments.get(instrument)
    name = doc.name if doc is not None else instrument
    when = f"at the reassessment of {reassessment.date.isoformat()}"
    if flag == SAFETY_ITEM_FLAG:
        items = [i for i in doc.items if i.safety_item is not None] if doc is not None else []
        named = ", ".join(f"item {i.key.removeprefix('q')}" for i in items) or "a safety item"
        cites = tuple(dict.fromkeys(i.safety_item.citation for i in items if i.safety_item)) or (_REFERENCE,)
        return (f"{name}: {named} not answered {when}: ask it before the next session (a blank is never "
                "read as 0).", cites)
    found = next((f for f in doc.flags if f.id == flag), None) if doc is not None else None
    note = found.note if found is not None else flag
    cites = (found.citation,) if found is not None and found.citation else (_REFERENCE,)
    return f"{name} {when}: {note} Follow the clinic's safety pathway the same day.", cites
