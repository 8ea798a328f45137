"""The CLI shows a blank safety item (``score``, ``score-file``, ``plan``) and the medication list's effects
(``plan``: bleeding caution and pharmacology review; ``progress``: opioid MME per day)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acupath.cli import build_app, main

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
ITEMS_1_TO_8 = {f"q{i}": 2 for i in range(1, 9)}


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def test_score_names_a_blank_safety_item(tmp_path, capsys) -> None:
    answers = tmp_path / "phq9.json"
    answers.write_text(json.dumps(ITEMS_1_TO_8))
    code, out, _ = _run(capsys, "score", "phq9", "--answers", str(answers))
    assert code == 0
    assert "flags: safety_item_unanswered" in out
    assert "safety item not answered: q9 (ask before treatment)" in out
    code, out, _ = _run(capsys, "score", "phq9", "--answers", str(answers), "--json")
    assert json.loads(out)["missing_safety_items"] == ["q9"]


def test_score_file_flags_the_row_with_a_blank_item_9(tmp_path, capsys) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,q1,q2,q3,q4,q5,q6,q7,q8,q9\nr1,2,2,2,2,2,2,2,2,\nr2,2,2,2,2,2,2,2,2,0\n")
    code, _, _ = _run(capsys, "score-file", "phq9", str(source), str(target))
    assert code == 0
    rows = target.read_text().splitlines()
    assert rows[1].split(",")[3] == "safety_item_unanswered" and rows[2].split(",")[3] == ""


def test_plan_with_a_blank_item_9_is_a_referral_that_says_to_ask_it(tmp_path) -> None:
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({
        "patient": {"id": "p-blank-9", "birth_date": "1980-01-15", "sex": "male"}, "condition": "neck_pain",
        "pain": {"duration_weeks": 26, "nrs": 6}, "schedule": {"start": "2026-12-01", "clinic_days": ["mon"]},
        "questionnaires": {"phq9": ITEMS_1_TO_8}}))
    result = runner.invoke(build_app(), ["plan", str(intake)])
    assert result.exit_code == 0, result.output
    assert "safety_item_unanswered" in result.output and "ask it before treatment" in result.output


def test_plan_and_progress_of_the_opioid_example(tmp_path) -> None:
    intake = ROOT / "examples/intakes/chronic_low_back_pain_opioids.yaml"
    planned = runner.invoke(build_app(), ["plan", str(intake), "--format", "json"])
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.output)
    assert "bleeding_risk_caution" in {f["code"] for f in plan["findings"]}
    review = next(c for c in plan["components"] if c["id"] == "pharmacology_review")
    assert review["trigger"].startswith("opioid listed: oxycodone 30 MME/day, tramadol 10 MME/day")
    assert plan["baseline"]["opioid_mme_per_day"] == 40
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(planned.output)
    records = ROOT / "examples/records/chronic_low_back_pain_opioid_sparing.yaml"
    text = runner.invoke(build_app(), ["progress", str(plan_file), str(records)])
    assert text.exit_code == 0, text.output
    assert "Opioid MME/day: 40 at baseline -> 15 at session 12 (-25, -62%)" in text.output
    data = json.loads(runner.invoke(build_app(), ["progress", str(plan_file), str(records), "--json"]).output)
    assert data["opioids"] == {"baseline": 40.0, "current": 15.0, "measured_at_session": 12, "change": -25.0,
                               "percent_change": -62.5}


def test_a_bad_medication_is_one_line_naming_the_field(tmp_path, capsys) -> None:
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({
        "patient": {"id": "p-bad-med", "birth_date": "1980-01-15", "sex": "male"}, "condition": "neck_pain",
        "pain": {"duration_weeks": 26, "nrs": 6}, "schedule": {"start": "2026-12-01", "clinic_days": ["mon"]},
        "medications": [{"name": "oxycodone", "class": "opioid", "dose": "10 mg"}]}))
    code, _, err = _run(capsys, "plan", str(intake))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "medications[0].opioid" in err
