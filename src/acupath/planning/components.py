"""Multimodal components (seed 004): which ones a patient gets, and the trigger that added each.

Triggers are data (programme.yaml) with a fixed vocabulary of operators; a score is anything with a
``total`` and a ``band`` (``acupath.assessment.Score``); medications are the intake's medication list
(``acupath.assessment.medications.Medication``), None when it was not recorded.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from acupath.assessment.medications import Medication
from acupath.knowledge.schema.programme import Component, Trigger
from acupath.planning.plan import PlannedComponent

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


def _medication_reason(trigger: Trigger, medications: tuple[Medication, ...] | None) -> str | None:
    """Return why a medication trigger holds (``opioid listed: oxycodone 30 MME/day``), else None."""
    if trigger.medications_not_recorded:
        return "medication list not recorded" if medications is None else None
    listed = [m for m in medications or () if m.drug_class in trigger.medication_classes]
    if not listed:
        return None
    named = ", ".join(m.name + (f" {_number(m.opioid.mme_per_day)} MME/day" if m.opioid else "") for m in listed)
    return f"{'/'.join(dict.fromkeys(m.drug_class for m in listed))} listed: {named}"


def trigger_holds(
    trigger: Trigger, scores: Mapping[str, Any], medications: tuple[Medication, ...] | None = None
) -> str | None:
    """Return a description of why ``trigger`` holds (e.g. ``pcs 34 >= 30``), else None.

    ``medications`` is the intake's medication list, None when it was not recorded.
    """
    if trigger.always:
        return "every plan"
    if trigger.medication_classes or trigger.medications_not_recorded:
        return _medication_reason(trigger, medications)
    if trigger.instrument is None:
        return None
    score = scores.get(trigger.instrument)
    if score is None:
        return None
    if trigger.op == "flag":
        # A flag stands even when the total cannot be computed (instruments.md §11: item 9 > 0).
        return f"{trigger.instrument} flag {trigger.flag}" if trigger.flag in getattr(score, "flags", ()) else None
    if not getattr(score, "valid", True):
        return None
    if trigger.op == "band_in":
        band = getattr(score, "band", None)
        band_id = band.get("id") if isinstance(band, Mapping) else band
        return f"{trigger.instrument} band {band_id}" if band_id in trigger.bands else None
    total = getattr(score, "total", None)
    if total is None or trigger.op is None or trigger.value is None:
        return None
    if _COMPARE[trigger.op](total, trigger.value):
        return f"{trigger.instrument} {_number(total)} {trigger.op} {_number(trigger.value)}"
    return None


def select_components(
    components: tuple[Component, ...], scores: Mapping[str, Any], medications: tuple[Medication, ...] | None = None
) -> tuple[tuple[PlannedComponent, ...], tuple[str, ...], tuple[str, ...]]:
    """Return the components whose triggers hold, the adjunct point sets they add, the instruments used.

    ``medications`` is the intake's medication list (None: not recorded). A component with several
    triggers records every one that holds.
    """
    chosen: list[PlannedComponent] = []
    adjuncts: list[str] = []
    instruments: list[str] = []
    for component in components:
        reasons = [r for r in (trigger_holds(t, scores, medications) for t in component.any_of) if r]
        if not reasons:
            continue
        for trigger in component.any_of:
            if trigger.instrument and trigger.instrument not in instruments and trigger.instrument in scores:
                instruments.append(trigger.instrument)
        if component.adds_points and component.adds_points not in adjuncts:
            adjuncts.append(component.adds_points)
        chosen.append(
            PlannedComponent(
                id=component.id,
                title=component.title,
                kind=component.kind,
                instructions=component.instructions,
                phases=component.phases,
                trigger="; ".join(reasons),
                referral=component.referral,
                prescriber_review=component.prescriber_review,
                citations=component.citations,
            )
        )
    return tuple(chosen), tuple(adjuncts), tuple(instruments)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
