"""``acupath audit verify`` and ``acupath audit export`` on a SQLite file (PostgreSQL: integration tests)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from test_cli_server import run

from acupath.services import Actor, get_patient, register_patient
from acupath.storage import SqlAlchemyUnitOfWork


@pytest.fixture
def clinic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[str, str]:
    """A migrated SQLite file with a clinic, a patient and two audited reads; returns (url, clinic id)."""
    db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0
    code, out, _ = run(capsys, "clinics", "create", "--name", "Harbour", "--db", db)
    clinic_id = json.loads(out)["id"]
    lee = Actor("lee", clinic_id, "clinician", "10.0.0.1")
    patient = register_patient(SqlAlchemyUnitOfWork.from_url(db), lee, {
        "given_name": "Ann", "family_name": "Audit", "birth_date": "1960-01-01", "sex": "female"})
    for _ in range(2):
        get_patient(SqlAlchemyUnitOfWork.from_url(db), lee, patient.id)
    return db, clinic_id


def test_verify_exits_0_with_the_count_on_an_intact_chain(capsys, clinic) -> None:
    code, out, err = run(capsys, "audit", "verify", "--db", clinic[0])
    assert (code, err) == (0, "")
    assert out.startswith("audit log intact: 3 entries checked; last hash ")


def test_verify_exits_1_naming_the_first_tampered_entry(capsys, clinic, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "clinic.sqlite3") as connection:  # as an attacker with the file would
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET remote_address = '192.0.2.1' WHERE id = 2")
    code, out, err = run(capsys, "audit", "verify", "--db", clinic[0])
    assert (code, out) == (1, "")
    assert err.startswith("audit log broken: entry 2 was changed") and "(1 entries before it are intact)" in err


def test_export_writes_the_clinics_log_and_audits_itself(capsys, clinic, tmp_path: Path) -> None:
    db, clinic_id = clinic
    code, out, _ = run(capsys, "audit", "export", "--clinic", clinic_id, "--format", "csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["action"] for r in rows] == ["patient.register", "patient.read", "patient.read",
                                                         "audit.export"]
    assert (rows[-1]["user_id"], rows[-1]["remote_address"]) == ("system", "cli")
    target = tmp_path / "log.ndjson"
    code, out, _ = run(capsys, "audit", "export", "--clinic", clinic_id, "--format", "ndjson", "--output",
                       str(target), "--db", db)
    assert code == 0 and str(target) in out
    assert len(target.read_text().splitlines()) == 5
    assert run(capsys, "audit", "verify", "--db", db)[0] == 0


@pytest.mark.parametrize(("args", "field"), [
    (["--clinic", "nope"], "--clinic"),
    (["--format", "xml"], "format"),
])
def test_export_refuses_bad_input_with_one_line_and_exit_2(capsys, clinic, args: list[str], field: str) -> None:
    db, clinic_id = clinic
    code, out, err = run(capsys, "audit", "export", "--clinic", clinic_id, *args, "--db", db)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and field in err
