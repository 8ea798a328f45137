"""``acupath plan`` around closures and ``acupath progress`` with a headache diary, as a clinician runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acupath.cli import build_app, main

ROOT = Path(__file__).resolve().parents[2]
HOLIDAYS = ROOT / "examples/intakes/migraine_holidays.yaml"
runner = CliRunner()


def test_plan_text_and_markdown_show_the_sessions_moved_off_closures():
    for fmt, heading in (("text", "Moved for closures\n---"), ("markdown", "### Moved for closures")):
        result = runner.invoke(build_app(), ["plan", str(HOLIDAYS), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert heading in result.output
        assert "- moved from 2026-12-24 (closure: Christmas) to 2026-12-28" in result.output
        assert "- moved from 2027-03-01 (closure: leave) to 2027-03-08" in result.output


def test_progress_prints_the_headache_diary_against_the_intake_baseline(tmp_path):
    planned = runner.invoke(build_app(), ["plan", str(HOLIDAYS), "--format", "json"])
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(planned.output)
    records = ROOT / "examples/records/migraine_headache_diary.yaml"
    text = runner.invoke(build_app(), ["progress", str(plan_file), str(records)])
    assert text.exit_code == 0, text.output
    assert "month from 2027-01-07: 6 headache days, 4 migraine days (-50% migraine days): responder" in text.output
    data = json.loads(runner.invoke(build_app(), ["progress", str(plan_file), str(records), "--json"]).output)
    assert data["headache_days"]["baseline_from"] == "intake" and data["headache_days"]["responder"] is True


def test_a_closure_ending_before_it_starts_exits_2_naming_the_field(tmp_path, capsys):
    intake = tmp_path / "intake.yaml"
    intake.write_text(HOLIDAYS.read_text().replace("to: 2026-12-25", "to: 2026-12-20"))
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(intake)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "schedule.closures[0].to" in err and err.count("\n") == 1
