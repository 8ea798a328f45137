"""``acupath plan INTAKE --format svg``: the plan's body chart on stdout, excluded regions hatched."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from acupath.cli import build_app

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
runner = CliRunner()


def test_plan_as_svg_is_the_body_chart_with_the_lesion_hatched():
    result = runner.invoke(build_app(), ["plan", str(ROOT / "examples/intakes/safety_skin_lesion_left_knee.yaml"),
                                         "--format", "svg"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.output)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert {c.get("data-code") for c in root.iter(f"{SVG}circle") if c.get("data-code")} >= {"ST36"}
    assert any(p.get("data-region") == "left_knee" for p in root.iter(f"{SVG}polygon"))


def test_an_unknown_format_exits_2_naming_the_allowed_ones():
    result = runner.invoke(build_app(), ["plan", str(ROOT / "examples/intakes/migraine.yaml"), "--format", "pdf"])
    assert result.exit_code == 2
    assert "'svg'" in result.output
