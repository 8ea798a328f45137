"""Every record survives the database unchanged, and stays inside its clinic."""

from __future__ import annotations

import pytest
from integration_support import Staff, fresh_uow
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from acupath import services
from acupath.errors import NotFound
from acupath.services.records import Electrode, IntakeRecord
from acupath.services.records.listings import NameSearch, Total
from acupath.storage import SqlAlchemyUnitOfWork
from example_records import example_intake, example_session


@pytest.fixture
def treated(uow: SqlAlchemyUnitOfWork, staff: Staff, kb) -> dict:
    """A knee patient of the staff's clinic with intake, screening, plan, EA session, event, reassessment."""
    patient = services.register_patient(uow, staff.rita, {
        "given_name": "Anna", "family_name": "Smith", "birth_date": "1955-08-08", "sex": "female", "mrn": "K-1"})
    intake = services.record_intake(uow, staff.dr_lee, patient.id, example_intake("knee_osteoarthritis"), kb)
    screening = services.screen_intake(uow, staff.dr_lee, intake.id, kb)
    plan = services.create_plan(uow, staff.dr_lee, intake.id, kb)
    electro = {"kind": "electro", "frequency_hz": 2.0, "intensity_ma": 3.5, "pulse_width_ms": 0.5,
               "waveform": "dense_disperse", "minutes": 20, "electrode_pairs": [["ST35:right", "ST36:right"]]}
    points = [{"code": "ST35", "side": "right", "depth": 1.0, "unit": "cun", "response_sought": "de_qi"},
              {"code": "ST36", "side": "right", "depth": 25, "unit": "mm", "response_sought": "de_qi"}]
    session = services.record_session(uow, staff.dr_lee, plan.id, example_session(points=points,
                                                                                  stimulation=electro), kb)
    event = services.record_adverse_event(uow, staff.dr_lee, patient.id, {
        "occurred_on": "2026-12-01", "type": "bruising", "severity": "mild", "outcome": "resolved",
        "session_id": session.id, "description": "small bruise at ST36"})
    instrument, answers = next(iter(example_intake("chronic_low_back_pain")["questionnaires"].items()))
    reassessment = services.record_reassessment(uow, staff.dr_lee, patient.id, {
        "assessed_on": "2026-12-05", "plan_id": plan.id, "answers": {instrument: answers}}, kb)
    return {"patient": patient, "intake": intake, "screening": screening, "plan": plan, "session": session,
            "event": event, "reassessment": reassessment}


def test_every_record_reads_back_as_it_was_written(engine: Engine, staff: Staff, treated: dict) -> None:
    clinic = staff.clinic_id
    with fresh_uow(engine) as uow:
        assert uow.patients.get(clinic, treated["patient"].id) == treated["patient"]
        assert uow.intakes.get(clinic, treated["intake"].id) == treated["intake"]
        assert uow.screenings.get(clinic, treated["screening"].id) == treated["screening"]
        assert uow.plans.get(clinic, treated["plan"].id) == treated["plan"]
        assert uow.sessions.get(clinic, treated["session"].id) == treated["session"]
        assert uow.adverse_events.list_for_patient(clinic, treated["patient"].id) == [treated["event"]]
        assert uow.reassessments.list_for_patient(clinic, treated["patient"].id) == [treated["reassessment"]]


def test_a_session_keeps_every_stricta_item(engine: Engine, staff: Staff, treated: dict) -> None:
    with fresh_uow(engine) as uow:
        stored = uow.sessions.get(staff.clinic_id, treated["session"].id)
    assert stored is not None
    assert [(p.code, p.side, p.depth, p.unit, p.response_sought) for p in stored.points] == [
        ("ST35", "right", 1.0, "cun", "de_qi"), ("ST36", "right", 25.0, "mm", "de_qi")]
    assert (stored.stimulation.kind, stored.stimulation.frequency_hz, stored.stimulation.intensity_ma,
            stored.stimulation.pulse_width_ms, stored.stimulation.waveform, stored.stimulation.minutes,
            stored.stimulation.electrode_pairs) == ("electro", 2.0, 3.5, 0.5, "dense_disperse", 20,
                                                    [(Electrode("ST35", "right"), Electrode("ST36", "right"))])
    assert (stored.needle.diameter_mm, stored.needle.length_mm, stored.needle.manufacturer) == (0.25, 40.0, "Seirin")
    assert (stored.style, stored.retention_minutes, stored.co_interventions, stored.practitioner_id) == (
        "tcm", 20, ["home exercise"], "lee")
    assert (stored.pain_before, stored.pain_after, stored.number) == (6, 4, 1)


def test_another_clinic_sees_none_of_the_records(engine: Engine, staff: Staff, treated: dict, kb) -> None:
    other = staff.dr_outsider.clinic_id
    with fresh_uow(engine) as uow:
        assert uow.patients.get(other, treated["patient"].id) is None
        assert uow.plans.get(other, treated["plan"].id) is None
        assert uow.sessions.get(other, treated["session"].id) is None
        assert uow.patients.search(other, NameSearch.of("Smith"), None, 50) == []
    with pytest.raises(NotFound):
        services.get_progress(fresh_uow(engine), staff.dr_outsider, treated["plan"].id, kb)


def test_the_database_refuses_a_record_naming_another_clinics_patient(
    engine: Engine, staff: Staff, treated: dict
) -> None:
    intake: IntakeRecord = treated["intake"]
    with fresh_uow(engine) as uow, pytest.raises(IntegrityError):
        uow.intakes.add(IntakeRecord(**{**vars(intake), "id": "f" * 32, "clinic_id": staff.dr_outsider.clinic_id}))


def test_progress_is_computed_from_stored_records(engine: Engine, staff: Staff, treated: dict, kb) -> None:
    progress = services.get_progress(fresh_uow(engine), staff.dr_patel, treated["plan"].id, kb)
    assert (progress.sessions_given, progress.pain) == (1, ((1, 6, 4),))


def test_a_stored_phq9_item_9_above_0_asks_for_safety_follow_up(engine: Engine, staff: Staff, treated: dict,
                                                               kb) -> None:
    # Progress reads the stored scores' totals and flags, not the answers (instruments.md §11).
    phq9 = {f"q{i}": 0 for i in range(1, 9)} | {"q9": 2}
    services.record_reassessment(fresh_uow(engine), staff.dr_lee, treated["patient"].id, {
        "assessed_on": "2026-12-06", "plan_id": treated["plan"].id, "session_number": 1,
        "answers": {"phq9": phq9}}, kb)
    progress = services.get_progress(fresh_uow(engine), staff.dr_patel, treated["plan"].id, kb)
    assert [a.session for a in progress.alerts if a.code == "safety_follow_up"] == [1]


def test_patients_are_searched_by_name_and_paged(uow: SqlAlchemyUnitOfWork, staff: Staff) -> None:
    for given, family in [("Ben", "Adams"), ("Cara", "Smithson"), ("Dan", "O'Smith_"), ("Eve", "Young")]:
        services.register_patient(uow, staff.rita, {"given_name": given, "family_name": family,
                                                    "birth_date": "1980-01-01", "sex": "female"})
    first = services.list_patients(uow, staff.rita, search="smith", limit=1, total=True)
    page = services.list_patients(uow, staff.rita, search="smith", limit=1, cursor=first.next_cursor)
    assert (first.total, [p.family_name for p in page.items]) == (Total(2, "eq"), ["Smithson"])
    # "_" and "%" are letters, not wildcards
    assert [p.given_name for p in services.list_patients(uow, staff.rita, search="th_").items] == ["Dan"]
    assert services.list_patients(uow, staff.rita, search="m%").items == []
    assert [p.given_name for p in services.list_patients(uow, staff.rita, search="cara smi").items] == ["Cara"]

