"""Screening: overrides attach to findings (never dropping one), the status follows the findings in force."""

from __future__ import annotations

from datetime import date

import pytest

from acupath.errors import InputError
from acupath.safety import screen
from acupath.safety.findings import ScreeningStatus
from strategies import build_intake

CLEARANCE = {"finding": "systemic_malignancy", "reason": "cleared by GP on 2026-11-20", "by": "Dr Lee"}


def test_an_overridden_referral_stays_listed_and_lets_planning_proceed(kb) -> None:
    result = screen(build_intake(history={"cancer": True}, overrides=[CLEARANCE]), kb=kb)
    (finding,) = result.findings
    assert finding.code == "systemic_malignancy"
    assert not finding.in_force
    assert finding.override is not None and finding.override.by == "Dr Lee"
    assert result.status == ScreeningStatus.PROCEED
    assert not result.blocks_planning


def test_overriding_one_referral_leaves_another_in_force(kb) -> None:
    intake = build_intake(history={"cancer": True, "osteoporosis": True}, overrides=[CLEARANCE])
    result = screen(intake, kb=kb)
    assert result.status == ScreeningStatus.REFERRAL
    assert [f.code for f in result.in_force()] == ["back_fracture_risk"]


def test_an_urgent_referral_may_be_overridden_with_a_reason_and_is_still_shown(kb) -> None:
    override = {"finding": "systemic_cauda_equina_or_myelopathy", "reason": "seen in ED today, MRI normal",
                "by": "Dr Lee", "on": "2026-11-30"}
    result = screen(build_intake(red_flag_answers={"saddle_anaesthesia": True}, overrides=[override]), kb=kb)
    assert result.status == ScreeningStatus.PROCEED
    assert result.findings[0].code == "systemic_cauda_equina_or_myelopathy"
    assert result.findings[0].override is not None


def test_an_override_of_a_code_not_found_names_it(kb) -> None:
    with pytest.raises(InputError) as error:
        screen(build_intake(overrides=[{**CLEARANCE, "finding": "systemic_malignancyy"}]), kb=kb)
    assert error.value.field == "overrides[0].finding"
    assert "systemic_malignancyy" in str(error.value)


def test_findings_are_listed_worst_action_first(kb) -> None:
    intake = build_intake(red_flag_answers={"saddle_anaesthesia": True}, history={"cancer": True},
                          safety={"anticoagulant": True, "needle_phobia": True})
    actions = [f.action.value for f in screen(intake, kb=kb).findings]
    assert actions[0] == "urgent_referral" and actions[1] == "referral"
    assert set(actions[2:]) <= {"exclude", "caution"}


def test_the_screening_day_defaults_to_the_treatment_start_not_the_clock(kb) -> None:
    # born 1976-06-15, pain for 12 weeks: on the start day (2026-12-01) it began at 50, not "over 50" ...
    intake = build_intake(patient={"id": "p", "birth_date": "1976-06-15", "sex": "male"},
                          pain={"duration_weeks": 12, "nrs": 5})
    assert "lbp_onset_after_50" not in {f.code for f in screen(intake, kb=kb).findings}
    # ... but screened years later the same pain began after 50
    later = screen(intake, kb=kb, today=date(2027, 12, 1))
    assert "lbp_onset_after_50" in {f.code for f in later.findings}


def test_bad_questionnaire_answers_are_an_input_error_naming_the_item(kb) -> None:
    with pytest.raises(InputError) as error:
        screen(build_intake(questionnaires={"phq9": {"q9": 7}}), kb=kb)
    assert error.value.field.startswith("questionnaires.phq9")


def test_safety_yaml_worked_examples(kb) -> None:
    for example in kb.safety.examples:
        result = screen(build_intake(**example["intake"]), kb=kb)
        assert sorted(f.code for f in result.findings) == sorted(example["codes"]), example
        assert result.status.value == example["status"], example


def test_to_dict_gives_status_findings_and_knowledge_version(kb) -> None:
    data = screen(build_intake(history={"cancer": True}, overrides=[CLEARANCE]), kb=kb).to_dict()
    assert set(data) == {"status", "findings", "knowledge_version"}
    finding = data["findings"][0]
    assert finding["override"]["by"] == "Dr Lee" and finding["in_force"] is False
    assert set(finding["affects"]) == {"points", "regions", "modalities", "techniques"}
