"""What a plan may contain, given a screening: the one place that decides (the planner asks only this).

``PlanConstraints.from_screening(screening, kb)`` gathers the findings in force and the standing rules
of safety.yaml, and answers, each time with a ``Verdict`` (truthy when allowed, and unpackable as
``allowed, reasons``):

- ``planning_allowed()``: no urgent or referral finding in force;
- ``point_allowed(code, side)``: the point exists, is not prohibited, not excluded, not in an excluded
  region (side-aware);
- ``modality_allowed(m)``, ``technique_allowed(t)``;
- ``ea_pair_allowed(a, b)``: electro allowed, both needles allowed, the pair within one limb or one side
  of one trunk segment (``ea_pair_geometry``, a standing rule), the current neither over nor across the
  chest nor over or across a region a finding keeps EA away from;
- ``heat_allowed_at(code, side)``, ``warm_needle_allowed_at(code, side)``: no heat at or next to a region
  a finding keeps heat away from (skin lesion, metal implant, sensory loss ...);

and ``point_cautions(code)`` gives the depth and angle cautions a flagged point always carries.
``PlanConstraints.standing_rules(kb)`` holds the standing rules alone (what no finding can change).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from acupath.errors import NotFound
from acupath.knowledge.schema.regions import split_side, with_neighbours
from acupath.knowledge.schema.safety import EaGeometry
from acupath.safety.ea_paths import (
    Placed,
    crosses_chest,
    crosses_region,
    in_region,
    outside_one_group,
    placed,
)
from acupath.safety.findings import Finding, Screening, ScreeningStatus
from acupath.safety.screening import affects_of

EA_OVER_REGION = "ea_over_region:"
EA_AT_POINT = "ea_at_point:"
EA_ACROSS_CHEST = "ea_across_chest"
EA_PAIR_GEOMETRY = "ea_pair_geometry"
HEAT_NEAR_REGION = "heat_near_region:"
#: A modality as a reason names it to the clinician ("no electroacupuncture", not the code "electro").
MODALITY_WORDS = {"electro": "electroacupuncture"}
#: A needle in a plan or a question: (point code, side) where side is left, right, midline, bilateral
#: or None.
Needle = tuple[str, str | None]


@dataclass(frozen=True)
class Verdict:
    """Whether something may go into a plan, and the finding codes (with messages) that say no."""

    allowed: bool
    reasons: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self) -> Iterator[Any]:
        yield self.allowed
        yield self.reasons


def _verdict(reasons: list[str]) -> Verdict:
    unique = tuple(dict.fromkeys(reasons))
    return Verdict(allowed=not unique, reasons=unique)


@dataclass(frozen=True)
class PlanConstraints:
    """Everything in force against one plan, indexed by what it removes (reasons are rule codes)."""

    blocked_by: tuple[str, ...]
    points: dict[str, tuple[str, ...]]
    regions: dict[str, tuple[str, ...]]
    modalities: dict[str, tuple[str, ...]]
    techniques: dict[str, tuple[str, ...]]
    cautions: tuple[Finding, ...]
    geometry: EaGeometry
    kb: Any = field(repr=False, compare=False)

    @classmethod
    def from_screening(cls, screening: Screening, kb: Any) -> PlanConstraints:
        """Return the constraints of the findings in force plus safety.yaml's standing rules."""
        points: dict[str, list[str]] = {}
        regions: dict[str, list[str]] = {}
        modalities: dict[str, list[str]] = {}
        techniques: dict[str, list[str]] = {}
        sources = [(f.code, f.affects) for f in screening.in_force()]
        sources += [(rule.code, affects_of(rule.affects, None, kb)) for rule in kb.safety.standing]
        for code, affects in sources:
            for index, values in ((points, affects.points), (regions, affects.regions),
                                  (modalities, affects.modalities), (techniques, affects.techniques)):
                for value in values:
                    index.setdefault(value, []).append(code)
        blocked = tuple(f.code for f in screening.in_force() if f.action.value in ("urgent_referral", "referral"))

        def frozen(index: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
            return {key: tuple(dict.fromkeys(codes)) for key, codes in index.items()}

        return cls(
            blocked_by=blocked,
            points=frozen(points),
            regions=frozen(regions),
            modalities=frozen(modalities),
            techniques=frozen(techniques),
            cautions=tuple(f for f in screening.in_force() if f.action.value == "caution"),
            geometry=kb.safety.ea_geometry,
            kb=kb,
        )

    @classmethod
    def standing_rules(cls, kb: Any) -> PlanConstraints:
        """Return the constraints of safety.yaml's standing rules alone (no finding; never overridable)."""
        nothing = Screening(findings=(), status=ScreeningStatus.PROCEED, knowledge_version=kb.version)
        return cls.from_screening(nothing, kb)

    # --- the questions the planner asks ---------------------------------------------------------------

    def planning_allowed(self) -> Verdict:
        """Return whether any plan may be built (no urgent or referral finding in force)."""
        return _verdict([f"{code}: referral finding in force" for code in self.blocked_by])

    def modality_allowed(self, modality: str) -> Verdict:
        """Return whether ``modality`` (manual, electro, auricular, warm_needle, heat, acupressure) may be used."""
        said = MODALITY_WORDS.get(modality, modality.replace("_", " "))  # the clinician reads the reason
        return _verdict([f"{code}: no {said}" for code in self.modalities.get(modality, ())])

    def technique_allowed(self, technique: str) -> Verdict:
        """Return whether ``technique`` (deep_needling, bleeding, cupping, strong_stimulation ...) may be used."""
        return _verdict([f"{code}: no {technique.replace('_', ' ')}" for code in self.techniques.get(technique, ())])

    def needle(self, code: str, side: str | None = None) -> Placed | None:
        """Return where the point ``code`` on ``side`` lies, or None when points.yaml does not hold it."""
        point = self._point(code)
        if point is None:
            return None
        return placed(point.code, point.region, tuple(point.other_regions), point.midline, side)

    def point_allowed(self, code: str, side: str | None = None) -> Verdict:
        """Return whether the point ``code`` may be needled on ``side`` (left, right, midline, bilateral, None)."""
        point = self._point(code)
        if point is None:
            return _verdict([f"{code}: not a point in points.yaml"])
        reasons = [f"{rule}: {point.code} excluded" for rule in self.points.get(point.code, ())]
        if not getattr(point, "plannable", True):
            reasons.append(f"needling_prohibited: {point.code} is never needled")
        needle = placed(point.code, point.region, tuple(point.other_regions), point.midline, side)
        for region, rules in self.regions.items():
            if in_region(needle, region):
                reasons += [f"{rule}: no points in {region}" for rule in rules]
        return _verdict(reasons)

    def heat_allowed_at(self, code: str, side: str | None = None) -> Verdict:
        """Return whether heat (warm needle, moxibustion, heat lamp) may reach the point ``code`` on ``side``.

        Refused when the point lies in, or in a region next to (``ea_geometry``: knee -> thigh, lower
        leg), a region a finding keeps heat away from; an unknown side is judged at its worst.
        """
        point = self._point(code)
        if point is None:
            return _verdict([f"{code}: not a point in points.yaml"])
        needle = placed(point.code, point.region, tuple(point.other_regions), point.midline, side)
        reasons: list[str] = []
        for technique, rules in self.techniques.items():
            if technique.startswith(HEAT_NEAR_REGION):
                region = technique[len(HEAT_NEAR_REGION):]
                near = with_neighbours(region, self.geometry.next_to(split_side(region)[1]))
                hit = next((r for r in near if in_region(needle, r)), None)
                if hit is not None:
                    where = "at" if hit == region else f"next to {region}, at"
                    reasons += [f"{rule}: no heat {where} {hit}" for rule in rules]
        return _verdict(reasons)

    def warm_needle_allowed_at(self, code: str, side: str | None = None) -> Verdict:
        """Return whether moxa may burn on the handle of the needle at ``code`` on ``side``.

        Refused at a point flagged ``moxibustion_caution`` in points.yaml (Deadman; CAM 1999: direct
        moxibustion or warm needle only with a documented reason), when warm needle is excluded, or where
        ``heat_allowed_at`` refuses heat.
        """
        reasons = list(self.modality_allowed("warm_needle").reasons)
        point = self._point(code)
        if point is not None and "moxibustion_caution" in point.safety_flags:
            reasons.append(f"moxibustion_caution: moxibustion is traditionally avoided at {point.code}")
        reasons += self.heat_allowed_at(code, side).reasons
        return _verdict(reasons)

    def ea_pair_geometry(self, a: Needle, b: Needle) -> Verdict:
        """Return whether the pair stays within one limb or one side of one trunk segment.

        The standing rule(s) naming ``ea_pair_geometry`` in safety.yaml give the reason codes; unknown
        points are left to ``point_allowed``.
        """
        first, second = self.needle(*a), self.needle(*b)
        if first is None or second is None:
            return _verdict([])
        why = outside_one_group(first, second, self.geometry)
        if why is None:
            return _verdict([])
        pair = f"{first.code}-{second.code}"
        return _verdict([f"{rule}: {pair}: {why}" for rule in self.techniques.get(EA_PAIR_GEOMETRY, ())])

    def ea_pair_allowed(self, a: Needle, b: Needle) -> Verdict:
        """Return whether an electrode pair may join needle ``a`` and needle ``b`` (each (code, side))."""
        reasons = list(self.modality_allowed("electro").reasons)
        for code, side in (a, b):
            reasons += list(self.point_allowed(code, side).reasons)
        first, second = self.needle(*a), self.needle(*b)
        if first is None or second is None:
            return _verdict(reasons)
        reasons += self.ea_pair_geometry(a, b).reasons
        if crosses_chest(first, second, self.geometry):
            reasons += [f"{rule}: current would cross the chest" for rule in self.techniques.get(EA_ACROSS_CHEST, ())]
        for needle in (first, second):
            rules = self.techniques.get(f"{EA_AT_POINT}{needle.code}", ())
            reasons += [f"{rule}: no electrode on {needle.code}" for rule in rules]
        for technique, rules in self.techniques.items():
            if technique.startswith(EA_OVER_REGION):
                region = technique[len(EA_OVER_REGION):]
                if crosses_region(first, second, region, self.geometry):
                    reasons += [f"{rule}: no electroacupuncture over or across {region}" for rule in rules]
        return _verdict(reasons)

    def point_cautions(self, code: str) -> tuple[str, ...]:
        """Return the depth and angle cautions the point always carries (from its flags in points.yaml).

        Empty for an unflagged or unknown point.
        """
        point = self._point(code)
        if point is None:
            return ()
        cautions: list[str] = []
        depth = ""
        if point.depth_cun_min is not None:
            depth = f" Depth {point.depth_cun_min:g}-{point.depth_cun_max:g} cun"
            depth += f", {' or '.join(point.angles)}." if point.angles else "."
        for flag in point.safety_flags:
            try:
                guidance = self.kb.points.flag_rule(flag).guidance
            except NotFound:  # pragma: no cover - points.yaml validates that every flag has a rule
                guidance = flag.replace("_", " ")
            if flag != "pregnancy_caution":  # a pregnancy finding handles that flag, not every plan
                # In words ("BL40, major vessel: ..."): the plan page and the PDFs show the caution as it is.
                cautions.append(f"{point.code}, {flag.replace('_', ' ')}: {guidance}{depth}")
        if point.caution is not None:
            cautions.append(f"{point.code}: {point.caution.text}")
        return tuple(cautions)

    def _point(self, code: str) -> Any:
        points = getattr(self.kb, "points", None)
        if points is None:
            return None
        try:
            return points.find(code)
        except NotFound:
            return None
