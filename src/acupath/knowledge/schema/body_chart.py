"""body_chart.yaml: the outline of the body chart and the area of every body region on each view.

The drawing is our own (there is no open dataset of body outlines with acupuncture regions): a
standing figure in the anatomical position (palms forward), seen from the front and the back, the left
side seen from the left, and the left ear. Every shape is a list of ``[x, y]`` in the 0..1 box of its
view (``width`` x ``height`` units). ``outline`` shapes are closed and drawn smoothed; ``details``
(eyes, patellae, concha) are closed and thin; ``guides`` (spine, scapulae, antihelix) are open lines.

``regions`` gives, for every word of the region vocabulary (``acupath.knowledge.schema.regions``),
its area on each view where it can be seen, for the patient's LEFT side, as in points.yaml ``chart``:
the renderer mirrors it for the right side and draws both for a bare region (``knee``) and one for a
sided one (``left_knee``). Areas are rough; the renderer clips them to the outline.
A ``paired`` view (side, ear) shows one side: it is drawn twice, the right one mirrored.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import Field, field_validator, model_validator

from acupath.errors import NotFound
from acupath.knowledge.schema.document import Document, Strict
from acupath.knowledge.schema.points import CHART_VIEWS, ChartView
from acupath.knowledge.schema.regions import REGIONS, Region

Coordinate = tuple[float, float]
Shape = tuple[Coordinate, ...]


def _inside_box(shapes: tuple[Shape, ...], least: int) -> tuple[Shape, ...]:
    for shape in shapes:
        if len(shape) < least:
            raise ValueError(f"a shape needs at least {least} points, got {len(shape)}")
        for x, y in shape:
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValueError(f"coordinates lie in the 0..1 box of the view, got [{x}, {y}]")
    return shapes


class ChartViewSpec(Strict):
    """One view of the body chart: its box in units, its title and the shapes drawn on it."""

    name: ChartView
    title: str
    width: float = Field(gt=0)
    height: float = Field(gt=0)
    paired: bool = False
    outline: tuple[Shape, ...] = Field(min_length=1)
    details: tuple[Shape, ...] = ()
    guides: tuple[Shape, ...] = ()

    @field_validator("outline", "details")
    @classmethod
    def _closed_shapes(cls, shapes: tuple[Shape, ...]) -> tuple[Shape, ...]:
        return _inside_box(shapes, 3)

    @field_validator("guides")
    @classmethod
    def _lines(cls, shapes: tuple[Shape, ...]) -> tuple[Shape, ...]:
        return _inside_box(shapes, 2)


class BodyChartFile(Document):
    """The body_chart.yaml document: the views and each region's areas on them."""

    #: Where the drawing comes from (our own), and how the landmarks were placed.
    provenance: str
    views: tuple[ChartViewSpec, ...] = Field(min_length=1)
    regions: dict[Region, dict[ChartView, tuple[Shape, ...]]]

    @field_validator("regions")
    @classmethod
    def _areas(cls, regions: dict[str, dict[str, tuple[Shape, ...]]]) -> dict[str, dict[str, tuple[Shape, ...]]]:
        for areas in regions.values():
            for shapes in areas.values():
                _inside_box(shapes, 3)
        return regions

    @model_validator(mode="after")
    def _complete(self) -> BodyChartFile:
        names = [view.name for view in self.views]
        if len(set(names)) != len(names):
            raise ValueError("a view is defined twice")
        missing = [region for region in REGIONS if not self.regions.get(region)]  # type: ignore[call-overload]
        if missing:
            raise ValueError(f"region {missing[0]!r} has no area on any view")
        for region, areas in self.regions.items():
            for view in areas:
                if view not in names:
                    raise ValueError(f"region {region!r}: view {view!r} is not defined (views: {', '.join(names)})")
        return self

    @cached_property
    def _by_name(self) -> dict[str, ChartViewSpec]:
        return {view.name: view for view in self.views}

    def view_names(self) -> tuple[str, ...]:
        """Return the names of the views, in file order."""
        return tuple(self._by_name)

    def view(self, name: str) -> ChartViewSpec:
        """Return the view called ``name``. Raises ``NotFound`` naming the views there are."""
        try:
            return self._by_name[name]
        except KeyError:
            allowed = ", ".join(self._by_name) or ", ".join(CHART_VIEWS)
            raise NotFound(f"unknown body-chart view {name!r} (allowed: {allowed})") from None

    def areas(self, region: str, view: str) -> tuple[Shape, ...]:
        """Return the areas of ``region`` (a bare region word) on ``view`` for the patient's left side;
        empty when the region cannot be seen on that view."""
        return self.regions.get(region, {}).get(view, ())  # type: ignore[call-overload]
