"""``acupath fhir export DIR``: the demo clinic written as NDJSON files and manifest.json; bad input exits 2
with one line naming the option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from test_cli_server import run

from acupath.services import register_patient
from acupath.services.actor import Actor
from acupath.services.users import create_clinic
from acupath.storage import SqlAlchemyUnitOfWork


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file holding the demo clinic (one patient per condition, no past courses)."""
    from acupath.cli import main

    url = f"sqlite:///{tmp_path_factory.mktemp('cli-export') / 'demo.sqlite3'}"
    for argv in (["db", "upgrade", "--db", url],
                 ["demo", "--db", url, "--per-condition", "1", "--past", "0", "--second-clinic", "0"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert not done.value.code
    return url


def test_the_export_writes_valid_ndjson_files_and_their_manifest(capsys, demo_db: str, tmp_path: Path) -> None:
    code, out, err = run(capsys, "fhir", "export", "--db", demo_db, str(tmp_path / "out"))
    assert (code, err) == (0, "") and out.startswith("exported ")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["requiresAccessToken"] is False and manifest["error"] == [] and manifest["request"] == "$export"
    types = [item["type"] for item in manifest["output"]]
    assert {"Patient", "Organization", "Practitioner", "Condition", "QuestionnaireResponse", "Observation",
            "CarePlan", "Procedure", "AdverseEvent"} <= set(types)
    for item in manifest["output"]:
        lines = (tmp_path / "out" / item["url"]).read_bytes().splitlines()
        assert len(lines) == item["count"] > 0
        model = get_fhir_model_class(item["type"])
        for line in lines:
            assert model.model_validate_json(line).get_resource_type() == item["type"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["manifest.json", *(f"{t}.ndjson" for t in types)])


def test_type_and_since_limit_what_is_written(capsys, demo_db: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, "fhir", "export", "--db", demo_db, "--type", "Procedure,Patient",
                       "--since", "2000-01-01", str(tmp_path / "some"))
    assert (code, err) == (0, "")
    manifest = json.loads((tmp_path / "some" / "manifest.json").read_text())
    assert [item["type"] for item in manifest["output"]] == ["Patient", "Procedure"]
    assert "_since=2000-01-01T00%3A00%3A00%2B00%3A00" in manifest["request"]
    code, out, err = run(capsys, "fhir", "export", "--db", demo_db, "--type", "Patient",
                         "--since", "2999-01-01T00:00:00Z", str(tmp_path / "none"))
    assert (code, err) == (0, "") and "nothing" in out
    assert json.loads((tmp_path / "none" / "manifest.json").read_text())["output"] == []


@pytest.mark.parametrize(("args", "field"), [
    (["--type", "Patient,Unicorn"], "--type"),
    (["--type", "AuditEvent"], "--type"),
    (["--since", "last week"], "--since"),
    (["--clinic", "nowhere"], "--clinic"),
])
def test_bad_input_exits_2_with_one_line_naming_the_option(capsys, demo_db: str, tmp_path: Path, args, field) -> None:
    code, out, err = run(capsys, "fhir", "export", "--db", demo_db, *args, str(tmp_path / "out"))
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith(f"acupath: {field}: ")
    assert not (tmp_path / "out").exists()


def test_a_directory_holding_files_is_refused(capsys, demo_db: str, tmp_path: Path) -> None:
    (tmp_path / "old.ndjson").write_text("{}\n")
    code, _, err = run(capsys, "fhir", "export", "--db", demo_db, str(tmp_path))
    assert code == 2 and err.startswith("acupath: DIR: ") and err.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["old.ndjson"]


def test_two_clinics_need_the_clinic_named(capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'two.sqlite3'}"
    assert run(capsys, "db", "upgrade", "--db", url)[0] == 0
    first, second = (create_clinic(SqlAlchemyUnitOfWork.from_url(url), name).id for name in ("One", "Two"))
    register_patient(SqlAlchemyUnitOfWork.from_url(url), Actor("lee", second, "clinician"), {
        "given_name": "Ann", "family_name": "Two", "birth_date": "1960-01-01", "sex": "female"})
    code, _, err = run(capsys, "fhir", "export", "--db", url, str(tmp_path / "out"))
    assert code == 2 and err.startswith("acupath: --clinic: the database holds 2 clinics")
    code, _, err = run(capsys, "fhir", "export", "--db", url, "--clinic", second, "--type", "Patient",
                       str(tmp_path / "out"))
    assert (code, err) == (0, "")
    patients = (tmp_path / "out" / "Patient.ndjson").read_text().splitlines()
    assert [json.loads(line)["name"][0]["family"] for line in patients] == ["Two"]
    assert first != second
