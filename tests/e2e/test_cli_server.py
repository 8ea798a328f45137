"""``acupath db upgrade``, ``clinics create``, ``users create`` and ``demo`` on a SQLite file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from acupath.security.passwords import Argon2idHasher
from acupath.services import logins, patients
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory
from cli_run import run


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'clinic.sqlite3'}"


def test_a_clinic_and_its_first_user_can_be_set_up_from_an_empty_file(capsys, monkeypatch, db: str) -> None:
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0
    code, out, _ = run(capsys, "clinics", "create", "--name", "Harbour clinic", "--db", db)
    clinic_id = json.loads(out)["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO("a long clinic password\n"))
    code, out, err = run(capsys, "users", "create", "--email", "Lee@Harbour.example", "--clinic", clinic_id,
                         "--role", "clinician", "--password-stdin", "--db", db)
    assert code == 0, err
    assert json.loads(out)["email"] == "lee@harbour.example" and "password" not in out
    uow = SqlAlchemyUnitOfWork(make_session_factory(make_engine(db)))
    actor = logins.authenticate(uow, "lee@harbour.example", "a long clinic password", Argon2idHasher())
    assert actor is not None and actor.clinic_id == clinic_id


def test_a_short_password_exits_2_naming_the_field(capsys, monkeypatch, db: str) -> None:
    run(capsys, "db", "upgrade", "--db", db)
    clinic_id = json.loads(run(capsys, "clinics", "create", "--name", "Hill", "--db", db)[1])["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "users", "create", "--email", "a@hill.example", "--clinic", clinic_id,
                       "--role", "admin", "--password-stdin", "--db", db)
    assert code == 2 and err.startswith("acupath: password")


def test_an_unsupported_database_url_exits_2_with_one_line(capsys) -> None:
    code, _, err = run(capsys, "db", "upgrade", "--db", "mysql://nobody@localhost/x")
    assert code == 2 and err.count("\n") == 1 and "--db" in err


def test_the_demo_has_patients_for_every_condition_with_sessions_and_loads_once(capsys, db: str) -> None:
    run(capsys, "db", "upgrade", "--db", db)
    code, out, err = run(capsys, "demo", "--db", db, "--per-condition", "1", "--today", "2027-03-01",
                         "--past", "0", "--second-clinic", "0")
    assert code == 0, err
    summary = json.loads(out[: out.rindex("}") + 1])
    assert summary["patients"] == summary["plans"] == 6
    assert summary["sessions"] > 6 * 3 and summary["reassessments"] >= 1
    assert "demo login: lee@harbour.demo" in out
    uow_factory = make_session_factory(make_engine(db))
    actor = logins.authenticate(SqlAlchemyUnitOfWork(uow_factory), "lee@harbour.demo", "acupath-demo-2026",
                               Argon2idHasher())
    assert actor is not None
    assert patients.list_patients(SqlAlchemyUnitOfWork(uow_factory), actor, total=True).total.value == 6
    again = run(capsys, "demo", "--db", db)
    assert again[0] == 0 and "already loaded" in again[1]


def test_a_clinic_is_created_with_a_locale_and_its_it_changes_it(capsys, db: str) -> None:
    run(capsys, "db", "upgrade", "--db", db)
    code, out, err = run(capsys, "clinics", "create", "--name", "Bay", "--locale", "en_US", "--db", db)
    assert code == 0, err
    clinic = json.loads(out)
    assert clinic["locale"] == "en-US"
    code, out, err = run(capsys, "clinics", "set-locale", "fr-FR", "--clinic", clinic["id"], "--db", db)
    assert code == 0 and json.loads(out)["locale"] == "fr-FR", err
    code, _, err = run(capsys, "clinics", "set-locale", "pt-BR", "--clinic", clinic["id"], "--db", db)
    assert code == 2 and err.count("\n") == 1 and err.startswith("acupath: locale") and "de-DE" in err
