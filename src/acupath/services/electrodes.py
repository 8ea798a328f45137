"""Electrode pairs of a session: each electrode names its point and the side it is on.

A pair is two electrodes, ``[{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}]``;
``["BL23:left", "BL25:left"]`` and a pair copied from a plan's ``electroacupuncture.pairs``
(``["BL23", "BL25", "left"]``, both electrodes on one side) are accepted too. Knowing the sides lets safety tell a one-sided lumbar
circuit from one across the chest, so a session no longer has to assume the worst.

``check_electrode_geometry`` refuses a pair that leaves one limb or one side of one trunk segment: the
decision is ``PlanConstraints``'s (a standing rule, never overridable), the refusal an ``InputError``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from acupath.errors import InputError
from acupath.safety import PlanConstraints
from acupath.services.records import Electrode

#: Sides an electrode can be on: one needle is on one side (``bilateral`` describes two needles).
ElectrodeSide = Literal["left", "right", "midline"]


class ElectrodeInput(BaseModel):
    """One electrode: the point's code and the side of the needle it is clipped to."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=32)
    side: ElectrodeSide


class ElectrodePairInput(RootModel[tuple[ElectrodeInput, ElectrodeInput]]):
    """A circuit between two electrodes (``[electrode, electrode]`` or a plan's ``[point, point, side]``)."""

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        if len(value) == 3 and all(isinstance(item, str) for item in value):  # a plan's (point, point, side)
            return [{"code": value[0], "side": value[2]}, {"code": value[1], "side": value[2]}]
        electrodes = []
        for item in value:
            if isinstance(item, str):
                code, _, side = item.partition(":")  # "BL23:left"
                if not side:
                    # Bare point pairs were what made safety assume the worst; they are no longer accepted.
                    raise ValueError("each electrode needs its side: [{code, side}, {code, side}], "
                                     "[\"BL23:left\", \"BL25:left\"] or a plan's [point, point, side]")
                item = {"code": code, "side": side}
            electrodes.append(item)
        return electrodes

    def to_record(self) -> tuple[Electrode, Electrode]:
        """Return the pair as stored."""
        first, second = self.root
        return Electrode(code=first.code, side=first.side), Electrode(code=second.code, side=second.side)


def pair_outline(pair: tuple[Electrode, Electrode]) -> list[tuple[str, str | None]]:
    """Return the pair as two (code, side) needles, the shape ``safety.violations`` reads."""
    return [(electrode.code, electrode.side) for electrode in pair]


def check_electrodes_needled(points: list[tuple[str, str]], pairs: list[tuple[Electrode, Electrode]]) -> None:
    """Raise ``InputError`` naming the electrode when it is on a needle the session does not record.

    ``points`` are the session's (code, side); a ``bilateral`` point offers a needle on either side.
    """
    offered: set[tuple[str, str]] = set()
    for code, side in points:
        offered.update((code, s) for s in (("left", "right") if side == "bilateral" else (side,)))
    for i, pair in enumerate(pairs):
        for j, electrode in enumerate(pair):
            if (electrode.code, electrode.side) not in offered:
                raise InputError(f"stimulation.electrode_pairs[{i}][{j}]",
                                 f"no needle at {electrode.code} ({electrode.side}) among the session's points",
                                 sorted(f"{c} {s}" for c, s in offered))


def check_electrode_geometry(pairs: list[tuple[Electrode, Electrode]], kb: Any) -> None:
    """Raise ``InputError`` naming ``stimulation.electrode_pairs[i]`` for the first pair that leaves one
    limb or one side of one trunk segment (arm to leg, left to right, across the chest or head).

    The standing rule is asked of ``PlanConstraints.standing_rules(kb)``; no override lifts it.
    """
    rules = PlanConstraints.standing_rules(kb)
    for i, pair in enumerate(pairs):
        first, second = pair_outline(pair)
        verdict = rules.ea_pair_geometry(first, second)
        if not verdict:
            raise InputError(f"stimulation.electrode_pairs[{i}]",
                             "; ".join(verdict.reasons) + " (a standing rule: no override)",
                             "two electrodes on one limb on one side, or on one side of one trunk segment")
