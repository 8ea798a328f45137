"""The override rule holds through the services (issue 10, item 5): plans created and amended and
sessions recorded refuse "ok"-style reasons naming ``overrides[i].reason``; an accepted override of an
urgent finding is stored and shown with its reason, the clinician and the date."""

from __future__ import annotations

import pytest
from service_fakes import FakeUnitOfWork

from acupath.errors import InputError
from acupath.services import create_plan, record_intake, record_session
from example_records import example_intake
from example_records import example_session as session

URGENT = "systemic_cauda_equina_or_myelopathy"
GOOD = "Emergency MRI 2026-11-20 excluded cauda equina compression (ED letter on file)"


def _cauda_equina(uow: FakeUnitOfWork, people, patient, kb):
    return record_intake(uow, people.dr_lee, patient.id, example_intake("safety_cauda_equina"), kb)


@pytest.mark.parametrize("reason", ["ok", "fine", "n/a", "cleared", "zzzzzzzzzzzzzzzzzzzzzz", "MRI normal"])
def test_a_plan_refuses_an_ok_style_override_of_an_urgent_finding(uow: FakeUnitOfWork, people, patient, kb,
                                                                 reason) -> None:
    intake = _cauda_equina(uow, people, patient, kb)
    with pytest.raises(InputError) as error:
        create_plan(uow, people.dr_lee, intake.id, kb, overrides=[{"finding": URGENT, "reason": reason}])
    assert error.value.field == "overrides[0].reason"
    assert uow.stored("plans") == []


def test_an_accepted_urgent_override_is_stored_and_shown_with_reason_clinician_and_date(
    uow: FakeUnitOfWork, people, patient, kb
) -> None:
    intake = _cauda_equina(uow, people, patient, kb)
    plan = create_plan(uow, people.dr_lee, intake.id, kb, overrides=[{"finding": URGENT, "reason": GOOD}])
    (stored,) = plan.overrides
    assert (stored.finding, stored.reason, stored.author) == (URGENT, GOOD, "lee")
    (shown,) = [o for o in plan.plan["overrides"] if o["finding"] == URGENT]
    assert shown["reason"] == GOOD and shown["by"] == "lee" and shown["on"] == uow.clock().date().isoformat()


def test_a_session_refuses_an_ok_style_override(uow: FakeUnitOfWork, people, patient, kb) -> None:
    answers = example_intake("safety_skin_lesion_left_knee")
    plan = create_plan(uow, people.dr_lee, record_intake(uow, people.dr_lee, patient.id, answers, kb).id, kb)
    with pytest.raises(InputError) as error:
        record_session(uow, people.dr_lee, plan.id, session(
            points=[{"code": "ST35", "side": "left"}], overrides=[{"finding": "skin_lesion_regions", "reason": "ok"}]),
            kb)
    assert error.value.field == "overrides[0].reason"
    assert uow.stored("sessions") == []
