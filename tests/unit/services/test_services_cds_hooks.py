"""services.cds_hooks: a CDS call uses its token once, finds acupath's patient by MRN in the client's
clinic only, and leaves one audit entry without the EHR's data; feedback is one entry per card."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from service_fakes import FROZEN_NOW, FakeUnitOfWork

from acupath.errors import NotAuthenticated
from acupath.services.cds_hooks import CdsClient, TokenUse, consult, record_feedback
from acupath.services.records import Outcome, Patient, PlanRecord

HARBOUR_EHR = CdsClient(issuer="https://ehr.example.org", clinic_id="harbour")
HILL_EHR = CdsClient(issuer="https://hill.example.org", clinic_id="hill")


def token(jti: str = "j-1", issuer: str = HARBOUR_EHR.issuer) -> TokenUse:
    return TokenUse(issuer=issuer, jti=jti, expires_at=FROZEN_NOW + timedelta(minutes=5))


def entries(uow: FakeUnitOfWork, clinic: str, action: str) -> list[Any]:
    with uow:
        return [e for e in uow.audit.list(clinic, limit=10_000) if e.action == action]


def test_a_known_mrn_brings_the_latest_screening_and_the_active_plans(uow: FakeUnitOfWork, patient: Patient,
                                                                       plan: PlanRecord, kb: Any) -> None:
    found = consult(uow, HARBOUR_EHR, "10.2.2.2", token(), "order-sign", "hook-1", "H-001", ["ea_implanted_device"],
                    kb, date(2026, 12, 6))
    assert found is not None and found.patient_id == patient.id
    assert found.screened_on is not None and found.overdue_plans == ()
    (entry,) = entries(uow, "harbour", "cds.order-sign")
    assert entry.patient_id == patient.id and entry.user_id == "cds:https://ehr.example.org"
    assert entry.record_id == "hook-1" and entry.detail.startswith("order-sign hook-1: EHR findings ea_implanted_device")


def test_another_clinics_ehr_and_an_unknown_mrn_find_nobody(uow: FakeUnitOfWork, patient: Patient, kb: Any) -> None:
    assert consult(uow, HILL_EHR, "10.9.9.9", token(issuer=HILL_EHR.issuer), "patient-view", "h2", "H-001", [],
                   kb, date(2026, 12, 6)) is None
    assert consult(uow, HARBOUR_EHR, "10.2.2.2", token("j-2"), "patient-view", "h3", "H-999", [], kb,
                   date(2026, 12, 6)) is None
    assert [e.patient_id for e in entries(uow, "hill", "cds.patient-view")] == [None]


def test_a_token_is_used_once(uow: FakeUnitOfWork, kb: Any) -> None:
    consult(uow, HARBOUR_EHR, "10.2.2.2", token("same"), "patient-view", "h4", None, [], kb, date(2026, 12, 6))
    with pytest.raises(NotAuthenticated, match="replay"):
        consult(uow, HARBOUR_EHR, "10.2.2.2", token("same"), "patient-view", "h5", None, [], kb, date(2026, 12, 6))
    assert [e.outcome for e in entries(uow, "harbour", "cds.patient-view")] == [Outcome.OK, Outcome.UNAUTHENTICATED]
    # the same jti from another issuer is another token
    consult(uow, HILL_EHR, "10.9.9.9", token("same", HILL_EHR.issuer), "patient-view", "h6", None, [], kb,
            date(2026, 12, 6))


def test_feedback_is_one_entry_per_card_and_a_replay_keeps_nothing(uow: FakeUnitOfWork) -> None:
    outcomes = [("card-1", "overridden", "reason specialist-cleared"), ("card-2", "accepted", "suggestions s-1")]
    record_feedback(uow, HARBOUR_EHR, "10.2.2.2", token("fb"), "order-sign", outcomes)
    with pytest.raises(NotAuthenticated):
        record_feedback(uow, HARBOUR_EHR, "10.2.2.2", token("fb"), "order-sign", [("card-3", "accepted", "x")])
    kept = [(e.record_id, e.outcome) for e in entries(uow, "harbour", "cds.feedback")]
    assert kept == [("card-1", Outcome.OK), ("card-2", Outcome.OK), ("card-3", Outcome.UNAUTHENTICATED)]
