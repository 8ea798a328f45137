"""What a plan may contain, given a screening: the one place that decides (the planner asks only this).

``PlanConstraints.from_screening(screening, kb)`` gathers the findings in force and the standing rules
of safety.yaml, and answers, each time with a ``Verdict`` (truthy when allowed, and unpackable as
``allowed, reasons``):

- ``planning_allowed()``: no urgent or referral finding in force;
- ``point_allowed(code, side)``: the point exists, is not prohibited, not excluded, not in an excluded
  region (side-aware);
- ``modality_allowed(m)``, ``technique_allowed(t)``;
- ``ea_pair_allowed(a, b)``: electro allowed, both needles allowed, the current neither over nor across
  the chest nor over or across a region a finding keeps EA away from;

and ``point_cautions(code)`` gives the depth and angle cautions a flagged point always carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from acupath.errors import NotFound
from acupath.knowledge.schema.safety import EaGeometry
from acupath.safety.ea_paths import Placed, crosses_chest, crosses_region, in_region, placed
from acupath.safety.findings import Finding, Screening
from acupath.safety.screening import affects_of

EA_OVER_REGION = "ea_over_region:"
EA_AT_POINT = "ea_at_point:"
EA_ACROSS_CHEST = "ea_across_chest"
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

    # --- the questions the planner asks ---------------------------------------------------------------

    def planning_allowed(self) -> Verdict:
        """Return whether any plan may be built (no urgent or referral finding in force)."""
        return _verdict([f"{code}: referral finding in force" for code in self.blocked_by])

    def modality_allowed(self, modality: str) -> Verdict:
        """Return whether ``modality`` (manual, electro, auricular, warm_needle, heat, acupressure) may be used."""
        return _verdict([f"{code}: no {modality}" for code in self.modalities.get(modality, ())])

    def technique_allowed(self, technique: str) -> Verdict:
        """Return whether ``technique`` (deep_needling, bleeding, cupping, strong_stimulation ...) may be used."""
        return _verdict([f"{code}: no {technique}" for code in self.techniques.get(technique, ())])

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

    def warm_needle_allowed_at(self, code: str) -> Verdict:
        """Return whether moxa may burn on the handle of the needle at ``code``.

        Refused at a point flagged ``moxibustion_caution`` in points.yaml (Deadman; CAM 1999: direct
        moxibustion or warm needle only with a documented reason), or when warm needle is excluded.
        """
        reasons = list(self.modality_allowed("warm_needle").reasons)
        point = self._point(code)
        if point is not None and "moxibustion_caution" in point.safety_flags:
            reasons.append(f"moxibustion_caution: moxibustion is traditionally avoided at {point.code}")
        return _verdict(reasons)

    def ea_pair_allowed(self, a: Needle, b: Needle) -> Verdict:
        """Return whether an electrode pair may join needle ``a`` and needle ``b`` (each (code, side))."""
        reasons = list(self.modality_allowed("electro").reasons)
        for code, side in (a, b):
            reasons += list(self.point_allowed(code, side).reasons)
        first, second = self.needle(*a), self.needle(*b)
        if first is None or second is None:
            return _verdict(reasons)
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
                cautions.append(f"{point.code} {flag}: {guidance}{depth}")
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
