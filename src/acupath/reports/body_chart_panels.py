"""The body chart's panels and their geometry: where a panel sits, where a point falls on it, its outlines.

``reports.body_chart`` draws with these: a ``Panel`` is one drawn view (front, back, side, ear; a paired
view split by side), a ``Mark`` one circle of a planned point on it; ``points`` and ``smooth`` turn a
shape of ``body_chart.yaml`` (unit coordinates, the patient's left) into SVG for the panel, mirrored on
a right-hand panel; ``n`` writes a coordinate as stable text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    """One drawn panel: a view, the side it shows (None: both, front and back) and where it sits."""

    view: Any
    side: str | None
    left: float

    @property
    def key(self) -> str:
        return self.view.name if self.side is None else f"{self.view.name}-{self.side}"

    @property
    def title(self) -> str:
        return self.view.title if self.side is None else f"{self.side.capitalize()} {self.view.title.lower()}"

    def place(self, x: float, y: float, side: str) -> tuple[float, float]:
        """Return panel units for a left-side position ``x, y`` drawn on ``side`` (mirrored for the right)."""
        # A right-hand paired panel is the mirrored view and shows right-side marks only.
        return ((1 - x) if side == "right" else x) * self.view.width, y * self.view.height

    def shows(self, side: str) -> bool:
        """True when a mark on ``side`` (left, right, midline) belongs on this panel."""
        return self.side is None or self.side == side


@dataclass(frozen=True)
class Mark:
    """One circle: a point on one side, needled or not, at panel units ``cx, cy``."""

    code: str
    side: str
    needled: bool
    cx: float
    cy: float
    title: str
    labelled: bool


def points(panel: Panel, shape: Sequence[Sequence[float]], placed: bool = False) -> str:
    scaled = [(x * panel.view.width, y * panel.view.height) for x, y in oriented(panel, shape, placed)]
    return " ".join(f"{n(x)},{n(y)}" for x, y in scaled)


def oriented(panel: Panel, shape: Sequence[Sequence[float]], placed: bool) -> list[tuple[float, float]]:
    # Outlines and guides of a right-hand paired panel are mirrored; region areas come already sided.
    if panel.side == "right" and not placed:
        return [(1 - x, y) for x, y in shape]
    return [(x, y) for x, y in shape]


def smooth(panel: Panel, shape: Sequence[Sequence[float]]) -> str:
    """Return a closed path through ``shape``: Catmull-Rom segments as cubic Béziers (tension 1/6)."""
    pts = [(x * panel.view.width, y * panel.view.height) for x, y in oriented(panel, shape, False)]
    count = len(pts)
    parts = [f"M{n(pts[0][0])},{n(pts[0][1])}"]
    for i in range(count):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[(i + 1) % count], pts[(i + 2) % count]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        parts.append(f"C{n(c1[0])},{n(c1[1])} {n(c2[0])},{n(c2[1])} {n(p2[0])},{n(p2[1])}")
    return "".join(parts) + "Z"


def n(value: float) -> str:
    """Return ``value`` rounded to one decimal, without a trailing ``.0`` (stable text for tests and diffs)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
