"""Intake, screening and plans: scores with the knowledge version, referrals block, overrides need reasons."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import Conflict, InputError, SafetyBlock
from acupath.services import amend_plan, create_plan, plan_history, record_intake, screen_intake
from acupath.services.records import Outcome, Patient
from example_records import example_intake


def _intake(uow, people, patient: Patient, kb, name: str = "chronic_low_back_pain"):
    return record_intake(uow, people.dr_lee, patient.id, example_intake(name), kb)


def test_an_intake_is_stored_with_its_scores_and_the_knowledge_version(uow: FakeUnitOfWork, people, patient, kb) -> None:
    answers = example_intake("chronic_low_back_pain")
    record = record_intake(uow, people.dr_lee, patient.id, answers, kb)
    assert record.knowledge_version == kb.version
    assert set(record.scores) == set(answers.get("questionnaires", {}))
    assert record.answers["patient"]["id"] == patient.id
    assert all(score["knowledge_version"] == kb.version for score in record.scores.values())


def test_an_intake_naming_another_patient_is_refused(uow: FakeUnitOfWork, people, patient, kb) -> None:
    answers = {**example_intake("chronic_low_back_pain"), "patient": {"id": "someone-else"}}
    with pytest.raises(InputError) as error:
        record_intake(uow, people.dr_lee, patient.id, answers, kb)
    assert error.value.field == "patient.id"


def test_screening_stores_every_finding_and_the_status(uow: FakeUnitOfWork, people, patient, kb) -> None:
    intake = _intake(uow, people, patient, kb, "safety_pacemaker")
    screening = screen_intake(uow, people.dr_lee, intake.id, kb)
    assert screening.status == "proceed_with_cautions"
    assert [f["code"] for f in screening.findings] == ["ea_implanted_device"]
    assert uow.stored("screenings")[0].to_screening() == screening.to_screening()


def test_a_plan_starts_at_version_one_with_its_screening(uow: FakeUnitOfWork, people, patient, kb) -> None:
    plan = create_plan(uow, people.dr_lee, _intake(uow, people, patient, kb).id, kb)
    assert (plan.version, plan.status, plan.knowledge_version) == (1, "active", kb.version)
    assert plan.plan["patient_id"] == patient.id
    assert [r.version for r in plan_history(uow, people.dr_lee, plan.id).items] == [1]


def test_an_unoverridden_referral_blocks_planning_and_keeps_nothing(uow: FakeUnitOfWork, people, patient, kb) -> None:
    intake = _intake(uow, people, patient, kb, "safety_malignancy")
    with pytest.raises(SafetyBlock, match="systemic_malignancy"):
        create_plan(uow, people.dr_lee, intake.id, kb)
    assert uow.stored("plans") == [] and uow.stored("screenings") == []
    assert uow.audit_entries()[-1].outcome is Outcome.BLOCKED


def test_a_referral_overridden_with_a_reason_lets_planning_proceed_and_stores_the_override(
    uow: FakeUnitOfWork, people, patient, kb
) -> None:
    intake = _intake(uow, people, patient, kb, "safety_malignancy")
    reason = "MRI and oncology review clear (letter 2026-11-20)"
    plan = create_plan(uow, people.dr_lee, intake.id, kb, overrides=[{"finding": "systemic_malignancy", "reason": reason}])
    [override] = plan.overrides
    assert (override.finding, override.reason, override.author, override.plan_version) == (
        "systemic_malignancy", reason, "lee", 1)
    assert "systemic_malignancy" in {o["finding"] for o in plan.plan["overrides"]}


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_override_without_a_reason_is_refused(uow: FakeUnitOfWork, people, patient, kb, reason) -> None:
    intake = _intake(uow, people, patient, kb, "safety_malignancy")
    with pytest.raises(InputError) as error:
        create_plan(uow, people.dr_lee, intake.id, kb, overrides=[{"finding": "systemic_malignancy", "reason": reason}])
    assert error.value.field == "overrides[0].reason"


def test_an_urgent_referral_blocks_the_plan_until_overridden_with_a_reason(
    uow: FakeUnitOfWork, people, patient, kb
) -> None:
    intake = _intake(uow, people, patient, kb, "safety_cauda_equina")
    with pytest.raises(SafetyBlock):
        create_plan(uow, people.dr_lee, intake.id, kb)
    reason = "Emergency MRI 2026-11-20 excluded cauda equina compression (ED letter)"
    plan = create_plan(uow, people.dr_lee, intake.id, kb,
                       overrides=[{"finding": "systemic_cauda_equina_or_myelopathy", "reason": reason}])
    shown = {o["finding"]: o for o in plan.plan["overrides"]}
    assert shown["systemic_cauda_equina_or_myelopathy"]["reason"] == reason
    assert "systemic_cauda_equina_or_myelopathy" in {f["code"] for f in plan.plan["findings"]}


def test_an_override_naming_no_finding_is_refused(uow: FakeUnitOfWork, people, patient, kb) -> None:
    intake = _intake(uow, people, patient, kb)
    with pytest.raises(InputError) as error:
        create_plan(uow, people.dr_lee, intake.id, kb, overrides=[{"finding": "made_up", "reason": "because"}])
    assert error.value.field == "overrides[0].finding"


def test_an_amendment_rescreens_raises_the_version_and_keeps_the_previous_plan(
    uow: FakeUnitOfWork, people, patient, kb
) -> None:
    plan = create_plan(uow, people.dr_lee, _intake(uow, people, patient, kb).id, kb)
    screenings_before = len(uow.stored("screenings"))
    amended = amend_plan(uow, people.dr_patel, plan.id, kb, expected_version=1, note="review")
    assert amended.version == 2 and amended.updated_by == "patel"
    assert len(uow.stored("screenings")) == screenings_before + 1
    assert [r.version for r in plan_history(uow, people.dr_lee, plan.id).items] == [1, 2]


def test_an_amendment_after_new_safety_facts_removes_what_they_exclude(uow: FakeUnitOfWork, people, patient, kb) -> None:
    plan = create_plan(uow, people.dr_lee, _intake(uow, people, patient, kb).id, kb)
    _intake(uow, people, patient, kb, "safety_pacemaker")  # the patient now has a pacemaker
    amended = amend_plan(uow, people.dr_lee, plan.id, kb, expected_version=plan.version)
    assert "ea_implanted_device" in {f["code"] for f in amended.plan["findings"]}
    assert not (amended.plan.get("electroacupuncture") or {}).get("pairs")


def test_a_stale_amendment_gets_conflict_and_loses_nothing(uow: FakeUnitOfWork, people, patient, kb) -> None:
    plan = create_plan(uow, people.dr_lee, _intake(uow, people, patient, kb).id, kb)
    amend_plan(uow, people.dr_lee, plan.id, kb, expected_version=1, status="completed")
    with pytest.raises(Conflict):
        amend_plan(uow, people.dr_patel, plan.id, kb, expected_version=1, status="discontinued")
    [stored] = uow.stored("plans")
    assert (stored.version, stored.status) == (2, "completed")
    assert [r.version for r in uow.committed.revisions] == [1, 2]


def test_an_amended_plan_that_holds_an_excluded_point_is_blocked(uow: FakeUnitOfWork, people, patient, kb) -> None:
    plan = create_plan(uow, people.dr_lee, _intake(uow, people, patient, kb, "safety_skin_lesion_left_knee").id, kb)
    edited = dict(plan.plan)
    edited["points"] = [*plan.plan["points"], {**plan.plan["points"][0], "code": "ST35", "side": "left"}]
    with pytest.raises(SafetyBlock, match="ST35"):
        amend_plan(uow, people.dr_lee, plan.id, kb, expected_version=1, plan=edited)
    assert uow.stored("plans")[0].version == 1
