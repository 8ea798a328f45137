"""``acupath report KIND --patient ID --output FILE.pdf`` on a SQLite file: each document written whole and
read back with pdftotext; bad input and documents that cannot be made exit 2 with one line and leave
FILE as it was."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_cli_server import run

from acupath.knowledge import load_knowledge
from acupath.services import Actor, create_plan, record_intake, register_patient
from acupath.services.records import AuditQuery
from acupath.services.sessions import record_session
from acupath.storage import SqlAlchemyUnitOfWork
from example_records import example_intake, example_session
from pdf_text import pdf_text


@pytest.fixture
def clinic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> dict[str, str]:
    """A SQLite file with a Medicare low back pain patient, her plan and one electroacupuncture session."""
    db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0
    clinic_id = json.loads(run(capsys, "clinics", "create", "--name", "Harbour", "--locale", "de-DE",
                               "--db", db)[1])["id"]
    lee = Actor("lee", clinic_id, "clinician", "10.0.0.1")
    kb = load_knowledge()
    patient = register_patient(SqlAlchemyUnitOfWork.from_url(db), lee, {
        "given_name": "Ann", "family_name": "Report", "birth_date": "1960-01-01", "sex": "female", "mrn": "H-7"})
    intake = record_intake(SqlAlchemyUnitOfWork.from_url(db), lee, patient.id, example_intake("chronic_low_back_pain"),
                           kb)
    plan = create_plan(SqlAlchemyUnitOfWork.from_url(db), lee, intake.id, kb)
    electro = {"kind": "electro", "frequency_hz": 2, "intensity_ma": 3, "minutes": 20,
               "electrode_pairs": [["BL23:left", "BL25:left"]]}
    record_session(SqlAlchemyUnitOfWork.from_url(db), lee, plan.id, example_session(
        points=[{"code": "BL23", "side": "left"}, {"code": "BL25", "side": "left"}], stimulation=electro), kb,
        today=date(2027, 1, 4))  # the intake's plan starts on 2026-12-01
    return {"db": db, "clinic": clinic_id, "patient": patient.id}


def test_the_superbill_is_written_with_the_ea_code_and_the_clinics_date_format(capsys, clinic, tmp_path) -> None:
    target = tmp_path / "bill.pdf"
    code, out, err = run(capsys, "report", "superbill", "--patient", clinic["patient"], "--output", str(target),
                         "--on", "2026-12-02", "--db", clinic["db"])
    assert (code, err) == (0, "") and str(target) in out
    text = pdf_text(target.read_bytes())
    assert "97813" in text and "M54.50" in text and "Ann Report" in text
    assert "Prepared 02.12.2026" in text  # de-DE, the clinic's locale
    assert "01.12.2026" in text  # the session's day
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("kind", ["plan", "progress", "ncd", "record"])
def test_each_clinical_document_is_written_and_audited_as_the_command_line(capsys, clinic, tmp_path, kind) -> None:
    target = tmp_path / f"{kind}.pdf"
    code, _, err = run(capsys, "report", kind, "--patient", clinic["patient"], "--output", str(target),
                       "--db", clinic["db"])
    assert (code, err) == (0, "")
    assert "Ann Report" in pdf_text(target.read_bytes())
    with SqlAlchemyUnitOfWork.from_url(clinic["db"]) as uow:
        entry = uow.audit.search(clinic["clinic"], AuditQuery(action="report.render"), None, 1)[0]
    assert (entry.user_id, entry.remote_address, entry.patient_id, entry.detail) == (
        "system", "cli", clinic["patient"], f"kind={kind}")


def test_a_referral_without_a_red_flag_exits_2_with_one_line_and_keeps_the_file(capsys, clinic, tmp_path) -> None:
    target = tmp_path / "letter.pdf"
    target.write_bytes(b"kept")
    code, out, err = run(capsys, "report", "referral", "--patient", clinic["patient"], "--output", str(target),
                         "--db", clinic["db"])
    assert (code, out) == (2, "")
    assert err.startswith("acupath: the patient's latest screening has no red flag") and err.count("\n") == 1
    assert target.read_bytes() == b"kept" and not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(("args", "field"), [
    (["invoice"], "kind"),
    (["plan", "--on", "2026-13-01"], "--on"),
])
def test_bad_input_exits_2_naming_the_field(capsys, clinic, tmp_path, args, field) -> None:
    code, _, err = run(capsys, "report", *args, "--patient", clinic["patient"], "--output",
                       str(tmp_path / "x.pdf"), "--db", clinic["db"])
    assert code == 2 and err.startswith(f"acupath: {field}: ") and err.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_patient_or_a_missing_folder_exits_2(capsys, clinic, tmp_path) -> None:
    code, _, err = run(capsys, "report", "plan", "--patient", "nobody", "--output", str(tmp_path / "x.pdf"),
                       "--db", clinic["db"])
    assert code == 2 and "no patient 'nobody'" in err
    code, _, err = run(capsys, "report", "plan", "--patient", clinic["patient"], "--output",
                       str(tmp_path / "missing" / "x.pdf"), "--db", clinic["db"])
    assert code == 2 and err.startswith("acupath: --output: ")
