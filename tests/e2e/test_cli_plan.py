"""``acupath plan`` and ``acupath progress`` end to end: every example intake plans or refers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acupath.cli import build_app

ROOT = Path(__file__).resolve().parents[2]
INTAKES = sorted((ROOT / "examples/intakes").glob("*.yaml"))
runner = CliRunner()


@pytest.mark.parametrize("path", INTAKES, ids=lambda p: p.stem)
def test_every_example_intake_gives_a_plan_or_a_referral(path):
    result = runner.invoke(build_app(), ["plan", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    if plan["status"] == "planned":
        assert plan["points"] or plan["modality"]["primary"] in ("auricular", "acupressure")
        assert plan["sessions"] and plan["coverage"]
    else:
        assert plan["status"] in ("referral", "urgent_referral") and plan["referral"]
        assert plan["sessions"] == []


def test_text_plan_puts_findings_and_overrides_before_points():
    result = runner.invoke(build_app(), ["plan", str(ROOT / "examples/intakes/safety_referral_overridden.yaml")])
    assert result.exit_code == 0
    text = result.output
    assert text.index("SCREENING FINDINGS") < text.index("OVERRIDES APPLIED") < text.index("POINTS")
    assert "OVERRIDDEN by Dr Lee" in text


def test_markdown_plan_has_a_session_table():
    result = runner.invoke(build_app(), ["plan", str(ROOT / "examples/intakes/migraine.yaml"), "--format", "markdown"])
    assert result.exit_code == 0
    assert "## Sessions" in result.output and "| # | date |" in result.output


def test_referral_intake_prints_the_referral():
    result = runner.invoke(build_app(), ["plan", str(ROOT / "examples/intakes/safety_cauda_equina.yaml")])
    assert result.exit_code == 0
    assert "REFER - NO ACUPUNCTURE PLAN" in result.output and "systemic_cauda_equina_or_myelopathy" in result.output


def test_progress_reads_a_saved_plan_and_records(tmp_path):
    planned = runner.invoke(
        build_app(), ["plan", str(ROOT / "examples/intakes/chronic_low_back_pain.yaml"), "--format", "json"]
    )
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(planned.output)
    records = ROOT / "examples/records/chronic_low_back_pain_worsening.yaml"
    result = runner.invoke(build_app(), ["progress", str(plan_file), str(records), "--json"])
    assert result.exit_code == 0, result.output
    assert {a["code"] for a in json.loads(result.output)["alerts"]} == {"reassess_diagnosis", "discontinue"}


def test_progress_rejects_a_file_that_is_not_a_plan(tmp_path):
    bad = tmp_path / "plan.json"
    bad.write_text("[1, 2]")
    from acupath.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["progress", str(bad), str(ROOT / "examples/records/chronic_low_back_pain_improving.yaml")])
    assert exited.value.code == 2


def _saved_plan(tmp_path):
    planned = runner.invoke(
        build_app(), ["plan", str(ROOT / "examples/intakes/chronic_low_back_pain.yaml"), "--format", "json"]
    )
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(planned.output)
    return plan_file, json.loads(planned.output)["knowledge_version"]


def test_progress_text_names_the_plan_s_knowledge_version_and_the_extension_alert(tmp_path):
    plan_file, version = _saved_plan(tmp_path)
    records = ROOT / "examples/records/chronic_low_back_pain_improving.yaml"
    result = runner.invoke(build_app(), ["progress", str(plan_file), str(records)])
    assert result.exit_code == 0, result.output
    assert f"knowledge: {version}" in result.output.splitlines()[1]
    assert "[medicare_extension_eligible]" in result.output


def test_a_bad_reassessment_answer_exits_2_naming_the_session_instrument_and_item(tmp_path, capsys):
    plan_file, _ = _saved_plan(tmp_path)
    records = tmp_path / "records.yaml"
    records.write_text("reassessments:\n  - {date: 2026-12-18, session: 6, questionnaires: {odi: {q1: 7}}}\n")
    from acupath.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["progress", str(plan_file), str(records)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("acupath: reassessments (session 6).questionnaires.odi.q1: answer 7 is not allowed"), err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("example", "lines"), [
    ("chronic_low_back_pain", ["payer medicare: eligible under NCD 30.3.3; 12 covered, 8 conditional",
                               "self-pay USD 65-125 per session; no planned session is self-pay"]),
    ("knee_osteoarthritis", ["payer medicare: not eligible under NCD 30.3.3; 21 not covered",
                             "self-pay USD 65-125 per session; 1365-2625 for the planned sessions not covered"]),
    ("migraine_liver_yang_rising", ["payer self_pay: 17 self pay",
                                    "self-pay USD 65-125 per session; 1105-2125 for all planned sessions"]),
])
def test_text_coverage_counts_the_sessions_by_status_and_prices_only_the_unpaid(example, lines):
    result = runner.invoke(build_app(), ["plan", str(ROOT / f"examples/intakes/{example}.yaml")])
    assert result.exit_code == 0, result.output
    for line in lines:
        assert line in result.output.splitlines()
