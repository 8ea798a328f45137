"""Migration 0002 gives old electrode pairs the side their points were needled on, and back again."""

from __future__ import annotations

import json

from sqlalchemy import text

from acupath import services
from acupath.services import Actor
from acupath.services.records import Electrode
from acupath.storage import SqlAlchemyUnitOfWork, make_engine
from acupath.storage.migrate import downgrade, upgrade
from example_records import example_intake, example_session


def test_downgrade_keeps_bare_pairs_and_upgrade_gives_them_their_needles_sides(empty_database_url: str, kb) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    uow = SqlAlchemyUnitOfWork.from_engine(engine)
    clinic = services.create_clinic(uow, "Migration Clinic")
    lee = Actor("lee", clinic.id, "clinician", "10.0.0.1")
    patient = services.register_patient(uow, lee, {
        "given_name": "Ann", "family_name": "Old", "birth_date": "1955-08-08", "sex": "female"})
    intake = services.record_intake(uow, lee, patient.id, example_intake("chronic_low_back_pain"), kb)
    plan = services.create_plan(uow, lee, intake.id, kb)
    points = [{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}, {"code": "BL40", "side": "bilateral"},
              {"code": "BL57", "side": "right"}]
    electro = {"kind": "electro", "frequency_hz": 2, "intensity_ma": 3, "minutes": 20,
               "electrode_pairs": [["BL23", "BL25", "left"], ["BL40:right", "BL57:right"]]}
    session = services.record_session(uow, lee, plan.id, example_session(points=points, stimulation=electro), kb)
    engine.dispose()

    downgrade(empty_database_url, "0001")
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT ea_electrode_pairs FROM session_records")).scalar_one()
    finally:
        engine.dispose()
    assert (json.loads(stored) if isinstance(stored, str) else stored) == [["BL23", "BL25"], ["BL40", "BL57"]]

    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with SqlAlchemyUnitOfWork.from_engine(engine) as again:
            pairs = again.sessions.get(clinic.id, session.id).stimulation.electrode_pairs
    finally:
        engine.dispose()
    # BL23 and BL25 were needled on the left only, BL57 on the right only; BL40 on both sides, so its
    # side stays unknown.
    assert pairs == [(Electrode("BL23", "left"), Electrode("BL25", "left")),
                     (Electrode("BL40", None), Electrode("BL57", "right"))]
