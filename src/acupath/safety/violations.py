"""Check a finished plan against a screening: the invariant of DESIGN.md "Safety is a property".

``violations(plan, screening, kb)`` returns one line per thing in the plan that a finding in force (or a
standing rule) forbids; an empty list means the plan honours the screening. It reads only what safety
needs (``PlanOutline``), so the planner's plan, its JSON form, or a session record can all be checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from acupath.safety.constraints import Needle, PlanConstraints
from acupath.safety.findings import Screening


@dataclass(frozen=True)
class PlanOutline:
    """What safety checks in a plan: needles with sides, modalities, electrode pairs, techniques.

    ``points`` are every point of the plan (needled or pressed); ``needled`` those that a needle goes
    into, whose modality is checked (an ear point is ``auricular``, any other ``manual``); ``heated``
    those that heat reaches (a warm needle, or the local points a heat lamp is directed at).
    """

    points: tuple[Needle, ...] = ()
    modalities: tuple[str, ...] = ()
    ea_pairs: tuple[tuple[Needle, Needle], ...] = ()
    techniques: tuple[str, ...] = ()
    needled: tuple[Needle, ...] = ()
    heated: tuple[Needle, ...] = ()

    @classmethod
    def from_plan(cls, plan: Any) -> PlanOutline:
        """Return the outline of a plan object or its JSON mapping.

        Reads ``points`` (items with ``code``, ``side``, ``role``, and ``technique``: ``needle`` unless
        told, and ``warm_needle``), ``modality`` (a name, or a mapping or object with ``primary``/``name`` and
        ``heat``) and/or ``modalities``, ``electroacupuncture.pairs`` (pairs of needles, or
        ``(point, point, side)`` triples) and ``techniques``. A ``PlanOutline`` is returned as is.
        """
        if isinstance(plan, PlanOutline):
            return plan
        items = list(_get(plan, "points") or ())
        points = tuple(_needle(item) for item in items)
        needled = tuple(_needle(i) for i in items if (_get(i, "technique") or "needle") == "needle")
        modalities = [_name(m) for m in _get(plan, "modalities") or ()]
        modality = _get(plan, "modality")
        heated = [_needle(i) for i in items if _get(i, "warm_needle")]
        if modality is not None:
            modalities.append(_name(modality))
            heat = None if isinstance(modality, str) else _get(modality, "heat")
            if heat:
                modalities.append("warm_needle" if heat == "warm_needle" else "heat")
            if heat == "heat":  # seed 001: a heat lamp directed at the treated area (the local points)
                local = [_needle(i) for i in items if _get(i, "role") == "local"]
                heated += local or list(points)
        if any(_get(i, "warm_needle") for i in items):
            modalities.append("warm_needle")
        electro = _get(plan, "electroacupuncture")
        pairs_raw = (_get(electro, "pairs") or _get(electro, "electrode_pairs") or ()) if electro else ()
        pairs = tuple(_pair(raw) for raw in pairs_raw)
        if pairs and "electro" not in modalities:
            modalities.append("electro")
        techniques = tuple(str(t) for t in _get(plan, "techniques") or ())
        return cls(points=points, modalities=tuple(dict.fromkeys(m for m in modalities if m)),
                   ea_pairs=pairs, techniques=techniques, needled=needled, heated=tuple(dict.fromkeys(heated)))


def _pair(raw: Any) -> tuple[Needle, Needle]:
    items = list(raw)
    if len(items) == 3 and all(isinstance(x, str) for x in items):  # (point, point, side)
        return (items[0], items[2]), (items[1], items[2])
    return _needle(items[0]), _needle(items[1])


def _get(source: Any, key: str) -> Any:
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source.get(key)
    return getattr(source, key, None)


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    for key in ("primary", "name", "kind", "modality", "value"):
        found = _get(value, key)
        if isinstance(found, str):
            return found
    return str(value)


def _needle(item: Any) -> Needle:
    if isinstance(item, str):
        code, _, side = item.partition(":")
        return code, side or None
    if isinstance(item, tuple | list):
        return str(item[0]), (item[1] if len(item) > 1 else None)
    side = _get(item, "side")
    return str(_get(item, "code")), (None if side is None else str(side))


def _lines(label: str, reasons: Iterable[str]) -> list[str]:
    return [f"{label}: {reason}" for reason in reasons]


def violations(plan: Any, screening: Screening, kb: Any) -> list[str]:
    """Return every way ``plan`` contradicts the findings in force of ``screening`` or a standing rule.

    ``plan`` is a ``PlanOutline``, a plan object or its JSON mapping (see ``PlanOutline.from_plan``).
    Returns an empty list when the plan honours the screening; never raises for an odd plan.
    """
    outline = PlanOutline.from_plan(plan)
    rules = PlanConstraints.from_screening(screening, kb)
    found: list[str] = []
    if outline.points or outline.modalities or outline.ea_pairs:
        found += _lines("plan", rules.planning_allowed().reasons)
    for modality in outline.modalities:
        found += _lines(f"modality {modality}", rules.modality_allowed(modality).reasons)
    for technique in outline.techniques:
        found += _lines(f"technique {technique}", rules.technique_allowed(technique).reasons)
    for code, side in outline.points:
        found += _lines(f"point {code} ({side or 'unsided'})", rules.point_allowed(code, side).reasons)
    for code, side in outline.needled:
        needle = rules.needle(code, side)
        modality = "auricular" if needle is not None and "ear" in needle.regions else "manual"
        found += _lines(f"needling {code} ({side or 'unsided'})", rules.modality_allowed(modality).reasons)
    for code, side in outline.heated:
        found += _lines(f"heat at {code} ({side or 'unsided'})", rules.heat_allowed_at(code, side).reasons)
    for a, b in outline.ea_pairs:
        label = f"electrode pair {a[0]}({a[1] or '?'})-{b[0]}({b[1] or '?'})"
        found += _lines(label, rules.ea_pair_allowed(a, b).reasons)
    return list(dict.fromkeys(found))
