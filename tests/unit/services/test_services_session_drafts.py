"""The next session's draft: the plan for the first, then the last session as given; referrals since the plan."""

from __future__ import annotations

from datetime import date

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import NotFound, PermissionDenied
from acupath.services import create_plan, record_intake, record_session, screen_intake
from acupath.services.session_drafts import session_draft
from example_records import example_intake
from example_records import example_session as session

TODAY = date(2026, 12, 10)


@pytest.fixture
def back_plan(uow: FakeUnitOfWork, people, patient, kb):
    """A low back pain plan with electroacupuncture (radiating leg pain)."""
    intake = example_intake("chronic_low_back_pain")
    intake["pain"]["radiating_leg_pain"] = True
    recorded = record_intake(uow, people.dr_lee, patient.id, intake, kb)
    return create_plan(uow, people.dr_lee, recorded.id, kb)


def test_the_first_session_is_drawn_from_the_plan(uow: FakeUnitOfWork, people, back_plan, kb) -> None:
    draft = session_draft(uow, people.dr_lee, back_plan.id, TODAY)
    plan = back_plan.plan
    assert draft.previous is None and draft.next_number == 1 and draft.referral == ()
    assert draft.values["points"] == [{"code": p["code"], "side": p["side"]} for p in plan["points"]
                                      if p["technique"] == "needle"]
    ea, stimulation = plan["electroacupuncture"], draft.values["stimulation"]
    assert stimulation["kind"] == "electro" and stimulation["intensity_ma"] == ea["intensity_ma"][0]
    assert stimulation["minutes"] == ea["duration_min"][0]
    assert [[(e["code"], e["side"]) for e in pair] for pair in stimulation["electrode_pairs"]] == [
        [(a, side), (b, side)] for a, b, side in ea["pairs"]]
    assert draft.values["retention_minutes"] == min(r["minutes"][0] for r in plan["retention"])
    assert draft.values["session_date"] == TODAY.isoformat()


def test_the_next_session_carries_forward_the_last_one_as_given(uow: FakeUnitOfWork, people, back_plan, kb) -> None:
    record_session(uow, people.dr_lee, back_plan.id, session(session_date="2026-12-01"), kb)
    record_session(uow, people.dr_lee, back_plan.id, session(
        session_date="2026-12-04", retention_minutes=27, points=[{"code": "BL40", "side": "left"}],
        needle={"diameter_mm": 0.3, "length_mm": 30}), kb)
    draft = session_draft(uow, people.dr_lee, back_plan.id, TODAY)
    assert draft.previous is not None and draft.previous.number == 2 and draft.next_number == 3
    assert [(p["code"], p["side"]) for p in draft.values["points"]] == [("BL40", "left")]
    assert draft.values["retention_minutes"] == 27
    assert (draft.values["needle"]["diameter_mm"], draft.values["needle"]["length_mm"]) == (0.3, 30)
    assert draft.values["stimulation"]["kind"] == "manual"
    # Recording the draft as it is stands: a draft is always a session the service accepts as given before.
    assert record_session(uow, people.dr_lee, back_plan.id, draft.values, kb, today=TODAY).number == 3


def test_a_referral_found_since_the_plan_is_in_the_draft(uow: FakeUnitOfWork, people, patient, back_plan, kb) -> None:
    later = record_intake(uow, people.dr_lee, patient.id, example_intake("safety_cauda_equina"), kb)
    screen_intake(uow, people.dr_lee, later.id, kb)
    draft = session_draft(uow, people.dr_lee, back_plan.id, TODAY)
    assert "systemic_cauda_equina_or_myelopathy" in [f.code for f in draft.referral]
    assert set(draft.referral) <= set(draft.findings)


def test_reception_and_another_clinic_get_no_draft(uow: FakeUnitOfWork, people, back_plan) -> None:
    with pytest.raises(PermissionDenied):
        session_draft(uow, people.rita, back_plan.id, TODAY)
    with pytest.raises(NotFound):
        session_draft(uow, people.dr_outsider, back_plan.id, TODAY)
