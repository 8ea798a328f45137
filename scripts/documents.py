"""``make documents``: the first page of each PDF document of the demo clinic, for README, in docs/documents/.

``.venv/bin/python -m scripts.documents [--out docs/documents] [--today 2026-12-06]``

As ``make run`` does, but on a temporary SQLite file: ``acupath db upgrade`` and ``acupath demo --today``
(its patients in care only: ``--past 0 --second-clinic 0``);
then a patient with a cauda equina red flag is registered and screened (the demo clinic plans every one
of its patients, so it has no referral), and ``acupath report`` writes each document (the demo's
Medicare low back pain patient for every kind but the referral) into the temporary folder. poppler's
``pdftoppm`` turns each first page into ``<kind>.png`` at 80 dpi. The demo is built with a fixed
``--today`` and ``--seed``, so the pages change only when the code or the knowledge changes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACUPATH = Path(sys.executable).parent / "acupath"
KINDS = ("plan", "progress", "ncd", "referral", "superbill", "record")


def _acupath(*args: str) -> str:
    return subprocess.run([str(ACUPATH), *args], check=True, capture_output=True, text=True).stdout


def _referral_patient(url: str, clinic_id: str) -> str:
    """Register and screen a patient whose intake has cauda equina red flags; return their id."""
    from acupath.cli.files import read_data
    from acupath.knowledge import load_knowledge
    from acupath.services import Actor, record_intake, register_patient, screen_intake
    from acupath.storage import SqlAlchemyUnitOfWork

    clinician = Actor("demo-documents", clinic_id, "clinician", "script")
    kb = load_knowledge()
    patient = register_patient(SqlAlchemyUnitOfWork.from_url(url), clinician, {
        "given_name": "Ravi", "family_name": "Quayle", "birth_date": "1959-03-14", "sex": "male", "mrn": "HB-20001"})
    answers = read_data(ROOT / "examples" / "intakes" / "safety_cauda_equina.yaml", "intake")
    answers.pop("patient", None)
    intake = record_intake(SqlAlchemyUnitOfWork.from_url(url), clinician, patient.id, answers, kb)
    screen_intake(SqlAlchemyUnitOfWork.from_url(url), clinician, intake.id, kb)
    return patient.id


def _medicare_patient(url: str) -> str:
    """Return the demo patient whose Medicare plan has the most sessions."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT patient_id, plan FROM plans")).all()
        counts = dict(connection.execute(text(
            "SELECT plan_id, count(*) FROM session_records GROUP BY plan_id")).all())
        ids = dict(connection.execute(text("SELECT patient_id, id FROM plans")).all())
    engine.dispose()
    medicare = [patient for patient, plan in rows
                if (json.loads(plan) if isinstance(plan, str) else plan)["payer"] == "medicare"]
    if not medicare:
        raise RuntimeError("the demo clinic has no Medicare patient")
    return max(medicare, key=lambda patient: counts.get(ids[patient], 0))


def make(out: Path, today: date) -> list[Path]:
    """Build the demo clinic, write each document's first page to ``out`` as PNG; return the files written.

    Raises ``subprocess.CalledProcessError`` when a command fails (its stderr says why).
    """
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="acupath-documents-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        _acupath("db", "upgrade", "--db", url)
        demo = json.loads(_acupath("demo", "--db", url, "--today", today.isoformat(), "--past", "0", "--second-clinic", "0")
                          .split("\ndemo login")[0])
        patients = {kind: _medicare_patient(url) for kind in KINDS}
        patients["referral"] = _referral_patient(url, demo["clinic_id"])
        for kind in KINDS:
            pdf = Path(folder) / f"{kind}.pdf"
            _acupath("report", kind, "--patient", patients[kind], "--output", str(pdf), "--on", today.isoformat(),
                     "--db", url)
            stem = out / kind
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                           check=True)
            written.append(stem.with_suffix(".png"))
    return written


def main() -> None:
    """Run ``make`` with the command line's options and print each file written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "documents")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 12, 6))
    options = parser.parse_args()
    for path in make(options.out, options.today):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
