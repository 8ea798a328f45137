"""Which body regions an electroacupuncture current runs over or across, and whether a pair stays in one
limb or one side of one trunk segment.

The layout of the body (limbs, trunk segments, which regions are thorax or pelvis) is data in
safety.yaml's ``ea_geometry``; this module only reasons over it. A needle is a ``Placed`` point: its region(s), whether
it is a midline point, and the sides it may be on (a bilateral point with no side stated could be on
either, so every check takes the worst case).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from acupath.knowledge.schema.regions import split_side
from acupath.knowledge.schema.safety import EaGeometry

LATERAL = ("left", "right")


@dataclass(frozen=True)
class Placed:
    """A needle's position as far as safety needs it."""

    code: str
    regions: tuple[str, ...]
    midline: bool
    sides: tuple[str, ...]  # "left", "right" or "midline"; more than one when the side is not known

    @property
    def region(self) -> str:
        """The point's main region."""
        return self.regions[0]


def placed(code: str, region: str, other_regions: tuple[str, ...], midline: bool, side: str | None) -> Placed:
    """Return a ``Placed`` needle; a missing or ``bilateral`` side of a lateral point means either side."""
    if midline:
        sides: tuple[str, ...] = ("midline",)
    elif side in LATERAL:
        sides = (side,)
    else:
        sides = LATERAL
    return Placed(code=code, regions=(region, *other_regions), midline=midline, sides=sides)


def in_region(needle: Placed, target: str) -> bool:
    """Return True when ``needle`` lies in ``target`` (``knee`` or side-aware ``left_knee``).

    A midline needle counts as in a sided region of its own kind (the safe reading).
    """
    side, region = split_side(target)
    if region not in needle.regions:
        return False
    return side is None or needle.midline or side in needle.sides


def _between(chain: tuple[str, ...], a: str, b: str, region: str) -> bool:
    if a not in chain or b not in chain or region not in chain:
        return False
    low, high = sorted((chain.index(a), chain.index(b)))
    return low <= chain.index(region) <= high


def crosses_region(a: Placed, b: Placed, target: str, geometry: EaGeometry) -> bool:
    """Return True when a current between ``a`` and ``b`` may run over or across ``target``.

    Over: either needle is in the region. Across: along one limb on one side, the region lies between
    the two needles; or the pair joins left and right lower-body points and the region is one the
    current then crosses (pelvis, lumbosacral) or the pair joins left and right upper-body points and
    the region is in the thorax.
    """
    if in_region(a, target) or in_region(b, target):
        return True
    side, region = split_side(target)
    for side_a, side_b in product(a.sides, b.sides):
        if side_a == side_b and side in (None, side_a):
            for chain in geometry.limb_chains:
                if _between(chain, a.region, b.region, region):
                    return True
        if {side_a, side_b} == set(LATERAL):
            lower = a.region in geometry.lower_body_regions and b.region in geometry.lower_body_regions
            if lower and region in geometry.pelvic_crossing_regions:
                return True
            upper = a.region in geometry.upper_body_regions or b.region in geometry.upper_body_regions
            if upper and region in geometry.thorax_regions:
                return True
    return False


def crosses_chest(a: Placed, b: Placed, geometry: EaGeometry) -> bool:
    """Return True when a current between ``a`` and ``b`` may run over or across the chest (heart).

    Over: either needle is in a chest region. Across: the pair joins left and right with either needle
    in the upper body, or joins a midline thorax point to a point on an arm.
    """
    if any(r in geometry.chest_regions for r in (*a.regions, *b.regions)):
        return True
    for side_a, side_b in product(a.sides, b.sides):
        if {side_a, side_b} == set(LATERAL) and (
            a.region in geometry.upper_body_regions or b.region in geometry.upper_body_regions
        ):
            return True
    for mid, other in ((a, b), (b, a)):
        if mid.midline and mid.region in geometry.thorax_regions and other.region in geometry.upper_limb_regions:
            return True
    return False


def outside_one_group(a: Placed, b: Placed, geometry: EaGeometry) -> str | None:
    """Return why a current between ``a`` and ``b`` leaves one limb or one side of one trunk segment.

    Returns None when every region of both needles lies in one limb with both needles on the same side,
    or in one trunk segment with both on the same side or either on the midline (clinical.md §2.4: never
    arm to leg, never left to right, never across the chest or head). A needle whose side is not known
    could be on either side, so such a pair is refused.
    """
    regions = tuple(dict.fromkeys((*a.regions, *b.regions)))
    found = {region: geometry.group_of(region) for region in regions}
    outside = [region for region, group in found.items() if group is None]
    if outside:
        return f"{', '.join(outside)}: no electrode pair there (in no limb or trunk segment)"
    groups = {group for group in found.values() if group is not None}
    if len(groups) > 1:
        return "the current would run between " + " and ".join(sorted(name for name, _limb in groups))
    ((name, is_limb),) = groups
    sides = {side for needle in (a, b) for side in needle.sides if side != "midline"}
    unsided = [n.code for n in (a, b) if len(n.sides) > 1]
    if unsided:
        return f"side of {', '.join(unsided)} not stated: it could be on the other side"
    if len(sides) > 1:
        where = f"between the left and right {name}" if is_limb else f"from left to right across the {name}"
        return f"the current would run {where}"
    if is_limb and (a.midline or b.midline):  # pragma: no cover - no midline point lies on a limb
        return f"a midline point is not on the {name}"
    return None
