"""Body-chart knowledge: every placeable point has a chart position, positions and areas stay in their
box, and the check names the point a protocol would place without one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from acupath.errors import KnowledgeError
from acupath.knowledge import check_integrity, read_knowledge
from acupath.knowledge.loader import DATA_DIR
from acupath.knowledge.schema.regions import REGIONS


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _placeable(kb) -> set[str]:
    codes = set(kb.programme.point_codes())
    for condition in kb.conditions.values():
        codes |= condition.point_codes()
    return codes


def test_every_point_a_protocol_or_programme_can_place_is_charted(kb) -> None:
    chart = kb.collection("body_chart")
    for code in _placeable(kb):
        point = kb.points.find(code)
        assert point.chart, code
        assert {p.view for p in point.chart} <= set(chart.view_names()), code


def test_midline_points_sit_on_the_midline_of_the_front_or_back_view(kb) -> None:
    midline = [kb.points.find(c) for c in _placeable(kb) if kb.points.find(c).midline]
    assert midline
    for point in midline:
        assert all(p.x == 0.5 and p.view in ("front", "back") for p in point.chart), point.code


def test_every_region_of_the_vocabulary_has_an_area_on_some_view(kb) -> None:
    chart = kb.collection("body_chart")
    for region in REGIONS:
        assert any(chart.areas(region, view) for view in chart.view_names()), region


def test_a_placeable_point_without_a_chart_position_fails_the_check(data_copy: Path) -> None:
    path = data_copy / "points.yaml"
    text = path.read_text(encoding="utf-8")
    # BL23 is placed by the low back protocol; drop its chart lines.
    text, count = re.subn(r"(?m)(- code: BL23\n(?:  .*\n)*?)  chart:\n  - \{view: back, x: 0\.458, y: 0\.417\}\n",
                          r"\1", text)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    problems = check_integrity(read_knowledge(data_copy))
    assert any("BL23" in p and "chronic_low_back_pain" in p and "body-chart position" in p for p in problems)


def test_a_chart_position_outside_the_box_is_refused_naming_the_field(data_copy: Path) -> None:
    path = data_copy / "points.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{view: back, x: 0.458, y: 0.417}",
                                                             "{view: back, x: 1.458, y: 0.417}", 1))
    with pytest.raises(KnowledgeError) as err:
        read_knowledge(data_copy)
    assert err.value.file == "points.yaml"
    assert err.value.path.endswith("chart[0].x")
    assert "less than or equal to 1" in err.value.reason


def test_a_chart_position_on_an_unknown_view_or_with_an_unknown_key_is_refused(data_copy: Path) -> None:
    path = data_copy / "points.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("{view: back, x: 0.458, y: 0.417}", "{view: top, x: 0.458, y: 0.417}", 1))
    with pytest.raises(KnowledgeError, match=r"chart\[0\]\.view"):
        read_knowledge(data_copy)
    path.write_text(original.replace("{view: back, x: 0.458, y: 0.417}",
                                     "{view: back, x: 0.458, y: 0.417, z: 1}", 1))
    with pytest.raises(KnowledgeError, match=r"chart\[0\]\.z: Extra inputs"):
        read_knowledge(data_copy)


def test_a_midline_point_off_the_midline_is_refused(data_copy: Path) -> None:
    path = data_copy / "points.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{view: back, x: 0.5, y: 0.42}",
                                                             "{view: back, x: 0.45, y: 0.42}", 1))
    with pytest.raises(KnowledgeError, match="GV4: a midline point sits at x = 0.5"):
        read_knowledge(data_copy)


def test_a_region_without_an_area_is_refused(data_copy: Path) -> None:
    path = data_copy / "body_chart.yaml"
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^  perineum:\n(?:    .*\n)+", "", text)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="region 'perineum' has no area on any view"):
        read_knowledge(data_copy)


def _at(kb, code: str, view: str) -> tuple[float, float]:
    [position] = [p for p in kb.points.find(code).chart if p.view == view][:1]
    return position.x, position.y


def test_back_shu_points_follow_the_spine_at_their_vertebral_levels(kb) -> None:
    # WHO 2008: BL12 T2, BL17 T7, BL18 T9, BL20 T11, BL23 L2, BL25 L4, 1.5 cun from the midline;
    # GV4 below L2 and GV3 below L4 on the midline.
    heights = [_at(kb, code, "back")[1] for code in ("BL12", "BL17", "BL18", "BL20", "BL23", "BL25")]
    assert heights == sorted(heights) and len(set(heights)) == len(heights)
    for code in ("BL12", "BL17", "BL18", "BL20", "BL23", "BL25"):
        assert 0.4 < _at(kb, code, "back")[0] < 0.5, code
    assert abs(_at(kb, "GV4", "back")[1] - _at(kb, "BL23", "back")[1]) < 0.01
    assert abs(_at(kb, "GV3", "back")[1] - _at(kb, "BL25", "back")[1]) < 0.01


def test_leg_points_keep_their_order_from_knee_to_foot(kb) -> None:
    # Front: SP10 above the knee, the knee eyes, ST36 3 cun below ST35, ST40 lower, SP6 above the
    # malleolus, LR3 then LR2 towards the toes; back: KI7 above KI3; BL40 at the knee crease.
    for upper, lower in (("SP10", "ST35"), ("ST35", "ST36"), ("ST36", "ST40"), ("SP9", "SP6"),
                         ("ST40", "SP6"), ("SP6", "LR3"), ("LR3", "LR2")):
        assert _at(kb, upper, "front")[1] < _at(kb, lower, "front")[1], (upper, lower)
    assert _at(kb, "EX-LE4", "front")[1] == _at(kb, "ST35", "front")[1]
    assert _at(kb, "EX-LE4", "front")[0] < _at(kb, "ST35", "front")[0]  # medial eye nearer the midline
    assert _at(kb, "KI7", "back")[1] < _at(kb, "KI3", "back")[1]
    assert _at(kb, "GB20", "back")[1] < _at(kb, "GB21", "back")[1] < _at(kb, "BL12", "back")[1]
