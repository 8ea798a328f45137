"""``acupath users deactivate | activate | set-role | reset-password`` on a SQLite file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from test_cli_server import run

from acupath.errors import PasswordChangeRequired
from acupath.security.passwords import Argon2idHasher
from acupath.services import logins
from acupath.storage import SqlAlchemyUnitOfWork, make_engine, make_session_factory

PASSWORD = "a long clinic password"


@pytest.fixture
def clinic(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A migrated SQLite file holding one clinic with ``ada@harbour.example`` (admin) and ``lee`` (clinician)."""
    db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    run(capsys, "db", "upgrade", "--db", db)
    clinic_id = json.loads(run(capsys, "clinics", "create", "--name", "Harbour", "--db", db)[1])["id"]
    for email, role in (("ada@harbour.example", "admin"), ("lee@harbour.example", "clinician")):
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        code, _, err = run(capsys, "users", "create", "--email", email, "--clinic", clinic_id, "--role", role,
                           "--password-stdin", "--db", db)
        assert code == 0, err
    return db


def _login(db: str, email: str, password: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db)
    try:
        return logins.authenticate(SqlAlchemyUnitOfWork(make_session_factory(engine)), email, password,
                                   Argon2idHasher(at_once=1), "cli-test")
    finally:
        engine.dispose()


def test_set_role_and_deactivate_change_the_stored_account(capsys, clinic: str) -> None:
    code, out, err = run(capsys, "users", "set-role", "LEE@harbour.example", "reception", "--db", clinic)
    assert code == 0, err
    assert json.loads(out)["role"] == "reception"
    code, out, err = run(capsys, "users", "deactivate", "lee@harbour.example", "--db", clinic)
    assert code == 0 and json.loads(out)["active"] is False
    assert _login(clinic, "lee@harbour.example", PASSWORD) is None
    code, out, _ = run(capsys, "users", "activate", "lee@harbour.example", "--db", clinic)
    assert code == 0 and json.loads(out)["active"] is True
    actor = _login(clinic, "lee@harbour.example", PASSWORD)
    assert actor is not None and actor.role.value == "reception"


def test_the_last_admin_cannot_be_deactivated_or_demoted(capsys, clinic: str) -> None:
    for args in (("deactivate", "ada@harbour.example"), ("set-role", "ada@harbour.example", "clinician")):
        code, _, err = run(capsys, "users", *args, "--db", clinic)
        assert code == 2 and err.count("\n") == 1 and "no active administrator" in err
    assert _login(clinic, "ada@harbour.example", PASSWORD) is not None


@pytest.mark.parametrize(("args", "names"), [
    (("set-role", "lee@harbour.example", "owner"), "'role'"),
    (("deactivate", "nobody@harbour.example"), "nobody@harbour.example"),
])
def test_bad_input_exits_2_with_one_line(capsys, clinic: str, args: tuple[str, ...], names: str) -> None:
    code, _, err = run(capsys, "users", *args, "--db", clinic)
    assert code == 2 and err.count("\n") == 1 and names in err


def test_reset_password_prints_a_temporary_password_that_must_be_changed(capsys, clinic: str) -> None:
    code, out, err = run(capsys, "users", "reset-password", "lee@harbour.example", "--db", clinic)
    assert code == 0, err
    temporary = out.strip().rsplit(": ", 1)[1]
    assert len(temporary) >= 12 and "must set their own" in err
    assert _login(clinic, "lee@harbour.example", PASSWORD) is None
    with pytest.raises(PasswordChangeRequired):
        _login(clinic, "lee@harbour.example", temporary)


def test_reset_password_reads_a_given_temporary_password_and_applies_the_policy(capsys, monkeypatch,
                                                                              clinic: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("password12345\n"))
    code, _, err = run(capsys, "users", "reset-password", "lee@harbour.example", "--password-stdin", "--db", clinic)
    assert code == 2 and err.startswith("acupath: password:") and "password12345" not in err
    monkeypatch.setattr("sys.stdin", io.StringIO("harbour handover phrase\n"))
    code, out, err = run(capsys, "users", "reset-password", "lee@harbour.example", "--password-stdin", "--db", clinic)
    assert code == 0 and "harbour handover phrase" not in out
    with pytest.raises(PasswordChangeRequired):
        _login(clinic, "lee@harbour.example", "harbour handover phrase")
