"""An urgent override on every CLI rendering (issue 10, item 5): screening text and JSON, plan text,
Markdown and JSON show its reason, the clearing clinician and the date; an "ok" reason exits 2 with one
line naming ``overrides[0].reason``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acupath.cli import build_app, main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "intakes" / "safety_neck_red_flag_overridden.yaml"
SHOWN = "OVERRIDDEN by Dr Patel on 2026-11-26: MRI cervical spine 2026-11-24: no cord compression"
runner = CliRunner()


@pytest.mark.parametrize("args", [["screen", str(EXAMPLE), "--on", "2026-12-01"],
                                  ["plan", str(EXAMPLE)], ["plan", str(EXAMPLE), "--format", "markdown"]])
def test_text_renderings_show_reason_clinician_and_date(args) -> None:
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    assert SHOWN in result.output


@pytest.mark.parametrize("args", [["screen", str(EXAMPLE), "--json", "--on", "2026-12-01"],
                                  ["plan", str(EXAMPLE), "--format", "json"]])
def test_json_renderings_show_reason_clinician_and_date(args) -> None:
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    overrides = data["overrides"] if "overrides" in data else [f["override"] for f in data["findings"]]
    assert any(o and o["by"] == "Dr Patel" and o["on"] == "2026-11-26" and "no cord compression" in o["reason"]
               for o in overrides)


def test_an_ok_reason_for_an_urgent_finding_exits_2_naming_the_field(tmp_path: Path, capsys) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    reason = next(line for line in text.splitlines() if line.strip().startswith("reason:"))
    path = tmp_path / "intake.yaml"
    path.write_text(text.replace(reason, '    reason: "ok"'), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", str(path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "overrides[0].reason" in err and len(err.strip().splitlines()) == 1
