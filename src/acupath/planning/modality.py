"""The session's modality: manual, electro (settings and electrode pairs) or auricular; heat adjuncts.

Electroacupuncture is used where the seeds indicate it (seed 002 modality table: central
sensitisation, radiating leg symptoms, moderate-severe pain; seed 001: fibromyalgia) and only with
electrode pairs the safety constraints allow. Body needling refused (needle phobia) means auricular
seeds and acupressure (seed 002; reference §2.5). Warm needle or heat for knee OA with cold-damp
(seed 001), if the constraints allow it.
"""

from __future__ import annotations

from typing import Any

from acupath.assessment.intake import Intake
from acupath.planning.plan import ElectroSettings, Modality, PlannedPoint
from acupath.planning.protocol import Protocol


def needling_technique(constraints: Any) -> tuple[str, tuple[str, ...]]:
    """Return ``needle`` when manual needling is allowed, else ``acupressure``, with the reasons."""
    verdict = constraints.modality_allowed("manual")
    if verdict:
        return "needle", ()
    return "acupressure", tuple(verdict.reasons)


def ea_indication(protocol: Protocol, intake: Intake) -> str | None:
    """Return why the seeds indicate EA for this intake (e.g. ``radiating leg pain``), else None."""
    ea = protocol.electroacupuncture
    found: list[str] = []
    for indication in ea.indications:
        if indication == "always":
            found.append(f"{protocol.condition} protocol")
        elif indication == "central_sensitisation" and intake.pain.widespread:
            found.append("central sensitisation (widespread pain)")
        elif indication == "radiating_leg_pain" and intake.pain.radiating_leg_pain:
            found.append("radiating leg pain")
        elif indication == "moderate_severe_pain" and intake.pain.nrs >= ea.moderate_severe_from_nrs:
            found.append(f"moderate-severe pain (NRS {intake.pain.nrs} >= {ea.moderate_severe_from_nrs})")
    return "; ".join(found) or None


def _sides(point: PlannedPoint) -> tuple[str, ...]:
    if point.side == "bilateral":
        return ("left", "right")
    if point.side in ("left", "right"):
        return (point.side,)
    return ("midline",)


def electrode_pairs(
    protocol: Protocol, points: list[PlannedPoint], constraints: Any
) -> tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]:
    """Return the ipsilateral (point, point, side) circuits the constraints allow, and refusals."""
    by_code = {p.code: p for p in points if p.technique == "needle"}
    pairs: list[tuple[str, str, str]] = []
    refused: list[str] = []
    for a, b in protocol.electrode_pairs:
        if a not in by_code or b not in by_code:
            refused.append(f"{a}-{b}: a point of the pair is not in the plan")
            continue
        shared = [s for s in _sides(by_code[a]) if s in _sides(by_code[b])]
        for side in shared:
            needle_side = None if side == "midline" else side
            verdict = constraints.ea_pair_allowed((a, needle_side), (b, needle_side))
            if verdict:
                pairs.append((a, b, side))
            else:
                refused.append(f"{a}-{b} ({side}): " + "; ".join(verdict.reasons))
    return tuple(pairs), tuple(refused)


def _heat_lamp_allowed(points: list[PlannedPoint], constraints: Any) -> Any:
    """Return the first refusal of heat at the points a heat lamp is directed at (the local points, or
    every point when there is none, as ``safety.violations`` reads a plan), else the modality's verdict."""
    targets = [p for p in points if p.role == "local"] or points
    for p in targets:
        verdict = constraints.heat_allowed_at(p.code, p.side)
        if not verdict:
            return verdict
    return constraints.modality_allowed("heat")


def choose(
    protocol: Protocol, intake: Intake, pattern_modalities: tuple[str, ...], points: list[PlannedPoint],
    constraints: Any, technique: str, refusals: tuple[str, ...],
) -> tuple[Modality, ElectroSettings | None, tuple[str, ...]]:
    """Return the modality, the EA settings (None when manual or auricular) and warnings."""
    warnings: list[str] = []
    reasons: list[str] = []
    heat = None
    for option in pattern_modalities:
        verdict = constraints.modality_allowed(option)
        if verdict and option == "heat":  # the lamp is directed at the local points (seed 001)
            verdict = _heat_lamp_allowed(points, constraints)
        if verdict and (option != "warm_needle" or technique == "needle"):
            heat = option
            reasons.append(f"{option} for the {intake.pattern} pattern (seed 001)")
            break
        warnings.append(f"{option} not used: " + ("; ".join(verdict.reasons) or "no needles"))
    if technique != "needle":
        primary = "auricular" if constraints.modality_allowed("auricular") else "acupressure"
        reasons.append("body needling withheld: " + "; ".join(refusals))
        return Modality(primary=primary, heat=heat if heat == "heat" else None, reasons=tuple(reasons)), None, tuple(
            warnings
        )
    indication = ea_indication(protocol, intake)
    if indication is None:
        return Modality(primary="manual", heat=heat, reasons=tuple(reasons)), None, tuple(warnings)
    allowed = constraints.modality_allowed("electro")
    if not allowed:
        warnings.append(f"electroacupuncture indicated ({indication}) but withheld: " + "; ".join(allowed.reasons))
        return Modality(primary="manual", heat=heat, reasons=tuple(reasons)), None, tuple(warnings)
    pairs, refused = electrode_pairs(protocol, points, constraints)
    warnings.extend(f"electrode pair not used: {r}" for r in refused)
    if not pairs:
        warnings.append(f"electroacupuncture indicated ({indication}) but no electrode pair is allowed")
        return Modality(primary="manual", heat=heat, reasons=tuple(reasons)), None, tuple(warnings)
    ea = protocol.electroacupuncture
    settings = ElectroSettings(
        frequency_hz=ea.frequency_hz,
        intensity_ma=ea.intensity_ma,
        duration_min=ea.duration_min,
        pairs=pairs,
        indication=indication,
        note=ea.note,
        citations=ea.citations,
    )
    reasons.append(f"electroacupuncture: {indication}")
    return Modality(primary="electro", heat=heat, reasons=tuple(reasons)), settings, tuple(warnings)
