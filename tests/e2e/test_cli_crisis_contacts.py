"""``acupath clinics set-crisis-contacts``: the clinic's own lines, a bad one named (exit 2), none = default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli_server import run

from acupath.knowledge import load_knowledge
from acupath.services.between_visits import crisis_contacts
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory


def test_a_clinics_it_person_sets_and_clears_the_crisis_contacts(capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    run(capsys, "db", "upgrade", "--db", db)
    clinic = json.loads(run(capsys, "clinics", "create", "--name", "Harbour", "--db", db)[1])["id"]
    code, out, err = run(capsys, "clinics", "set-crisis-contacts", "--clinic", clinic, "--db", db,
                         "--contact", "Harbour crisis team|0800 123 456||9-17 weekdays", "--contact", "Text line||85258")
    assert code == 0, err
    assert [c["name"] for c in json.loads(out)["contacts"]] == ["Harbour crisis team", "Text line"]
    uow = SqlAlchemyUnitOfWork(make_session_factory(make_engine(db)))
    advice = crisis_contacts.crisis_advice(uow, clinic, load_knowledge())
    assert advice.own and advice.contacts[1].text == "85258" and advice.contacts[1].phone is None
    code, out, err = run(capsys, "clinics", "set-crisis-contacts", "--clinic", clinic, "--db", db,
                         "--contact", "Harbour crisis team|call us")
    assert code == 2 and err.strip().startswith("acupath: contacts[0].phone:") and len(err.strip().splitlines()) == 1
    assert crisis_contacts.crisis_advice(uow, clinic, load_knowledge()).own  # nothing changed
    code, out, _ = run(capsys, "clinics", "set-crisis-contacts", "--clinic", clinic, "--db", db)
    assert code == 0 and json.loads(out)["default"] is True
    assert not crisis_contacts.crisis_advice(uow, clinic, load_knowledge()).own
