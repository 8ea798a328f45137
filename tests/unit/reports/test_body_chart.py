"""The body chart holds exactly the plan's points, on the right sides, with pairs and excluded regions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from acupath.cli.intake import read_intake
from acupath.errors import NotFound
from acupath.knowledge import load_knowledge
from acupath.planning import build_plan
from acupath.reports.body_chart import body_chart_svg, excluded_regions
from acupath.safety import screen
from strategies import build_intake, intakes

KB = load_knowledge()
SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = sorted((Path(__file__).parents[3] / "examples" / "intakes").glob("*.yaml"))


def _planned(intake):
    screening = screen(intake, kb=KB, today=intake.schedule.start)
    return build_plan(intake, screening, KB), screening


def _chart(intake, **options):
    plan, screening = _planned(intake)
    svg = body_chart_svg(plan, KB, excluded_regions=excluded_regions(screening.findings), **options)
    return plan, ET.fromstring(svg)


def _circles(root, code=None):
    return [c for c in root.iter(f"{SVG}circle") if c.get("data-code") and code in (None, c.get("data-code"))]


def _panel_of(root):
    """Map each circle and line to the panel (``g`` with data-panel) holding it."""
    found = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("data-panel"):
            for element in group.iter():
                found[element] = group.get("data-panel")
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_point_of_every_example_plan_is_on_the_chart_with_its_code_as_title(path: Path) -> None:
    plan, root = _chart(read_intake(path))
    charted = {c.get("data-code") for c in _circles(root)}
    assert charted == {p.code for p in plan.points}
    for circle in _circles(root):
        title = circle.find(f"{SVG}title")
        assert title is not None and title.text.startswith(circle.get("data-code") + " ")
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == root.get("aria-label")


def test_a_bilateral_point_appears_once_per_side_on_each_view_it_is_charted_on() -> None:
    plan, root = _chart(build_intake())
    panels = _panel_of(root)
    for planned in plan.points:
        point = KB.points.find(planned.code)
        circles = _circles(root, planned.code)
        if point.midline:
            assert [c.get("data-side") for c in circles] == ["midline"] * len(point.chart)
            continue
        per_view = {}
        for circle in circles:
            per_view.setdefault(panels[circle], []).append(circle.get("data-side"))
        for panel, sides in per_view.items():
            positions = sum(1 for p in point.chart if p.view == panel)
            assert sorted(sides) == ["left"] * positions + ["right"] * positions, (planned.code, panel)
        if planned.side == "bilateral":
            assert all(c.get("data-needled") == "true" for c in circles)


def test_a_left_only_point_is_filled_on_the_left_and_outlined_on_the_right() -> None:
    plan, root = _chart(build_intake(condition="knee_osteoarthritis", pain={"sites": ["left_knee"]}))
    left_only = [p for p in plan.points if p.side == "left"]
    assert left_only
    for planned in left_only:
        for circle in _circles(root, planned.code):
            needled = circle.get("data-side") == "left"
            assert circle.get("data-needled") == ("true" if needled else "false")
            assert (circle.get("fill") == "#ffffff") is not needled


@pytest.mark.parametrize("example", ["chronic_low_back_pain", "fibromyalgia"])
def test_each_electrode_pair_is_a_line_between_its_two_circles_on_its_side(example: str) -> None:
    plan, root = _chart(read_intake(EXAMPLES[0].with_name(f"{example}.yaml")))
    assert plan.electroacupuncture is not None and plan.electroacupuncture.pairs
    panels = _panel_of(root)
    lines = [line for line in root.iter(f"{SVG}line") if line.get("data-pair")]
    assert len(lines) == len(plan.electroacupuncture.pairs)
    for a, b, side in plan.electroacupuncture.pairs:
        [line] = [x for x in lines if x.get("data-pair") == f"{a} {b}" and x.get("data-side") == side]
        ends = {(line.get("x1"), line.get("y1")), (line.get("x2"), line.get("y2"))}
        centres = {(c.get("cx"), c.get("cy")) for c in _circles(root)
                   if c.get("data-code") in (a, b) and c.get("data-side") == side and panels[c] == panels[line]}
        assert ends == centres


def test_an_excluded_region_is_hatched_and_named_in_the_legend() -> None:
    intake = build_intake(condition="knee_osteoarthritis", pain={"sites": ["left_knee"]},
                          safety={"skin_lesions_at": ["left_knee"], "metal_implants_at": ["right_lower_leg"]})
    _plan, root = _chart(intake)
    for region, words in (("left_knee", "left knee"), ("right_lower_leg", "right lower leg")):
        hatched = [p for p in root.iter(f"{SVG}polygon") if p.get("data-region") == region]
        assert hatched and all(p.get("fill").startswith("url(#") for p in hatched)
        patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
        assert hatched[0].get("fill")[5:-1] in patterns
        legend = [t.text for t in root.iter(f"{SVG}text") if t.text and words in t.text]
        assert legend == [f"Excluded region: {words}"]


def test_a_bare_region_is_hatched_on_both_sides_and_a_sided_one_on_its_side_only() -> None:
    plan, _ = _planned(build_intake())
    both = ET.fromstring(body_chart_svg(plan, KB, excluded_regions=["knee"]))
    left = ET.fromstring(body_chart_svg(plan, KB, excluded_regions=["left_knee"]))

    def count(root):
        return sum(1 for p in root.iter(f"{SVG}polygon") if p.get("data-region"))

    assert count(both) == 2 * count(left) > 0


def test_the_ear_panels_appear_only_when_a_point_is_charted_there() -> None:
    _plan, plain = _chart(build_intake())
    assert "ear-left" not in {g.get("data-panel") for g in plain.iter(f"{SVG}g")}
    # Needle phobia: acupressure and ear seeds at auricular Shenmen (TF4), charted on the ear only.
    plan, root = _chart(build_intake(safety={"needle_phobia": True}))
    assert "TF4" in {p.code for p in plan.points}
    panels = _panel_of(root)
    assert {panels[c] for c in _circles(root, "TF4")} == {"ear-left", "ear-right"}
    assert "ear seed" in _circles(root, "TF4")[0].find(f"{SVG}title").text


def test_the_same_plan_gives_the_same_svg() -> None:
    plan, screening = _planned(build_intake())
    first = body_chart_svg(plan, KB, excluded_regions=["left_knee"])
    assert first == body_chart_svg(plan, KB, excluded_regions=["left_knee"])
    ids = [e.get("id") for e in ET.fromstring(first).iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("bodychart") for i in ids)


def test_an_unknown_view_or_region_is_refused_naming_what_is_allowed() -> None:
    plan, _ = _planned(build_intake())
    with pytest.raises(NotFound, match="allowed: front, back, side, ear"):
        body_chart_svg(plan, KB, views=["top"])
    with pytest.raises(ValueError, match="unknown body region 'elbows'"):
        body_chart_svg(plan, KB, excluded_regions=["elbows"])


def test_overridden_findings_exclude_no_region_whether_objects_or_stored() -> None:
    _plan, screening = _planned(build_intake(safety={"skin_lesions_at": ["left_knee"]}))
    assert excluded_regions(screening.findings) == ("left_knee",)
    assert excluded_regions([f.to_dict() for f in screening.findings]) == ("left_knee",)
    cleared = [f.__class__(**{**f.__dict__, "override": _override(f.code)}) for f in screening.findings]
    assert excluded_regions(cleared) == ()
    assert excluded_regions([f.to_dict() for f in cleared]) == ()


def _override(code):
    from acupath.safety.findings import Override

    return Override(finding=code, reason="lesion healed, checked today", by="Dr Test")


CHART_PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CHART_PROPERTY
@given(intakes(phq9=False))
def test_the_chart_holds_exactly_the_plans_points_on_their_sides(intake) -> None:
    plan, root = _chart(intake)
    needled = {(c.get("data-code"), c.get("data-side")) for c in _circles(root) if c.get("data-needled") == "true"}
    expected = set()
    for planned in plan.points:
        sides = ("left", "right") if planned.side == "bilateral" else (planned.side,)
        expected |= {(planned.code, side) for side in sides}
    assert needled == expected
    assert {c.get("data-code") for c in _circles(root)} == {p.code for p in plan.points}


def test_the_right_side_is_the_mirror_image_of_the_left() -> None:
    plan, root = _chart(build_intake(safety={"needle_phobia": True}))
    panels = _panel_of(root)
    centres = {}
    for circle in _circles(root):
        view = panels[circle].split("-")[0]
        centres.setdefault((circle.get("data-code"), view, circle.get("data-side")), []).append(
            (float(circle.get("cx")), float(circle.get("cy"))))
    widths = {view.name: view.width for view in KB.collection("body_chart").views}
    mirrored = 0
    for (code, view, side), left in centres.items():
        if side != "left":
            continue
        right = centres[(code, view, "right")]
        flipped = sorted((widths[view] - x, y) for x, y in left)
        for (x, y), (rx, ry) in zip(flipped, sorted(right), strict=True):
            assert abs(x - rx) <= 0.11 and y == ry, (code, view)
        mirrored += 1
    assert mirrored >= len([p for p in plan.points if p.side == "bilateral"])
