"""``acupath screen`` and ``acupath intake``: statuses of the safety examples, JSON keys, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_run import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "intakes"
ON = "2026-12-01"




@pytest.mark.parametrize(("example", "status", "code"), [
    ("safety_cauda_equina", "urgent_referral", "systemic_cauda_equina_or_myelopathy"),
    ("safety_malignancy", "referral", "systemic_malignancy"),
    ("safety_referral_overridden", "proceed_with_cautions", "systemic_malignancy"),
    ("safety_pregnancy_20_weeks", "proceed_with_cautions", "pregnancy_points_and_regions"),
    ("safety_pacemaker", "proceed_with_cautions", "ea_implanted_device"),
    ("safety_anticoagulant", "proceed_with_cautions", "bleeding_risk_caution"),
    ("safety_severe_bleeding", "proceed_with_cautions", "severe_bleeding_disorder"),
    ("safety_needle_phobia", "proceed_with_cautions", "needle_phobia"),
    ("safety_skin_lesion_left_knee", "proceed_with_cautions", "skin_lesion_regions"),
    ("safety_phq9_item9", "urgent_referral", "phq9_self_harm"),
    ("safety_migraine_thunderclap", "urgent_referral", "headache_thunderclap"),
    ("safety_neck_red_flags", "urgent_referral", "headache_papilloedema"),
    ("safety_neck_red_flag_overridden", "proceed", "neck_myelopathy"),
    ("safety_upper_back_red_flags", "referral", "upper_back_thoracic_malignancy"),
    ("safety_knee_red_flags", "urgent_referral", "knee_septic_arthritis"),
    ("safety_widespread_red_flags", "referral", "widespread_pain_systemic_disease"),
])
def test_each_safety_example_screens_to_its_status(capsys, example, status, code) -> None:
    exit_code, out, err = run(capsys, "screen", str(EXAMPLES / f"{example}.yaml"), "--json", "--on", ON)
    assert exit_code == 0, err
    data = json.loads(out)
    assert data["status"] == status
    assert code in [f["code"] for f in data["findings"]]


def test_json_has_status_findings_and_knowledge_version(capsys) -> None:
    _, out, _ = run(capsys, "screen", str(EXAMPLES / "safety_referral_overridden.yaml"), "--json", "--on", ON)
    data = json.loads(out)
    assert {"status", "findings", "knowledge_version"} <= set(data)
    assert data["knowledge_version"].startswith("kb-")
    finding = next(f for f in data["findings"] if f["code"] == "systemic_malignancy")
    assert {"code", "kind", "severity", "action", "message", "citations", "affects", "override"} <= set(finding)
    assert finding["override"]["by"] == "Dr Lee"


def test_text_starts_with_the_status_and_shows_overrides_and_citations(capsys) -> None:
    exit_code, out, _ = run(capsys, "screen", str(EXAMPLES / "safety_referral_overridden.yaml"), "--on", ON)
    assert exit_code == 0
    assert out.splitlines()[0] == "status: proceed_with_cautions"  # the referral is overridden
    assert "OVERRIDDEN by Dr Lee" in out and "cites: ahcpr_1994_acute_low_back" in out


def test_text_lists_what_a_finding_affects(capsys) -> None:
    _, out, _ = run(capsys, "screen", str(EXAMPLES / "safety_skin_lesion_left_knee.yaml"), "--on", ON)
    assert "affects: regions left_knee" in out


def one_line_error(capsys, *args: str) -> str:
    exit_code, out, err = run(capsys, *args)
    assert exit_code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_a_missing_file_exits_2_with_one_line(capsys, tmp_path) -> None:
    err = one_line_error(capsys, "screen", str(tmp_path / "nope.yaml"))
    assert "no such file" in err


def test_broken_yaml_exits_2_naming_the_file(capsys, tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("patient: {id: p1\ncondition: [", encoding="utf-8")
    assert "not valid YAML" in one_line_error(capsys, "screen", str(path))


def test_broken_json_exits_2(capsys, tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"patient": ', encoding="utf-8")
    assert "not valid JSON" in one_line_error(capsys, "screen", str(path))


def test_a_bad_value_names_its_field_and_the_allowed_values(capsys, tmp_path) -> None:
    text = (EXAMPLES / "safety_anticoagulant.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("anticoagulant: true", "bleeding_disorder: moderate"), encoding="utf-8")
    err = one_line_error(capsys, "screen", str(path))
    assert "safety.bleeding_disorder" in err and "'severe'" in err


def test_an_unknown_key_is_named(capsys, tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text((EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8") + "favourite_colour: blue\n",
                    encoding="utf-8")
    assert "favourite_colour: unknown key" in one_line_error(capsys, "screen", str(path))


def test_an_override_of_an_unfound_finding_exits_2_naming_it(capsys, tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text((EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8")
                    + 'overrides: [{finding: systemic_malignancy, reason: "cleared", by: "Dr Lee"}]\n', encoding="utf-8")
    err = one_line_error(capsys, "screen", str(path))
    assert "overrides[0].finding" in err and "systemic_malignancy" in err


def test_a_bad_screening_day_exits_2(capsys) -> None:
    assert "--on" in one_line_error(capsys, "screen", str(EXAMPLES / "safety_pacemaker.yaml"), "--on", "soon")


def test_intake_schema_is_the_json_schema_of_the_intake(capsys) -> None:
    exit_code, out, _ = run(capsys, "intake", "--schema")
    assert exit_code == 0
    schema = json.loads(out)
    assert schema["title"] == "Intake"
    assert {"patient", "condition", "pain", "schedule"} <= set(schema["required"])
    assert "overrides" in schema["properties"]


def test_intake_without_a_file_or_schema_exits_2(capsys) -> None:
    one_line_error(capsys, "intake")


def test_intake_file_is_validated_and_printed(capsys) -> None:
    exit_code, out, _ = run(capsys, "intake", str(EXAMPLES / "safety_pregnancy_20_weeks.yaml"))
    assert exit_code == 0
    assert json.loads(out)["patient"]["pregnancy"] == {"pregnant": True, "weeks": 20}


def test_intake_refuses_a_pattern_the_condition_does_not_have(capsys, tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text((EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8") + "pattern: nope\n",
                    encoding="utf-8")
    err = one_line_error(capsys, "intake", str(path))
    assert err.startswith("acupath: pattern: 'nope' is not a pattern of knee_osteoarthritis") and "cold_damp" in err


@pytest.mark.parametrize("command", ["intake", "screen"])
def test_a_bad_questionnaire_answer_is_named_once_by_instrument_and_item(capsys, tmp_path, command) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text((EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8")
                    + "questionnaires: {phq9: {q1: 5}}\n", encoding="utf-8")
    err = one_line_error(capsys, command, str(path))
    assert err.startswith("acupath: questionnaires.phq9.q1: answer 5 is not allowed"), err


def test_an_unknown_questionnaire_is_named(capsys, tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text((EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8")
                    + "questionnaires: {phq10: {q1: 1}}\n", encoding="utf-8")
    err = one_line_error(capsys, "intake", str(path))
    assert err.startswith("acupath: questionnaires.phq10: unknown instrument 'phq10'") and "phq9" in err


def test_an_impossible_date_exits_2_naming_the_file_and_line_not_a_traceback(capsys, tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    text = (EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("start: 2026-12-01", "start: 2026-13-01"), encoding="utf-8")
    err = one_line_error(capsys, "screen", str(path))
    assert "not valid YAML (intake): '2026-13-01' is not a valid date or time" in err and "at line" in err


@pytest.mark.parametrize("command", ["intake", "screen", "plan"])
def test_every_questionnaire_is_checked_not_only_those_screening_reads(capsys, tmp_path, command) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text((EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8")
                    + "questionnaires: {psqi: {q1: 2330}}\n", encoding="utf-8")
    err = one_line_error(capsys, command, str(path))
    assert err.startswith("acupath: questionnaires.psqi.q1: answer 2330 is not allowed"), err


@pytest.mark.parametrize("command", ["intake", "screen", "plan"])
def test_a_birth_date_after_the_start_is_refused(capsys, tmp_path, command) -> None:
    path = tmp_path / "bad.yaml"
    text = (EXAMPLES / "safety_pacemaker.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("birth_date: 1950-02-11", "birth_date: 2030-02-11"), encoding="utf-8")
    err = one_line_error(capsys, command, str(path))
    assert err.startswith("acupath: patient.birth_date: 2030-02-11 is after the schedule start"), err
