"""``acupath fhir import BUNDLE.json --clinic ID --as EMAIL`` on a SQLite file: a patient exported from one
clinic (as ``$everything`` maps it, and through ``acupath fhir export``'s NDJSON files) is imported into
another as its clinician and exports again with the same scores; bad input exits 2 with one line naming
the element, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_cli_server import run

from acupath.fhir import Canon, as_json
from acupath.fhir.chart import chart_resources
from acupath.knowledge import load_knowledge
from acupath.security.passwords import Argon2idHasher
from acupath.services import Actor, fhir_reads, record_intake, register_patient, users
from acupath.storage import SqlAlchemyUnitOfWork
from example_records import example_intake
from fhir_transactions import transaction_of

PASSWORD = "correct horse battery staple"


@pytest.fixture
def clinics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> dict[str, Any]:
    """Harbour (a patient with an intake) and hill (a clinician and a receptionist) on one SQLite file."""
    db = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0
    ids = {name: json.loads(run(capsys, "clinics", "create", "--name", name, "--db", db)[1])["id"]
           for name in ("Harbour", "Hill")}
    for email, role in (("lee@hill.example", "clinician"), ("rita@hill.example", "reception")):
        users.create_user(SqlAlchemyUnitOfWork.from_url(db), Actor.system(ids["Hill"]), email=email, name=email,
                          role=role, password=PASSWORD, hasher=Argon2idHasher())
    lee = Actor("lee", ids["Harbour"], "clinician", "10.0.0.1")
    kb = load_knowledge()
    patient = register_patient(SqlAlchemyUnitOfWork.from_url(db), lee, {
        "given_name": "Ann", "family_name": "Import", "birth_date": "1960-01-01", "sex": "female", "mrn": "H-7"})
    intake = record_intake(SqlAlchemyUnitOfWork.from_url(db), lee, patient.id, example_intake("chronic_low_back_pain"),
                           kb)
    chart = fhir_reads.patient_chart(SqlAlchemyUnitOfWork.from_url(db), lee, patient.id)
    resources = [as_json(r) for r in chart_resources(chart, kb, Canon())]
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(transaction_of(resources, intake.id, identifier="HILL-1")))
    return {"db": db, "hill": ids["Hill"], "harbour": ids["Harbour"], "bundle": bundle, "scores": intake.scores,
            "intake": intake.id}


def _hill_patients(clinics: dict[str, Any]) -> int:
    with SqlAlchemyUnitOfWork.from_url(clinics["db"]) as uow:
        return uow.patients.count(clinics["hill"], None, 100).value


def test_a_bundle_is_imported_as_the_named_clinician_and_answered_with_locations(capsys, clinics) -> None:
    code, out, err = run(capsys, "fhir", "import", str(clinics["bundle"]), "--clinic", clinics["hill"],
                         "--as", "Lee@Hill.example", "--db", clinics["db"])
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert answer["type"] == "transaction-response" and answer["entry"][0]["response"]["status"] == "201 Created"
    intake_id = answer["entry"][1]["response"]["location"].split("/")[1]
    with SqlAlchemyUnitOfWork.from_url(clinics["db"]) as uow:
        intake = uow.intakes.get(clinics["hill"], intake_id)
        lee = uow.users.get_by_email("lee@hill.example")
    assert intake.scores == clinics["scores"] and intake.recorded_by == lee.id
    code, _, err = run(capsys, "fhir", "import", str(clinics["bundle"]), "--clinic", clinics["hill"],
                       "--as", "lee@hill.example", "--db", clinics["db"])
    assert code == 2 and err.count("\n") == 1 and err.startswith("acupath: Bundle.entry[0].resource.identifier[0].value: ")
    assert _hill_patients(clinics) == 1


def test_an_unknown_answer_code_exits_2_naming_the_element_and_writes_nothing(capsys, clinics) -> None:
    bundle = json.loads(clinics["bundle"].read_text())
    n = next(i for i, e in enumerate(bundle["entry"]) if "/Questionnaire/odi" in e["resource"].get("questionnaire", ""))
    bundle["entry"][n]["resource"]["item"][1]["answer"][0]["valueCoding"]["code"] = "six"
    clinics["bundle"].write_text(json.dumps(bundle))
    code, out, err = run(capsys, "fhir", "import", str(clinics["bundle"]), "--clinic", clinics["hill"],
                         "--as", "lee@hill.example", "--db", clinics["db"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"acupath: Bundle.entry[{n}].resource.item[1].answer[0].valueCoding.code: 'six' is not an answer")
    assert "(allowed: 0, 1, 2, 3, 4, 5)" in err and _hill_patients(clinics) == 0


@pytest.mark.parametrize(("args", "words"), [
    (("--as", "rita@hill.example"), "reception role"),
    (("--as", "nobody@hill.example"), "--as: no account"),
    (("--as", "lee@hill.example", "--clinic", "elsewhere"), "--as: lee@hill.example is not an active account"),
])
def test_who_imports_is_checked(capsys, clinics, args, words) -> None:
    options = {"--clinic": clinics["hill"], **dict(zip(args[::2], args[1::2], strict=True))}
    code, _, err = run(capsys, "fhir", "import", str(clinics["bundle"]), *(x for kv in options.items() for x in kv),
                       "--db", clinics["db"])
    assert code == 2 and err.count("\n") == 1 and words in err and _hill_patients(clinics) == 0


def test_a_file_that_is_not_json_exits_2_naming_it(capsys, clinics, tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, _, err = run(capsys, "fhir", "import", str(broken), "--clinic", clinics["hill"], "--as", "lee@hill.example",
                       "--db", clinics["db"])
    assert code == 2 and err.count("\n") == 1 and "broken.json" in err and "not valid JSON" in err


def test_the_intake_questionnaire_is_printed(capsys) -> None:
    code, out, _ = run(capsys, "fhir", "questionnaire", "intake")
    assert code == 0 and json.loads(out)["id"] == "intake"


def _ndjson(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for name in ("Patient", "Condition", "QuestionnaireResponse", "Observation")
            if (directory / f"{name}.ndjson").exists()
            for line in (directory / f"{name}.ndjson").read_text().splitlines()]


def _scores(resources: list[dict[str, Any]], intake_id: str) -> dict[tuple[str, str], Any]:
    return {(r["id"].removeprefix(f"{intake_id}-"), r["code"]["coding"][-1]["code"]): r.get("valueQuantity", {}).get("value")
            for r in resources if r["resourceType"] == "Observation" and r["id"].startswith(f"{intake_id}-")}


def test_a_bulk_export_imported_into_another_clinic_exports_the_same_scores(capsys, clinics, tmp_path) -> None:
    code, _, err = run(capsys, "fhir", "export", "--clinic", clinics["harbour"], "--db", clinics["db"],
                       str(tmp_path / "harbour"))
    assert (code, err) == (0, "")
    exported = _ndjson(tmp_path / "harbour")
    assert any(r["id"] == f"{clinics['intake']}-intake" for r in exported), "the intake's own answers are exported"
    bundle = tmp_path / "from_bulk.json"
    bundle.write_text(json.dumps(transaction_of(exported, clinics["intake"], identifier="HILL-BULK-1")))
    code, out, err = run(capsys, "fhir", "import", str(bundle), "--clinic", clinics["hill"], "--as", "lee@hill.example",
                         "--db", clinics["db"])
    assert (code, err) == (0, "")
    new_intake = json.loads(out)["entry"][1]["response"]["location"].split("/")[1]
    code, _, err = run(capsys, "fhir", "export", "--clinic", clinics["hill"], "--db", clinics["db"],
                       str(tmp_path / "hill"))
    assert (code, err) == (0, "")
    again = _ndjson(tmp_path / "hill")
    assert _scores(again, new_intake) == _scores(exported, clinics["intake"]) != {}
