"""The body-region vocabulary shared by points, safety rules and intakes.

A fixed list of anatomical regions (not clinical numbers), so that a skin lesion "at left_knee", a
pregnancy rule over "abdomen_lower" and a point's region all speak the same words. A side may prefix a
region in an intake (``left_knee``, ``right_hand``); a bare region means both sides or the midline.
"""

from __future__ import annotations

from typing import Literal, get_args

Region = Literal[
    "scalp",
    "face",
    "eye_orbit",
    "ear",
    "neck_anterior",
    "neck_posterior",
    "shoulder",
    "chest",
    "axilla",
    "upper_back",
    "lower_back",
    "sacrum",
    "abdomen_upper",
    "abdomen_lower",
    "perineum",
    "upper_arm",
    "elbow",
    "forearm",
    "wrist",
    "hand",
    "hip",
    "buttock",
    "thigh",
    "knee",
    "lower_leg",
    "ankle",
    "foot",
]

REGIONS: tuple[str, ...] = get_args(Region)
SIDES: tuple[str, ...] = ("left", "right")

#: Regions on the trunk or head where a left/right prefix is still meaningful is every region; the
#: midline points (GV, CV) carry side "midline" instead.


def split_side(value: str) -> tuple[str | None, str]:
    """Split ``left_knee`` into ``("left", "knee")``; a bare region gives ``(None, region)``.

    Raises ``ValueError`` naming the allowed regions when the region is not in the vocabulary.
    """
    side: str | None = None
    region = value
    for candidate in SIDES:
        if value.startswith(candidate + "_"):
            side, region = candidate, value[len(candidate) + 1 :]
            break
    if region not in REGIONS:
        raise ValueError(
            f"unknown body region {value!r}; allowed: {', '.join(REGIONS)} (optionally prefixed left_ or right_)"
        )
    return side, region


def with_neighbours(value: str, next_to: frozenset[str] | set[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Return ``value`` and the regions ``next_to`` it, each on the same side as ``value``.

    ``with_neighbours("left_knee", {"thigh", "lower_leg"})`` gives ``("left_knee", "left_thigh",
    "left_lower_leg")``; a bare region gives bare neighbours. Raises ``ValueError`` for an unknown region.
    """
    side, _region = split_side(value)
    prefix = f"{side}_" if side else ""
    return (value, *(f"{prefix}{region}" for region in sorted(next_to)))
