"""Point selection: protocol, pattern, ashi and adjunct points, honouring every finding, within budget.

Every safety decision is asked of the safety constraints (``acupath.safety.constraints``): whether a
point may be needled on a side, and its depth and angle cautions. Needles are counted per side
(bilateral points count twice). Over the budget (10-20 needles, seed 003) the lowest-priority adjunct
points go first, then the lowest-priority protocol points; points of priority 1-2 are never dropped
for the budget, and every dropped point is named in the plan (``Plan.dropped_points``). Under the
minimum because findings removed points, the plan says so. Ear points (auricular Shenmen) are placed
by ``place_auricular`` through the same constraints; they hold seeds, not needles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from acupath.knowledge.schema.conditions import AshiPoints, ProtocolPoint
from acupath.knowledge.schema.regions import split_side
from acupath.planning.plan import AshiPlan, OmittedPoint, PlannedPoint

_KEEP_PRIORITY = 2  # priorities 1-2 are the core of the protocol: never dropped for the budget


@dataclass(frozen=True)
class Candidate:
    """A protocol point with where it came from (protocol, pattern:<id>, adjunct:<id>)."""

    point: ProtocolPoint
    source: str


def affected_sides(sites: Iterable[str]) -> tuple[str, ...]:
    """Return the sides named by the pain sites (``left_knee`` -> left); both when none is named."""
    sides: set[str] = set()
    bare = False
    for site in sites:
        if site.startswith("left_"):
            sides.add("left")
        elif site.startswith("right_"):
            sides.add("right")
        else:
            bare = True
    if bare or not sides:
        return ("left", "right")
    return tuple(s for s in ("left", "right") if s in sides)


def merge(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Return the candidates with each point code once (first kept, best priority of all)."""
    by_code: dict[str, Candidate] = {}
    for candidate in candidates:
        seen = by_code.get(candidate.point.code)
        if seen is None:
            by_code[candidate.point.code] = candidate
        elif candidate.point.priority < seen.point.priority:
            by_code[candidate.point.code] = Candidate(
                seen.point.model_copy(update={"priority": candidate.point.priority}), seen.source
            )
    return list(by_code.values())


def _side_label(sides: list[str | None]) -> str:
    if sides == [None]:
        return "midline"
    if len(sides) == 2:
        return "bilateral"
    return str(sides[0])


def place(
    candidates: list[Candidate], pain_sides: tuple[str, ...], constraints: Any, technique: str
) -> tuple[list[tuple[PlannedPoint, int]], list[OmittedPoint]]:
    """Return (point, priority) pairs the constraints allow, and the points or sides they removed."""
    planned: list[tuple[PlannedPoint, int]] = []
    omitted: list[OmittedPoint] = []
    for candidate in candidates:
        point = candidate.point
        if point.side == "bilateral":
            wanted: list[str | None] = ["left", "right"]
        elif point.side == "affected_side":
            wanted = list(pain_sides)
        else:
            wanted = [None]
        allowed: list[str | None] = []
        for side in wanted:
            verdict = constraints.point_allowed(point.code, side)
            if verdict:
                allowed.append(side)
            else:
                omitted.append(OmittedPoint(point.code, side or "midline", "; ".join(verdict.reasons)))
        if not allowed:
            continue
        needles = len(allowed) * point.needles_per_side if technique == "needle" else 0
        planned.append(
            (
                PlannedPoint(
                    code=point.code,
                    role=point.role,
                    side=_side_label(allowed),
                    needles=needles,
                    rationale=point.rationale,
                    evidence=point.evidence,
                    cautions=tuple(constraints.point_cautions(point.code)),
                    source=candidate.source,
                    technique=technique,
                    evidence_claims=point.evidence_claims,
                ),
                point.priority,
            )
        )
    return planned, omitted


def fit_budget(
    planned: list[tuple[PlannedPoint, int]], maximum: int, reserved: int = 0
) -> tuple[list[PlannedPoint], list[OmittedPoint]]:
    """Return the points within ``maximum`` needles and those dropped for the budget.

    ``reserved`` needles (the ashi points) are already taken from the session's budget, so the reason
    given for a dropped point names the whole budget and the reserved share.

    Drops adjuncts first (highest priority number, latest listed first), then other points of
    priority 3 or more in the same order; never a point of priority 1-2.
    """
    total = sum(p.needles for p, _ in planned)
    if total <= maximum:
        return [p for p, _ in planned], []
    order = sorted(
        range(len(planned)),
        key=lambda i: (planned[i][0].role != "adjunct", -planned[i][1], -i),
    )
    dropped: set[int] = set()
    for index in order:
        if total <= maximum:
            break
        point, priority = planned[index]
        if priority <= _KEEP_PRIORITY or point.needles == 0:
            continue
        dropped.add(index)
        total -= point.needles
    kept = [p for i, (p, _) in enumerate(planned) if i not in dropped]
    budget = f"needle budget ({maximum + reserved} per session"
    budget += f", {reserved} of them ashi)" if reserved else ")"
    gone = [OmittedPoint(planned[i][0].code, planned[i][0].side, budget) for i in sorted(dropped)]
    return kept, gone


def mark_warm_needle(
    points: list[PlannedPoint], constraints: Any, local_only: bool = True
) -> tuple[list[PlannedPoint], list[str]]:
    """Return the points with warm needle marked on the local points (seed 001: moxa on the handle),
    and a warning for each local point where the constraints refuse it (``moxibustion_caution``).
    """
    marked: list[PlannedPoint] = []
    warnings: list[str] = []
    for p in points:
        if p.role != "local" and local_only:
            marked.append(p)
            continue
        verdict = constraints.warm_needle_allowed_at(p.code, p.side)
        if verdict:
            marked.append(replace(p, warm_needle=True))
        else:
            marked.append(p)
            warnings.append(f"warm needle not used at {p.code}: " + "; ".join(verdict.reasons))
    return marked, warnings


def place_ashi(
    ashi: AshiPoints | None, sites: tuple[str, ...], constraints: Any, technique: str
) -> tuple[AshiPlan | None, str | None]:
    """Return the ashi points at the pain sites, or None and why (a finding excludes the site's region).

    The region check reads the constraints' excluded regions: ashi points have no code to ask about.
    """
    if ashi is None or not ashi.needles:
        return None, None
    excluded = getattr(constraints, "regions", {})
    for site in sites:
        side, region = split_side(site)
        keys = {region, site} if side else {region, f"left_{region}", f"right_{region}"}
        for key in keys & set(excluded):
            return None, f"ashi points at {site}: " + ", ".join(excluded[key])
    return (
        AshiPlan(
            needles=ashi.needles if technique == "needle" else 0,
            sites=sites,
            rationale=ashi.rationale,
            evidence=ashi.evidence,
            technique=technique,
        ),
        None,
    )


def place_auricular(
    codes: Iterable[str], source: str, rationale: str, evidence: tuple[str, ...], constraints: Any
) -> tuple[list[PlannedPoint], list[OmittedPoint]]:
    """Return ear-seed points for ``codes`` that the constraints allow, and those they refuse, with why.

    An ear point is placed when the point itself and the auricular modality are both allowed.
    """
    placed: list[PlannedPoint] = []
    refused: list[OmittedPoint] = []
    for code in codes:
        point = constraints.point_allowed(code, None)
        modality = constraints.modality_allowed("auricular")
        if point and modality:
            placed.append(
                PlannedPoint(
                    code=code, role="adjunct", side="bilateral", needles=0, rationale=rationale,
                    evidence=evidence, source=source, technique="ear_seed",
                )
            )
        else:
            reasons = tuple(point.reasons) + tuple(modality.reasons)
            refused.append(OmittedPoint(code, "bilateral", "; ".join(reasons)))
    return placed, refused
